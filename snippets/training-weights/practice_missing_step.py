# This training step computes gradients, yet the weight never changes. Why?
import keras
import tensorflow as tf

keras.utils.set_random_seed(42)  # same starting weights everywhere

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
optimizer = keras.optimizers.Adam(learning_rate=0.01)
x = tf.constant([[1.0]])
y = tf.constant([[2.0]])

print(f"weight before: {model.layers[0].kernel.numpy()[0, 0]:.4f}")
for step in range(3):
    with tf.GradientTape() as tape:
        prediction = model(x)
        loss = tf.reduce_mean((y - prediction) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
print(f"weight after 3 steps: {model.layers[0].kernel.numpy()[0, 0]:.4f}")
