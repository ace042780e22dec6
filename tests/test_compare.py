"""snipcheck/compare.py: the tolerance compare catches every real change and lets a last-digit
rounding flip pass; times on Keras progress lines are masked, a printed time or a memory address
is not."""

from __future__ import annotations

import pytest

from snipcheck import compare, layout


RTOL, ATOL = 1e-3, 1e-6


@pytest.mark.parametrize(
    "recorded, printed",
    [
        ("[0.005 0.005 0.005 0.005 0.   ]", "[0.005 0.005 0.005 0.005 1.   ]"),  # sample_model.out
        ("lr 1e-03", "lr 2e-03"),
        ("lr 1.0e-03", "lr 1.1e-03"),
        ("w 0.5", "w 0.6"),
        ("[1. 2.]", "[2. 1.]"),
        ("samples 1797", "samples 1798"),
        ("steps 1000000000000", "steps 1000000000001"),  # integers are exact at any size
        ("count 3", "count 3.0"),  # an integer is not a float
    ],
    ids=["0. to 1.", "1e-03 to 2e-03", "1.0e-03 to 1.1e-03", "0.5 to 0.6", "swapped array",
         "1797 to 1798", "huge integer", "int vs float"],
)
def test_a_real_change_fails(recorded, printed):
    assert compare.same_output(recorded, printed, RTOL, ATOL) is False


@pytest.mark.parametrize(
    "recorded, printed",
    [("w 0.615", "w 0.616"), ("loss 1.8294", "loss 1.8296"), ("[ 0.62  -0.   ]", "[ 0.62   0.   ]"),
     ("samples 1797", "samples 1797")],
)
def test_a_rounding_flip_still_passes(recorded, printed):
    assert compare.same_output(recorded, printed, RTOL, ATOL) is True


@pytest.mark.selftest
def test_the_real_sample_model_output_fails_when_a_still_unit_moves():
    out = layout.SNIPPETS / "training-weights" / "sample_model.out"
    text = out.read_text(encoding="utf-8")
    assert "0.   ]" in text
    changed = text.replace("0.   ]", "1.   ]")
    message = compare.mismatch(out.with_suffix(".py"), changed)
    assert message and "output differs" in message and "+[0.005 0.005 0.005 0.005 1.   ]" in message


def test_hex_tokens_are_text_not_an_overflow():
    assert compare.same_output("id 0x7fb5c812e700", "id 0x7fb5c812e700", RTOL, ATOL)
    assert not compare.same_output("id 0x7fb5c812e700", "id 0x7fb5c812e900", RTOL, ATOL)
    assert not compare.same_output("812e700", "812e701", RTOL, ATOL)  # inf: compared as text
    problems = compare.unstable("<Dense at 0x7fb5c812e700>\n")
    assert len(problems) == 1 and "memory address (0x7fb5c812e700)" in problems[0]


def test_only_keras_progress_lines_have_their_times_masked():
    progress = "1/1 ━━━━━━━━━━━━━━━━━━━━ 0s 12ms/step - loss: 0.5000"
    assert compare.same_output(progress, progress.replace("0s 12ms", "1s 3ms"), RTOL, ATOL)
    assert compare.same_output("1/1 - 0s - 12ms/step", "1/1 - 1s - 3ms/step", RTOL, ATOL)
    assert not compare.same_output("fit took 0.417s", "fit took 0.512s", RTOL, ATOL)
    assert compare.unstable(progress) == []
    problems = compare.unstable("fit took 0.417s\n")
    assert len(problems) == 1 and "prints a time (0.417s), which changes on every run" in problems[0]


@pytest.mark.selftest
@pytest.mark.parametrize(
    "recorded, printed, same",
    [
        ("loss 1.8294", "loss 1.8294", True),
        ("loss 1.8294", "loss 1.8296", True),  # within rtol=1e-3
        ("loss 1.8294", "loss 1.8494", False),  # beyond it
        ("w 0.615", "w 0.616", True),  # a last-digit rounding flip
        ("w 0.615", "w 0.618", False),
        ("epoch 1", "epoch 2", False),  # integers are exact
        ("[ 0.62  -0.   ]", "[ 0.62   0.   ]", True),  # NumPy's signed zero
        ("1/1 - 0s - 12ms/step", "1/1 - 1s - 3ms/step", True),  # wall clock is masked
        ("loss 0.5   \n\n", "loss 0.5", True),  # trailing spaces and blank lines
        ("accuracy 0.9", "loss 0.9", False),  # words are exact
        ("a 1.0", "a 1.0 2.0", False),
    ],
)
def test_tolerance_rules(recorded, printed, same):
    assert compare.same_output(recorded, printed, rtol=1e-3, atol=1e-6) is same
