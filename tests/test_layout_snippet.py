"""snipcheck/layout/snippet.py: a snippet's ``# snipcheck:`` settings line changes its limits, and a typo
in it is refused naming the file; a Snippet stands for its path; a command line names snippets by
their file, their output, a page that includes them or a folder, and a wrong name is refused."""

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


def test_per_snippet_tolerance_comment(tmp_path):
    snippet = write(tmp_path, "loose.py", "# snipcheck: rtol=0.1\nprint(1.05)\n")
    layout.output_path(snippet).write_text("1.0\n", encoding="utf-8")
    assert outputs.check(run.run_many([snippet])[snippet]) is None
    bad = write(tmp_path, "typo.py", "# snipcheck: rtoll=0.1\n")
    with pytest.raises(layout.SnippetError, match="typo.py: unknown setting 'rtoll=0.1'"):
        layout.settings(bad)


def test_a_snippet_stands_for_its_file(tmp_path):
    path = write(tmp_path, "one.py", "print(1)\n")
    snippet = layout.Snippet(path)
    assert snippet == path and hash(snippet) == hash(path) and {snippet: 1}[path] == 1
    assert Path(snippet) == path and snippet.name == "one.py" and snippet.exists()
    assert snippet.output == tmp_path / "one.out" and snippet.recording.snippet == path
    assert layout.Snippet.of(snippet) is snippet


def test_a_command_line_names_snippets_by_file_output_page_or_folder():
    lesson = layout.DOCS / "training-weights" / "index.md"
    one = layout.SNIPPETS / "training-weights" / "one_step.py"
    assert layout.snippets_named([str(one)]) == [one]
    assert layout.snippets_named([str(one.with_suffix(".out"))]) == [one]
    assert layout.snippets_named([str(lesson)]) == layout.page_snippets(lesson)
    folder = layout.SNIPPETS / "training-weights"
    assert layout.snippets_named([str(folder)]) == [p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")]
    with pytest.raises(layout.SnippetError, match="snippets/nope.py: no such snippet"):
        layout.snippets_named(["snippets/nope.py"])
