"""snipcheck/layout/paths.py: paths as contributors type them, the closest name for a typo, the
environment presets (a process's own setting wins), and the atomic write (a reader sees the old
file or the new one, and nothing is left beside it)."""

from __future__ import annotations

import pytest

from snipcheck import layout

pytestmark = pytest.mark.selftest

NAMES = ["snippets/a/regression.py", "snippets/a/one_step.py", "snippets/b/first.py"]


def test_rel_names_a_path_from_the_repository_root(tmp_path):
    assert layout.rel(layout.SNIPPETS / "a" / "b.py") == "snippets/a/b.py"
    assert layout.rel(tmp_path / "x.py") == str(tmp_path / "x.py")


@pytest.mark.parametrize("typed, expected", [
    ("snippets/a/regresion.py", " Did you mean snippets/a/regression.py?"),
    ("snippets/c/first.py", " Did you mean snippets/b/first.py?"),
    ("snippets/a/unrelated.py", ""),
])
def test_did_you_mean_offers_the_closest_name(typed, expected):
    assert layout.did_you_mean(typed, NAMES) == expected


def test_preset_env_keeps_a_setting_the_process_has(monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    env = layout.preset_env(EXTRA="1")
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "0" and env["PYTHONHASHSEED"] == "0" and env["EXTRA"] == "1"


def test_atomic_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    layout.atomic_write(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    assert layout.digest(target) == layout.source_digest(target) and layout.digest(tmp_path / "no") == "missing"


def test_refresh_hint_is_the_one_command():
    assert layout.refresh_hint("snippets/a/b.py") == "nox -s outputs -- snippets/a/b.py"
