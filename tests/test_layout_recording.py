"""snipcheck/layout/recording.py: a Recording knows its snippet and its recorded-with.json entry;
stamping records the source's sha256 and prunes entries whose output is gone; an edit to the
snippet makes the output stale, with the command that records it; a notebook page generated from
an older source is stale the same way; an unreadable recorded-with.json reads as empty."""

from __future__ import annotations

import json

import pytest

from snipcheck import layout
from snipcheck.layout import Recording

pytestmark = pytest.mark.selftest


def recorded(tmp_path, name="one"):
    snippet = tmp_path / f"{name}.py"
    snippet.write_text("print(1)\n", encoding="utf-8")
    recording = Recording.of(snippet)
    recording.write("1\n")
    Recording.stamp([recording.output], {"tensorflow": "2.21.0"}, echo=lambda line: None)
    return snippet, recording


def test_stamping_records_the_source_and_an_edit_makes_it_stale(tmp_path):
    snippet, recording = recorded(tmp_path)
    assert recording.snippet == snippet and recording.text() == "1\n"
    assert recording.entry() == {"tensorflow": "2.21.0", layout.SOURCE_KEY: layout.source_digest(snippet)}
    assert recording.stale() is None
    snippet.write_text("print(2)\n", encoding="utf-8")
    assert recording.stale("snippets/t/one.py") == (
        "stale output: snippets/t/one.py changed since one.out was recorded, so the output shown may "
        "not be what it prints now. Run: nox -s outputs -- snippets/t/one.py")


def test_stamping_prunes_the_entry_of_an_output_that_is_gone(tmp_path):
    _, old = recorded(tmp_path, "old")
    _, new = recorded(tmp_path, "new")
    assert sorted(Recording.entries(tmp_path)) == ["new.out", "old.out"]
    old.output.unlink()
    said = []
    Recording.stamp([new.output], {"tensorflow": "2.21.0"}, echo=said.append)
    assert list(Recording.entries(tmp_path)) == ["new.out"]
    assert said and "the entry for old.out" in said[0]


def test_an_unreadable_ledger_reads_as_empty(tmp_path):
    (tmp_path / layout.RECORDED_WITH).write_text("[1, 2", encoding="utf-8")
    assert Recording.entries(tmp_path) == {}
    (tmp_path / layout.RECORDED_WITH).write_text("[1, 2]", encoding="utf-8")
    assert Recording.entries(tmp_path) == {} and Recording.of(tmp_path / "x.py").entry() is None


def test_a_notebook_generated_from_an_older_source_is_stale(tmp_path):
    source = tmp_path / "snippets" / "nb.py"
    source.parent.mkdir()
    source.write_text("# %%\nprint(1)\n", encoding="utf-8")
    notebook = tmp_path / "nb.ipynb"
    meta = {layout.NOTEBOOK_META: {"source": "snippets/nb.py", "sha256": layout.source_digest(source)}}
    notebook.write_text(json.dumps({"cells": [], "metadata": meta}), encoding="utf-8")
    assert layout.stale_notebook(notebook, root=tmp_path) is None
    source.write_text("# %%\nprint(2)\n", encoding="utf-8")
    assert layout.stale_notebook(notebook, root=tmp_path) == (
        "stale notebook: snippets/nb.py changed since this notebook was generated from it. "
        "Run: nox -s outputs -- snippets/nb.py")
