# One SGD step on the quiz's model, worked out by hand and checked against
# the optimizer. Model: guess = w * x + b. Example: x = 1, right answer 2.
# Loss: (right answer - guess) squared.
import keras
import tensorflow as tf

keras.utils.set_random_seed(42)  # the quiz's seed: the same starting weights

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.1)
x, answer = tf.constant([[1.0]]), tf.constant([[2.0]])

w, b = (float(v.numpy().ravel()[0]) for v in model.trainable_variables)
guess = w * 1.0 + b
print(f"start:       w = {w:.4f}, b = {b:.4f}")
print(f"guess:       w * 1 + b = {guess:.4f} (right answer: 2)")
print(f"loss before: (2 - {guess:.4f})^2 = {(2.0 - guess) ** 2:.4f}")

# By hand: the loss changes by -2 * (2 - guess) per unit of w, and of b.
slope = -2.0 * (2.0 - guess)
print(f"gradient:    -2 * (2 - {guess:.4f}) = {slope:.4f} for w and for b")
new_w, new_b = w - 0.1 * slope, b - 0.1 * slope
print(f"step:        w = {w:.4f} - 0.1 * ({slope:.4f}) = {new_w:.4f}")
print(f"             b = {b:.4f} - 0.1 * ({slope:.4f}) = {new_b:.4f}")
new_guess = new_w * 1.0 + new_b
print(f"loss after:  (2 - {new_guess:.4f})^2 = {(2.0 - new_guess) ** 2:.4f}")

# The same step by TensorFlow.
with tf.GradientTape() as tape:
    loss = tf.reduce_mean((answer - model(x)) ** 2)
grads = tape.gradient(loss, model.trainable_variables)
optimizer.apply_gradients(zip(grads, model.trainable_variables))
tf_w, tf_b = (float(v.numpy().ravel()[0]) for v in model.trainable_variables)
tf_after = float(tf.reduce_mean((answer - model(x)) ** 2))
print(f"TensorFlow:  gradient {float(grads[0].numpy().ravel()[0]):.4f}, "
      f"w = {tf_w:.4f}, b = {tf_b:.4f}, loss after {tf_after:.4f}")
