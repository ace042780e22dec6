"""snipcheck/status.py: each way a snippet fails gives its headline (which file, where) and its fix
(the command to run), and a refresh leaves a failing snippet's recorded output as it was."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from snipcheck import layout, outputs, run

pytestmark = pytest.mark.selftest


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
