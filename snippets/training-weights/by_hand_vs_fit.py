# Train the same small model twice: once with a loop written by hand,
# once with fit. Same starting weights, same data, same optimizer:
# the weights end up the same.
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(3)  # same data and starting weights everywhere

rng = np.random.default_rng(3)
x = rng.normal(size=(16, 2)).astype("float32")
y = (2.0 * x[:, :1] - x[:, 1:] + 0.5).astype("float32")
EPOCHS = 5


def build():
    return keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1),
        ]
    )


by_hand = build()
with_fit = build()
with_fit.set_weights(by_hand.get_weights())  # the same starting weights

# --8<-- [start:by_hand]
optimizer = keras.optimizers.SGD(learning_rate=0.1)
loss_fn = keras.losses.MeanSquaredError()
hand_losses = []
for epoch in range(EPOCHS):
    with tf.GradientTape() as tape:
        prediction = by_hand(x, training=True)  # 1. forward pass
        loss = loss_fn(y, prediction)  # 2. loss
    weights = by_hand.trainable_variables
    grads = tape.gradient(loss, weights)  # 3. gradients
    optimizer.apply_gradients(zip(grads, weights))  # 4. update
    hand_losses.append(float(loss))
# --8<-- [end:by_hand]

# --8<-- [start:with_fit]
with_fit.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    loss="mean_squared_error",
)
history = with_fit.fit(
    x, y, batch_size=len(x), epochs=EPOCHS, shuffle=False, verbose=0
)
# --8<-- [end:with_fit]

for epoch in range(EPOCHS):
    print(
        f"epoch {epoch + 1}: loss by hand {hand_losses[epoch]:.6f}, "
        f"with fit {history.history['loss'][epoch]:.6f}"
    )

pairs = list(zip(by_hand.get_weights(), with_fit.get_weights()))
largest = max(float(np.abs(a - b).max()) for a, b in pairs)
print(f"largest difference between the final weights: {largest:.1e}")
match = all(np.allclose(a, b) for a, b in pairs)
print(f"weights match (np.allclose): {match}")
