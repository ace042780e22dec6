"""snipcheck/rules/seeds.py: a snippet that uses Keras must call keras.utils.set_random_seed(...)
in its code (a comment, a string or an uncalled function does not count); the message names the
file and the fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from snipcheck.rules import seeds

pytestmark = pytest.mark.selftest


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "code, seeded",
    [
        ("import keras\nkeras.utils.set_random_seed(0)\n", True),
        ("import tensorflow as tf\ntf.keras.utils.set_random_seed(0)\n", True),
        ("from keras.utils import set_random_seed\nset_random_seed(0)\n", True),
        ("import keras\n# keras.utils.set_random_seed(0)\n", False),  # a comment is not a call
        ("import keras\nnote = 'keras.utils.set_random_seed(0)'\n", False),  # nor a string
        ("import keras\ndef later():\n    keras.utils.set_random_seed(0)\n", False),  # never called
        ("from tensorflow import keras\nprint(1)\n", False),
        ("import numpy as np\nprint(np.zeros(2))\n", True),  # NumPy only: the two-run rule covers it
    ],
    ids=["keras", "tf.keras", "imported name", "comment", "string", "inside a function", "from-import",
         "numpy only"],
)
def test_the_seed_rule_reads_the_code(tmp_path, code, seeded):
    snippet = write(tmp_path, "s.py", code)
    problems = seeds.seed_problems(snippet)
    assert (not problems) is seeded, problems
    if problems:
        assert "s.py uses Keras but never calls keras.utils.set_random_seed(...)" in problems[0]


def test_unseeded_snippet_names_the_file_and_the_fix(tmp_path):
    snippet = tmp_path / "noseed.py"
    snippet.write_text("import keras\nprint(keras.layers.Dense(1).units)\n", encoding="utf-8")
    message = "\n".join(seeds.seed_problems(snippet))
    assert "noseed.py uses Keras but never calls keras.utils.set_random_seed(...)" in message
    assert "Seed it near the top" in message
