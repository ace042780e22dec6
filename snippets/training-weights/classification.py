# Classification: sort points into three groups with Adam,
# and track the accuracy.
import keras
import numpy as np

keras.utils.set_random_seed(1)  # same data and starting weights everywhere

# Three clouds of 2-D points, 100 per class, around three different centres.
rng = np.random.default_rng(1)
centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
y_train = np.repeat([0, 1, 2], 100)
noise = rng.normal(0.0, 0.7, size=(300, 2))
x_train = (centres[y_train] + noise).astype("float32")

model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ]
)

# --8<-- [start:compile]
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
# --8<-- [end:compile]
# --8<-- [start:fit]
history = model.fit(x_train, y_train, epochs=20, verbose=0)
# --8<-- [end:fit]

for epoch in (0, 4, 9, 19):
    loss = history.history["loss"][epoch]
    accuracy = history.history["accuracy"][epoch]
    print(f"epoch {epoch + 1}: loss {loss:.4f}, accuracy {accuracy:.3f}")
