"""snipcheck/bench.py: the contributor's loop it times is the fast check that ``nox -s check``
runs, and it reads how many snippets a run executed from the test report."""

from __future__ import annotations

import pytest

from snipcheck import bench, layout
from snipcheck.layout import ROOT


@pytest.mark.selftest
def test_the_bench_times_the_check_that_nox_runs():
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert bench.FAST_CHECK[-1] == layout.FAST_CHECK and '"-m", FAST_CHECK' in noxfile, (
        "nox -s check and the bench select different tests")
    assert bench.executed("snippets: 3 executed, 11 from cache") == 3
    assert bench.executed("no snippet ran") == 0
