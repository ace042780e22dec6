# Train the explorer's model in Keras: y = w * x + b,
# mean squared error, one step per batch.
# "Copy as TensorFlow" fills in the constants below
# with your settings and writes the points out.
import json
from pathlib import Path

import keras
import numpy as np

OPTIMIZER = "adam"  # "sgd", "momentum" or "adam"
LEARNING_RATE = 0.1
BATCH_SIZE = 8  # 32 is the full batch
SEED = 0
STEPS = 12
POINTS = json.loads(Path("docs/assets/explorer/points.json").read_text())
X = POINTS["x"]
Y = POINTS["y"]

keras.utils.set_random_seed(SEED)  # the starting w
x = np.array(X, dtype="float32").reshape(-1, 1)
y = np.array(Y, dtype="float32").reshape(-1, 1)

if OPTIMIZER == "sgd":
    optimizer = keras.optimizers.SGD(LEARNING_RATE)
elif OPTIMIZER == "momentum":
    optimizer = keras.optimizers.SGD(LEARNING_RATE, momentum=0.9)
else:
    optimizer = keras.optimizers.Adam(LEARNING_RATE)

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer=optimizer, loss="mean_squared_error")
mse = keras.losses.MeanSquaredError()


class PrintEachStep(keras.callbacks.Callback):
    """Before training and after each step: w, b, loss on all points."""

    def show(self, step):
        w, b = self.model.layers[0].get_weights()
        loss = float(mse(y, self.model(x)))
        print(f"step {step:3d}: w = {w[0, 0]:.4f}, "
              f"b = {b[0]:.4f}, loss = {loss:.4f}")

    def on_train_begin(self, logs=None):
        self.show(0)

    def on_train_batch_end(self, batch, logs=None):
        self.steps = getattr(self, "steps", 0) + 1
        self.show(self.steps)
        if self.steps == STEPS:
            self.model.stop_training = True


epochs = -(-STEPS * BATCH_SIZE // len(x))  # enough for STEPS
model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs,
          shuffle=False, verbose=0, callbacks=[PrintEachStep()])
