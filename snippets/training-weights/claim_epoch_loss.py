# Claim: the loss that fit records for an epoch is the mean of the batch
# losses during that epoch, each measured before that batch's update.
# It is not the loss of the weights at the end of the epoch.
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)

rng = np.random.default_rng(0)
x = rng.uniform(-1.0, 1.0, size=(200, 1)).astype("float32")
y = 3.0 * x + 2.0 + rng.normal(0.0, 0.1, size=(200, 1)).astype("float32")

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
start = model.get_weights()
model.compile(optimizer="sgd", loss="mean_squared_error")

print(f"loss before epoch 1:          {model.evaluate(x, y, verbose=0):.4f}")
history = model.fit(x, y, epochs=1, shuffle=False, verbose=0)
print(f"recorded for epoch 1:         {history.history['loss'][0]:.4f}")
print(f"loss after epoch 1:           {model.evaluate(x, y, verbose=0):.4f}")

# The same epoch by hand: note each batch's loss, then update.
model.set_weights(start)
optimizer = keras.optimizers.SGD(learning_rate=0.01)  # the "sgd" default
losses, sizes = [], []
for first in range(0, len(x), 32):
    xb, yb = x[first : first + 32], y[first : first + 32]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((yb - model(xb)) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    losses.append(float(loss))
    sizes.append(len(xb))
mean = np.average(losses, weights=sizes)
print(f"mean of the batch losses:     {mean:.4f}")
recorded = history.history["loss"][0]
print("recorded value is that mean:", bool(np.isclose(recorded, mean, rtol=1e-5)))
