# Which call changes the weights: compile, fit, or both?
import keras
import numpy as np

keras.utils.set_random_seed(42)

x = np.array([[0.0], [1.0], [2.0], [3.0]], dtype="float32")
y = 3 * x + 2

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
start = [w.copy() for w in model.get_weights()]


def moved(model):
    """True if any weight differs from its starting value."""
    now = model.get_weights()
    return any(not np.array_equal(s, w) for s, w in zip(start, now))


model.compile(optimizer="sgd", loss="mean_squared_error")
after_compile = moved(model)

model.fit(x, y, epochs=1, verbose=0)
after_fit = moved(model)

print(after_compile, after_fit)
