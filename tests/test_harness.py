"""The checker itself: each way a snippet can go wrong gives a clear message, and refresh
only ever writes what changed beyond tolerance."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from snipcheck import compare, layout, outputs, run

pytestmark = pytest.mark.selftest  # checks the checker: nox -s tests, not nox -s check


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


# kind -> (file name, code) of a snippet that fails in that way.
BAD_SNIPPETS = {
    "warned": ("warns.py", """\
        import keras
        keras.utils.set_random_seed(0)
        layer = keras.layers.Dense(2, input_shape=(3,))
        print("built")
        """),
    "raised": ("raises.py", """\
        print("before")
        weights = [1.0, 2.0]
        print(weights[5])
        """),
    "timeout": ("hangs.py", """\
        # snipcheck: timeout=2
        import time
        while True:
            time.sleep(0.1)
        """),
    "network": ("downloads.py", """\
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        """),
}


@pytest.fixture(scope="module")
def bad_snippets(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bad")
    return {kind: write(tmp_path, name, code) for kind, (name, code) in BAD_SNIPPETS.items()}


@pytest.fixture(scope="module")
def bad_results(bad_snippets):
    return run.run_many(list(bad_snippets.values()), jobs=2)


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("warned", ["emitted a Python warning", "UserWarning", "input_shape", "Change the call"]),
        ("raised", ["raised an exception", "raises.py\", line 3", "IndexError", "Fix the error"]),
        ("timeout", ["timed out", "limit 2 s", "# snipcheck: timeout=SECONDS"]),
        ("network", ["tried to open a network connection", "socket.", "Snippets run offline"]),
    ],
)
def test_failure_says_which_where_and_how_to_fix(bad_snippets, bad_results, kind, expected):
    snippet = bad_snippets[kind]
    result = bad_results[snippet]
    assert result.status == kind
    message = outputs.check(result)
    assert str(snippet) in message or snippet.name in message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    assert f"nox -s outputs -- {layout.rel(snippet)}" in message


def test_refresh_leaves_a_failing_snippets_output_untouched(bad_snippets):
    recorded = {}
    for snippet in bad_snippets.values():
        out = layout.output_path(snippet)
        out.write_text("recorded by an earlier, good run\n", encoding="utf-8")
        recorded[out] = out.read_bytes()
    lines = []
    code = outputs.refresh(list(bad_snippets.values()), jobs=2, echo=lines.append)
    assert code == 1
    assert all(out.read_bytes() == before for out, before in recorded.items())
    assert "4 snippet(s) failed; their recorded outputs were not changed." in lines


def test_refresh_rewrites_only_what_changed_beyond_tolerance(tmp_path):
    stable = write(tmp_path, "stable.py", "print('loss 0.5000')\n")
    changed = write(tmp_path, "changed.py", "print('loss 0.2500')\n")
    new = write(tmp_path, "new.py", "print('hello')\n")
    layout.output_path(stable).write_text("loss 0.5001\n", encoding="utf-8")  # within tolerance
    layout.output_path(changed).write_text("loss 0.9000\n", encoding="utf-8")  # beyond it
    kept = layout.output_path(stable).read_bytes()

    lines = []
    assert outputs.refresh([stable, changed, new], echo=lines.append) == 0
    assert layout.output_path(stable).read_bytes() == kept
    assert layout.output_path(changed).read_text() == "loss 0.2500\n"
    assert layout.output_path(new).read_text() == "hello\n"
    assert sum(line.startswith("updated") for line in lines) == 2

    lines.clear()  # a second refresh changes nothing
    assert outputs.refresh([stable, changed, new], echo=lines.append) == 0
    assert all(line.startswith("unchanged") for line in lines)


def test_stale_output_fails_with_a_diff_pages_and_the_refresh_command(tmp_path):
    snippet = write(tmp_path, "stale.py", "print('w = 2.788')\nprint('b = 2.006')\n")
    layout.output_path(snippet).write_text("w = 2.788\nb = 1.500\n", encoding="utf-8")
    message = outputs.check(run.run_many([snippet])[snippet])
    assert "output differs from" in message
    assert "-b = 1.500" in message and "+b = 2.006" in message
    assert "Shown on:" in message
    assert f"nox -s outputs -- {layout.rel(snippet)}" in message


def test_missing_output_names_the_file_and_the_fix(tmp_path):
    snippet = write(tmp_path, "fresh.py", "print(1)\n")
    message = outputs.check(run.run_many([snippet])[snippet])
    assert "has no recorded output" in message and "fresh.out" in message
    assert "nox -s outputs --" in message


def test_per_snippet_tolerance_comment(tmp_path):
    snippet = write(tmp_path, "loose.py", "# snipcheck: rtol=0.1\nprint(1.05)\n")
    layout.output_path(snippet).write_text("1.0\n", encoding="utf-8")
    assert outputs.check(run.run_many([snippet])[snippet]) is None
    bad = write(tmp_path, "typo.py", "# snipcheck: rtoll=0.1\n")
    with pytest.raises(layout.SnippetError, match="typo.py: unknown setting 'rtoll=0.1'"):
        layout.settings(bad)


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


def test_children_are_isolated(tmp_path):
    """A snippet's globals and imports do not leak into the next one."""
    first = write(tmp_path, "a.py", "import json\nsecret = 41\nprint('a')\n")
    second = write(tmp_path, "b.py", "print('secret' in globals(), 'json' in globals())\n")
    results = run.run_many([first, second], jobs=1)
    assert results[second].stdout == "False False\n"
