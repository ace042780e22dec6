# Claim: a new Dense layer starts its kernel from Glorot uniform, random
# numbers between -limit and +limit with limit = sqrt(6 / (inputs + units)),
# and its biases at zero.
import keras
import numpy as np

keras.utils.set_random_seed(0)

for inputs, units in [(1, 1), (3, 5), (64, 64)]:
    layer = keras.layers.Dense(units)
    layer.build((None, inputs))
    kernel, bias = layer.get_weights()
    limit = np.sqrt(6 / (inputs + units))
    print(
        f"Dense({units}) on {inputs} input(s): limit {limit:.3f}, "
        f"largest |weight| {np.abs(kernel).max():.3f}, "
        f"inside the limit: {bool(np.abs(kernel).max() <= limit)}, "
        f"biases all zero: {bool((bias == 0).all())}"
    )
print("initializer:", type(layer.kernel_initializer).__name__)
