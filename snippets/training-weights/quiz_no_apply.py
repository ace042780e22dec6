# Gradients are computed, but no optimizer ever uses them.
# Do the weights change?
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(42)

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
loss_fn = keras.losses.MeanSquaredError()

x = tf.constant([[1.0]])
y_true = tf.constant([[2.0]])

before = [w.numpy().copy() for w in model.trainable_variables]

with tf.GradientTape() as tape:
    loss = loss_fn(y_true, model(x))
grads = tape.gradient(loss, model.trainable_variables)
# No optimizer.apply_gradients(...) here.

after = [w.numpy() for w in model.trainable_variables]
changed = any(not np.array_equal(b, a) for b, a in zip(before, after))
print("weights changed:", changed)
