# One training step on one example. What loss does the last line print?
import keras
import tensorflow as tf

keras.utils.set_random_seed(42)  # same starting weights everywhere

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.1)

x = tf.constant([[1.0]])
y = tf.constant([[2.0]])

with tf.GradientTape() as tape:
    prediction = model(x)
    loss = tf.reduce_mean((y - prediction) ** 2)
grads = tape.gradient(loss, model.trainable_variables)
optimizer.apply_gradients(zip(grads, model.trainable_variables))
print(f"{loss.numpy():.3f}")
