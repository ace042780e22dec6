"""snipcheck/layout/versions.py: the versions are read oldest first from the one list, and a result
is the matrix's own only while its seal holds and the snippet, its output and the version's lock
are those it ran with."""

from __future__ import annotations

import pytest

from snipcheck import layout

pytestmark = pytest.mark.selftest

OUTPUT = "snippets/t/one.out"


def repository(tmp_path):
    (tmp_path / "versions" / "2.9").mkdir(parents=True)
    (tmp_path / "versions" / "versions.toml").write_text(
        '[versions]\n"2.10" = {}\n"2.9" = {tensorflow-cpu = "2.9.3"}\n', encoding="utf-8")
    (tmp_path / "snippets" / "t").mkdir(parents=True)
    for name, text in (("snippets/t/one.py", "print(1)\n"), (OUTPUT, "1\n"), ("versions/2.9/uv.lock", "lock\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    entry = {"outcome": "match", "source_sha256": layout.digest(tmp_path / "snippets/t/one.py"),
             "recorded_sha256": layout.digest(tmp_path / OUTPUT),
             "lock_sha256": layout.digest(tmp_path / "versions/2.9/uv.lock")}
    return {**entry, layout.SEAL_KEY: layout.matrix_seal(OUTPUT, "2.9", entry)}


def test_versions_are_read_oldest_first(tmp_path):
    repository(tmp_path)
    assert list(layout.matrix_versions(tmp_path)) == ["2.9", "2.10"]
    assert layout.matrix_versions(tmp_path / "elsewhere") == {}


def test_a_result_is_current_while_its_seal_and_its_inputs_hold(tmp_path):
    entry = repository(tmp_path)
    assert layout.matrix_problem(OUTPUT, "2.9", entry, tmp_path) is None
    edited = {**entry, "outcome": "differs"}
    assert "edited by hand" in layout.matrix_problem(OUTPUT, "2.9", edited, tmp_path)
    (tmp_path / "snippets/t/one.py").write_text("print(2)\n", encoding="utf-8")
    assert layout.matrix_problem(OUTPUT, "2.9", entry, tmp_path) == (
        "stale result: snippets/t/one.py changed since it was checked on TensorFlow 2.9 "
        "(versions/2.9/checked-on.json). Run: nox -s versions -- --record 2.9 snippets/t/one.py")
