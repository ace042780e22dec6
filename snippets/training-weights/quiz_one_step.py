# One training step written out by hand: guess, measure the loss, find the
# gradients, step. Which loss does the last line print?
import keras
import tensorflow as tf

keras.utils.set_random_seed(42)  # same starting weights everywhere

# A model with one weight and one bias: y = w * x + b
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
loss_fn = keras.losses.MeanSquaredError()
optimizer = keras.optimizers.SGD(learning_rate=0.1)

x = tf.constant([[1.0]])
y_true = tf.constant([[2.0]])

with tf.GradientTape() as tape:
    y_pred = model(x)  # guess
    loss = loss_fn(y_true, y_pred)  # measure
grads = tape.gradient(loss, model.trainable_variables)  # direction
optimizer.apply_gradients(zip(grads, model.trainable_variables))  # step

print(f"loss: {float(loss):.3f}")
