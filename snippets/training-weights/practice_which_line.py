# One training step written by hand. Which marked line changes the weights?
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(11)  # same starting weights everywhere

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.1)
x = tf.constant([[1.0], [2.0]])
y = tf.constant([[3.0], [5.0]])
start = [w.copy() for w in model.get_weights()]


def changed():
    now = model.get_weights()
    return any(not np.array_equal(a, b) for a, b in zip(start, now))


# --8<-- [start:step]
with tf.GradientTape() as tape:
    prediction = model(x)  # line A
    loss = tf.reduce_mean((y - prediction) ** 2)  # line B
print(f"after line B, weights changed: {changed()}")
grads = tape.gradient(loss, model.trainable_variables)  # line C
print(f"after line C, weights changed: {changed()}")
optimizer.apply_gradients(zip(grads, model.trainable_variables))  # line D
print(f"after line D, weights changed: {changed()}")
# --8<-- [end:step]
