# Claim: practice problem 3's code also runs without keras.Input. Keras then
# makes the weights at the model's first call, inside the tape, with the same
# seeded values, so the tape records the same loss.
import keras
import tensorflow as tf

keras.utils.set_random_seed(42)

model = keras.Sequential([keras.layers.Dense(1)])  # no Input
print("weights before the first call:", len(model.weights))

with tf.GradientTape() as tape:
    loss = tf.reduce_mean((2.0 - model(tf.constant([[1.0]]))) ** 2)
grads = tape.gradient(loss, model.trainable_variables)
keras.optimizers.SGD(learning_rate=0.1).apply_gradients(zip(grads, model.trainable_variables))
print("weights after it:", len(model.weights))
print(f"{loss.numpy():.3f}")
