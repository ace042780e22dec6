# Two settings that change how training moves the weights:
# the learning rate and the batch size. Every run starts from the same
# weights and sees the same data for the same number of epochs.
import keras
import numpy as np

keras.utils.set_random_seed(5)  # same data and starting weights everywhere

rng = np.random.default_rng(5)
x_train = rng.uniform(-1.0, 1.0, size=(200, 1)).astype("float32")
noise = rng.normal(0.0, 0.1, size=(200, 1))
y_train = (3.0 * x_train + 2.0 + noise).astype("float32")


def new_model():
    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])


start = new_model().get_weights()


def train(learning_rate, batch_size, epochs=10):
    model = new_model()
    model.set_weights(start)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="mean_squared_error",
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=False,
        verbose=0,
    )
    steps = int(model.optimizer.iterations.numpy())
    return history.history["loss"][-1], steps


print("learning rate (batch size 200, 10 epochs):")
for rate in (0.01, 0.5, 2.5):
    loss, steps = train(rate, batch_size=200)
    print(f"  {rate:<5}: mean loss in epoch 10: {loss:.4g} ({steps} steps)")

print("batch size (learning rate 0.1, 10 epochs):")
for size in (200, 8):
    loss, steps = train(0.1, batch_size=size)
    print(f"  {size:<5}: mean loss in epoch 10: {loss:.4g} ({steps} steps)")
