"""snipcheck/store.py: one switch, SNIPCHECK_CACHE, turns the store off or moves it, and CI turns
it off unless told otherwise."""

from __future__ import annotations

import pytest

from snipcheck import cache as snipcache
from snipcheck import layout

pytestmark = pytest.mark.selftest


def test_one_switch_turns_the_cache_off_or_moves_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SNIPCHECK_CACHE", raising=False)
    monkeypatch.setenv("CI", "true")  # CI itself changes nothing: .ci/run sets the switch
    assert snipcache.configured().folder == layout.ROOT / ".cache" / "snipcheck"
    monkeypatch.setenv("SNIPCHECK_CACHE", "off")
    assert snipcache.configured() is None
    monkeypatch.setenv("SNIPCHECK_CACHE", str(tmp_path / "elsewhere"))
    assert snipcache.configured().folder == tmp_path / "elsewhere"


def test_ci_turns_the_cache_off_unless_told_otherwise():
    script = (layout.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'export SNIPCHECK_CACHE="${SNIPCHECK_CACHE:-off}"' in script
