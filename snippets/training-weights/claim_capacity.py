# Claims: a model with a hidden layer can learn a pattern that a model with
# no hidden layer cannot (inside or outside a circle), and a much bigger
# model fits the training examples better than new ones (overfitting).
# Some training labels are flipped on purpose, as real data has mistakes.
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)

rng = np.random.default_rng(0)


def points(count):
    x = rng.uniform(-1.0, 1.0, size=(count, 2)).astype("float32")
    inside = (np.hypot(x[:, 0], x[:, 1]) < 0.7).astype("float32")
    return x, inside


x_train, y_train = points(120)
flip = rng.random(120) < 0.1
y_train[flip] = 1 - y_train[flip]  # wrong labels in the training data
x_val, y_val = points(400)
# 400 steps, each on all 120 training points at once.
steps = tf.data.Dataset.from_tensors((x_train, y_train)).repeat(400)

designs = {
    "no hidden layer": [],
    "1 hidden layer of 8": [8],
    "2 hidden layers of 256": [256, 256],
}
print("model                   weights  training  validation  gap")
gaps, scores = {}, {}
for name, hidden in designs.items():
    layers = [keras.Input(shape=(2,))]
    layers += [keras.layers.Dense(units, activation="relu") for units in hidden]
    layers += [keras.layers.Dense(1, activation="sigmoid")]
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.02),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(steps, epochs=1, shuffle=False, verbose=0)
    train = model.evaluate(x_train, y_train, verbose=0)[1]
    val = model.evaluate(x_val, y_val, verbose=0)[1]
    print(
        f"{name:22s} {model.count_params():7d}  {train:8.3f}  {val:10.3f}"
        f"  {train - val:+.3f}"
    )
    gaps[name], scores[name] = train - val, val
# The comparisons, which hold however the last digits round:
print("largest gap:", max(gaps, key=gaps.get))
print("best on new points:", max(scores, key=scores.get))
