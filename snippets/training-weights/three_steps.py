# The three steps of training in Keras: architecture, loss, fit.
# The task: is a 2-D point inside the unit circle (label 1)
# or outside it (label 0)?
import keras
import numpy as np

keras.utils.set_random_seed(7)  # same data and starting weights everywhere

rng = np.random.default_rng(7)
x_train = rng.uniform(-2.0, 2.0, size=(400, 2)).astype("float32")
y_train = ((x_train**2).sum(axis=1) < 1.0).astype("float32")

# --8<-- [start:architecture]
model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
# --8<-- [end:architecture]
print(f"weights and biases to learn: {model.count_params()}")

# --8<-- [start:loss]
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=["accuracy"],
)
# --8<-- [end:loss]

# --8<-- [start:fit]
history = model.fit(x_train, y_train, batch_size=32, epochs=40, verbose=0)
# --8<-- [end:fit]

for epoch in (1, 10, 40):
    loss = history.history["loss"][epoch - 1]
    accuracy = history.history["accuracy"][epoch - 1]
    print(f"epoch {epoch:2d}: loss {loss:.4f}, accuracy {accuracy:.3f}")

steps = int(model.optimizer.iterations)
print(f"optimizer steps: {steps} in 40 epochs, {steps // 40} per epoch")
