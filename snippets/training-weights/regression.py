# Regression: learn y = 3x + 2 from noisy examples,
# with SGD and the mean squared error.
import keras
import numpy as np

keras.utils.set_random_seed(0)  # same data and starting weights everywhere

rng = np.random.default_rng(0)
x_train = rng.uniform(-1.0, 1.0, size=(200, 1)).astype("float32")
noise = rng.normal(0.0, 0.1, size=(200, 1)).astype("float32")
y_train = 3.0 * x_train + 2.0 + noise

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])

w, b = model.layers[0].get_weights()
print(f"before training: w = {w[0, 0]:.3f}, b = {b[0]:.3f}")

# --8<-- [start:compile]
model.compile(optimizer="sgd", loss="mean_squared_error")
# --8<-- [end:compile]
# --8<-- [start:fit]
history = model.fit(x_train, y_train, epochs=50, verbose=0)
# --8<-- [end:fit]

# The loss Keras records for an epoch is the mean of its batch losses,
# each measured just before that batch's update.
losses = history.history["loss"]
for epoch in (1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50):
    print(f"mean loss during epoch {epoch:2d}: {losses[epoch - 1]:.4f}")

w, b = model.layers[0].get_weights()
print(
    f"after training:  w = {w[0, 0]:.3f}, b = {b[0]:.3f}"
    "  (true: w = 3, b = 2)"
)
