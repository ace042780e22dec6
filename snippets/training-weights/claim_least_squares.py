# Claim: on noisy data, training a line converges to the least-squares fit
# of the data, not to the true line y = 3x + 2 that made it.
# Same data as the lesson's regression example.
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)

rng = np.random.default_rng(0)
x_train = rng.uniform(-1.0, 1.0, size=(200, 1)).astype("float32")
noise = rng.normal(0.0, 0.1, size=(200, 1)).astype("float32")
y_train = 3.0 * x_train + 2.0 + noise


def mse(w, b):
    return float(np.mean((w * x_train + b - y_train) ** 2))


columns = np.hstack([x_train, np.ones_like(x_train)])
(best_w,), (best_b,) = np.linalg.lstsq(columns, y_train, rcond=None)[0]
print(f"least-squares fit:  w = {best_w:.3f}, b = {best_b:.3f}, "
      f"loss {mse(best_w, best_b):.6f}")
print(f"true line:          w = 3, b = 2, loss {mse(3.0, 2.0):.6f}")

# Train long, each step on all the data at once, so no step is noisy.
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mean_squared_error"
)
steps = tf.data.Dataset.from_tensors((x_train, y_train)).repeat(200)
model.fit(steps, epochs=1, shuffle=False, verbose=0)  # 200 steps
w, b = (float(v.ravel()[0]) for v in model.get_weights())
print(f"trained:            w = {w:.3f}, b = {b:.3f}, loss {mse(w, b):.6f}")
print("trained line is the least-squares fit:",
      bool(np.allclose([w, b], [best_w, best_b], atol=1e-3)))
