"""snipcheck/layout.py: a snippet's ``# snipcheck:`` settings line changes its limits, and a typo
in it is refused naming the file."""

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
