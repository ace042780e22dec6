# Claims: compile changes no weight, and a metric never changes how the
# weights move. Two copies of one model train side by side: one reports
# accuracy, the other does not.
import keras
import numpy as np

keras.utils.set_random_seed(0)

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 2)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("int32")


def build():
    return keras.Sequential(
        [keras.Input(shape=(2,)), keras.layers.Dense(2, activation="softmax")]
    )


plain, watched = build(), build()
watched.set_weights(plain.get_weights())  # the same starting weights
start = [w.copy() for w in plain.get_weights()]

plain.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
watched.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
same = all(np.array_equal(s, w) for s, w in zip(start, plain.get_weights()))
print("weights unchanged by compile:", same)

plain.fit(x, y, epochs=3, shuffle=False, verbose=0)
history = watched.fit(x, y, epochs=3, shuffle=False, verbose=0)
print("accuracy reported:", [round(a, 4) for a in history.history["accuracy"]])
equal = all(
    np.array_equal(a, b)
    for a, b in zip(plain.get_weights(), watched.get_weights())
)
print("same weights with and without the metric:", equal)
