# Claim: random starting weights are not the only reason two runs differ.
# Here both runs start from the same weights; only the order in which fit
# shuffles the examples into batches differs.
import keras
import numpy as np

keras.utils.set_random_seed(0)

# 64 points spread evenly over [-1, 1], a little noise around y = 3x + 2.
x = np.linspace(-1.0, 1.0, 64, dtype="float32").reshape(-1, 1)
noise = np.random.default_rng(0).normal(0.0, 0.1, size=x.shape)
y = (3.0 * x + 2.0 + noise).astype("float32")

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
start = model.get_weights()


def train(shuffle_seed, shuffle=True):
    keras.utils.set_random_seed(shuffle_seed)  # sets the batch order only
    model.set_weights(start)
    model.compile(optimizer="sgd", loss="mean_squared_error")
    model.fit(x, y, batch_size=8, epochs=2, shuffle=shuffle, verbose=0)
    return model.get_weights()[0][0, 0]


shuffled = train(1), train(2)
fixed = train(1, shuffle=False), train(2, shuffle=False)
print(f"shuffled batches:   w = {shuffled[0]:.6f} and {shuffled[1]:.6f}")
print(f"same batch order:   w = {fixed[0]:.6f} and {fixed[1]:.6f}")
print("shuffled runs differ:", bool(shuffled[0] != shuffled[1]))
print("unshuffled runs differ:", bool(fixed[0] != fixed[1]))
print("same seed twice, same result:", bool(train(1) == shuffled[0]))
