# The explorer's model trained by Keras itself, for each optimizer
# and a few settings: y = w * x + b, mean squared error.
# Each line: step, w, b and the loss on all the points after it.
# tests/test_explorer.py checks the explorer's JavaScript against it.
# snipcheck: timeout=300
import json
from pathlib import Path

import keras
import numpy as np

keras.utils.set_random_seed(0)

POINTS = json.loads(Path("docs/assets/explorer/points.json").read_text())
x = np.array(POINTS["x"], dtype="float32").reshape(-1, 1)
y = np.array(POINTS["y"], dtype="float32").reshape(-1, 1)
STEPS = 100
SETTINGS = [  # optimizer, learning rate, batch size, seed
    ("sgd", 0.1, 32, 0),
    ("sgd", 1.05, 32, 0),  # too big a step: the loss grows
    ("sgd", 0.1, 8, 1),
    ("momentum", 0.1, 32, 0),
    ("momentum", 0.05, 8, 2),
    ("adam", 0.1, 32, 0),
    ("adam", 0.05, 4, 3),
]
mse = keras.losses.MeanSquaredError()


def make_optimizer(name, rate):
    if name == "sgd":
        return keras.optimizers.SGD(rate)
    if name == "momentum":
        return keras.optimizers.SGD(rate, momentum=0.9)
    return keras.optimizers.Adam(rate)


class Record(keras.callbacks.Callback):
    """Prints step, w, b and the loss before training and after each step."""

    def show(self, step):
        w, b = self.model.layers[0].get_weights()
        loss = float(mse(y, self.model(x)))
        # "#" keeps the decimal point: a loss of 886600.0 prints as 886600.000,
        # a float, and never looks like a whole-number count.
        print(f"{step} {w[0, 0]:#.9g} {b[0]:#.9g} {loss:#.9g}")

    def on_train_begin(self, logs=None):
        self.steps = 0
        self.show(0)

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        self.show(self.steps)
        if self.steps == STEPS:
            self.model.stop_training = True


for name, rate, batch_size, seed in SETTINGS:
    print(f"# {name} learning_rate={rate} batch_size={batch_size} seed={seed}")
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=make_optimizer(name, rate), loss="mean_squared_error")
    epochs = -(-STEPS * batch_size // len(x))
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False,
              verbose=0, callbacks=[Record()])
