# Claim: without batch_size, fit makes batches of 32 examples, and it shuffles
# the examples unless told not to. 32 examples make one batch (one step per
# epoch) and 33 make two: so each batch holds 32.
import inspect

import keras
import numpy as np

keras.utils.set_random_seed(0)

for count in (32, 33):
    x = np.zeros((count, 1), dtype="float32")
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    model.fit(x, x, epochs=1, verbose=0)  # no batch_size
    print(f"{count} examples: {int(model.optimizer.iterations)} step(s) in one epoch")

print("fit's default for shuffle:", inspect.signature(keras.Model.fit).parameters["shuffle"].default)
