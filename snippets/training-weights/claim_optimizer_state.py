# Claim: training changes the weights, and also the optimizer's own state:
# a step counter, and for Adam a running average of each weight's gradients.
import keras
import numpy as np

keras.utils.set_random_seed(0)

rng = np.random.default_rng(0)
x = rng.normal(size=(32, 1)).astype("float32")
y = 2.0 * x + 1.0

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mean_squared_error")
model.optimizer.build(model.trainable_variables)


def state(optimizer):
    """The step counter and the largest value in Adam's running averages."""
    averages = [v.numpy() for v in optimizer.variables[2:]]
    return int(optimizer.iterations.numpy()), max(float(np.abs(a).max()) for a in averages)


print("before fit: steps %d, largest running average %.4f" % state(model.optimizer))
model.fit(x, y, batch_size=8, epochs=2, verbose=0)
print("after fit:  steps %d, largest running average %.4f" % state(model.optimizer))
