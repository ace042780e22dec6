# A small model learns from four examples. We print the first layer's
# weights before and after training, and the loss after every epoch.
import keras
import numpy as np

keras.utils.set_random_seed(42)  # same starting weights on every run
np.set_printoptions(precision=3, suppress=True)

# 4 examples with 3 features each, and a class label (0 or 1) for each.
x_train = np.array(
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]],
    dtype="float32",
)
y_train = np.array([0, 1, 0, 1])

# --8<-- [start:model]
model = keras.Sequential(
    [
        keras.Input(shape=(3,)),
        keras.layers.Dense(5, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ]
)
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
# --8<-- [end:model]

before = model.layers[0].get_weights()[0].copy()
print("First-layer weights before training:")
print(before)

# --8<-- [start:fit]
history = model.fit(x_train, y_train, epochs=5, verbose=0)
# --8<-- [end:fit]

for epoch, (loss, accuracy) in enumerate(
    zip(history.history["loss"], history.history["accuracy"]), start=1
):
    print(f"epoch {epoch}: loss {loss:.4f}, accuracy {accuracy:.2f}")
# A model that always says 50/50 would score a loss of ln 2.
print(f"loss of a 50/50 guess: {np.log(2):.4f}")

after = model.layers[0].get_weights()[0]
print("First-layer weights after training:")
print(after)
# Column j of the kernel holds the weights into hidden unit j.
print("Largest change per hidden unit:")
print(np.abs(after - before).max(axis=0).round(4))
