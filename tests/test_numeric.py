"""snipcheck/numeric.py: this run is on the portable numeric path, and a setting applied after
NumPy or TensorFlow was imported is refused."""

from __future__ import annotations

import os

import pytest

from snipcheck import numeric


def test_this_run_is_on_the_portable_numeric_path():
    """The pytest plugin applied the settings before anything imported TensorFlow or NumPy."""
    for name, value in numeric.portable().items():
        assert os.environ.get(name) == value, name
    assert numeric.READER_LINE["TF_ENABLE_ONEDNN_OPTS"] == "0"


def test_settings_applied_too_late_are_refused(monkeypatch):
    import numpy  # noqa: F401  (loaded: a setting it reads at load time would be ignored)

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    with pytest.raises(RuntimeError, match=r"after .*numpy.* was imported.*OPENBLAS_CORETYPE"):
        numeric.apply({"OPENBLAS_CORETYPE": "Nehalem"})
    assert os.environ["OPENBLAS_CORETYPE"] == "Haswell"
