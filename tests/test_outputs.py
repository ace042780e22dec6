"""snipcheck/outputs.py: check and refresh. A stale or missing output fails with a diff and the
command; the refresh rewrites only what changed beyond tolerance, refuses an output that differs
between two runs or prints a time, prunes entries whose output is gone, and stamps an output again."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from snipcheck import layout, outputs, run
from snipcheck.layout import RECORDED_WITH
from snipcheck.run import Result

pytestmark = pytest.mark.selftest


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


SNIPPET = "snippets/training-weights/regression.py"


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


def test_refresh_refuses_an_output_that_differs_between_two_runs(tmp_path):
    snippet = write(tmp_path, "unseeded.py", "import numpy as np\nprint(np.random.rand(3))\n")
    lines = []
    assert outputs.refresh([snippet], echo=lines.append) == 1
    text = "\n".join(lines)
    assert "unseeded.py printed different output on two runs in a row" in text
    assert "(first run)" in text and "(second run)" in text and "set_random_seed" in text
    assert not layout.output_path(snippet).exists()


def test_refresh_refuses_a_printed_time(tmp_path):
    snippet = write(tmp_path, "timed.py", "print('fit took 0.417s')\n")
    lines = []
    assert outputs.refresh([snippet], echo=lines.append) == 1
    assert "prints a time (0.417s), which changes on every run" in "\n".join(lines)
    assert not layout.output_path(snippet).exists()


def test_outputs_prunes_entries_whose_output_is_gone(tmp_path):
    """Replacing the scaffold's first example: first.py and first.out deleted, second.py
    recorded. The refresh removes the entry for first.out itself."""
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "second.py").write_text("print(2)\n", encoding="utf-8")
    (folder / "second.out").write_text("2\n", encoding="utf-8")
    (folder / RECORDED_WITH).write_text(json.dumps({"first.out": outputs.versions()}), encoding="utf-8")
    said = []
    outputs.note_versions([folder / "second.out"], echo=said.append)
    entries = json.loads((folder / RECORDED_WITH).read_text(encoding="utf-8"))
    assert set(entries) == {"second.out"}
    assert entries["second.out"][layout.SOURCE_KEY] == layout.source_digest(folder / "second.py")
    assert any("pruned" in line and "first.out" in line for line in said), said


def test_the_snippet_check_fails_on_a_stale_output_and_refresh_restamps_it(site_copy, monkeypatch):
    snippet = site_copy.folder / SNIPPET
    assert layout.Recording.of(snippet).stale(SNIPPET) is None
    snippet.write_text(snippet.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    message = layout.Recording.of(snippet).stale(SNIPPET)
    assert message and message.startswith(f"stale output: {SNIPPET} changed since")
    recorded = layout.output_path(snippet).read_text(encoding="utf-8")
    # the run printed exactly the recorded output, and still the check fails: it was recorded
    # from another source
    failure = outputs.check(Result(snippet, "ok", stdout=recorded))
    assert failure and "stale output" in failure and "nox -s outputs -- " in failure
    outputs.note_versions([layout.output_path(snippet)], echo=lambda *_: None)
    assert layout.Recording.of(snippet).stale(SNIPPET) is None
