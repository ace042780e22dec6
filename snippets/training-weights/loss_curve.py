# The numbers behind the lesson's picture: the quiz's model, with b held at
# its starting value 0, so the loss depends on the weight w alone.
# The site draws the curve, the gradient and the step from this output.
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(42)  # the quiz's seed: the same starting weights

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
x, answer = tf.constant([[1.0]]), tf.constant([[2.0]])
kernel, bias = model.trainable_variables


def loss_at(w):
    """The loss with the weight set to w (b stays 0)."""
    kernel.assign([[w]])
    return float(tf.reduce_mean((answer - model(x)) ** 2))


start = float(kernel.numpy()[0, 0])
print("curve: w, loss (b = 0)")  # near the current weight
for w in np.linspace(0.75, 2.25, 13):
    print(f"  {w:.3f}  {loss_at(float(w)):.4f}")

kernel.assign([[start]])
with tf.GradientTape() as tape:
    loss = tf.reduce_mean((answer - model(x)) ** 2)
gradient = float(tape.gradient(loss, kernel).numpy()[0, 0])
new_w = start - 0.1 * gradient
print(f"current: w = {start:.4f}, loss = {float(loss):.4f}")
print(f"gradient: {gradient:.4f}")
print(f"step: learning rate 0.1, new w = {new_w:.4f}, loss = {loss_at(new_w):.4f}")
