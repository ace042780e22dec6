"""Writes the explorer's data file, docs/assets/explorer/points.json (a helper, not a snippet).

The file holds the points both the explorer and snippets/training-weights/explorer_keras.py
read, and the starting weight Keras gives the model for each seed the explorer offers.
tests/test_explorer.py checks that the file is exactly what this program prints.

    python snippets/training-weights/_explorer_points.py > docs/assets/explorer/points.json
"""

import json

import keras
import numpy as np

N_POINTS = 32
SEEDS = range(10)

rng = np.random.default_rng(15)
x = np.round(rng.uniform(-1.0, 1.0, N_POINTS), 2)
y = np.round(3.0 * x + 2.0 + rng.normal(0.0, 0.3, N_POINTS), 2)


def start(seed: int) -> list[str]:
    """The weight and bias Keras gives Dense(1) after keras.utils.set_random_seed(seed)."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    w, b = model.layers[0].get_weights()
    return [float(np.format_float_positional(v, unique=True)) for v in (w[0, 0], b[0])]


points = {
    "about": "Points for y = 3x + 2 with noise, and Keras's starting (w, b) for each seed. "
    "Made by snippets/training-weights/_explorer_points.py; never edit by hand.",
    "x": [float(v) for v in x],
    "y": [float(v) for v in y],
    "starts": {str(seed): start(seed) for seed in SEEDS},
}
# One key per line, each list on one line: short diffs, easy to read.
print("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in points.items()) + "\n}")
