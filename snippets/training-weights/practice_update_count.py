# How many times does fit update the weights?
import keras
import numpy as np

keras.utils.set_random_seed(2)  # same data and starting weights everywhere

rng = np.random.default_rng(2)
x_train = rng.normal(size=(100, 3)).astype("float32")
y_train = rng.normal(size=(100, 1)).astype("float32")

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mean_squared_error")
model.fit(x_train, y_train, batch_size=32, epochs=3, verbose=0)

# The optimizer counts its own update steps.
print(f"weight updates: {int(model.optimizer.iterations.numpy())}")
