# Claim: Adam's first step moves a weight by about its learning rate,
# whatever the size of the gradient. Plain SGD moves it by
# learning rate x gradient instead.
import keras
import tensorflow as tf

keras.utils.set_random_seed(0)

print("Adam's default learning rate:", keras.optimizers.Adam().get_config()["learning_rate"])

print("gradient     Adam step   SGD step")
for gradient in (0.001, 1.0, 1000.0):
    steps = []
    for optimizer in (
        keras.optimizers.Adam(learning_rate=0.001),
        keras.optimizers.SGD(learning_rate=0.001),
    ):
        weight = tf.Variable(1.0)
        optimizer.apply_gradients([(tf.constant(gradient), weight)])
        steps.append(1.0 - float(weight.numpy()))
    print(f"{gradient:8g}  {steps[0]:10.6f}  {steps[1]:9.6f}")
