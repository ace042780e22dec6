"""The cache of verified runs: a hit executes nothing; anything that can change an output
(the snippet, a repository file it imports or reads, its tolerance, a package version)
executes it again."""

from __future__ import annotations

import shutil
import uuid

import pytest

from snipcheck import cache as snipcache
from snipcheck import layout, run

pytestmark = pytest.mark.selftest  # checks the checker: nox -s tests, not nox -s check


@pytest.fixture
def project(tmp_path):
    """A snippet that imports a sibling module and reads a data file, inside the repository
    (only repository files are tracked), removed afterwards."""
    folder = layout.ROOT / "tests" / f"_cache_case_{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "_helper.py").write_text("SCALE = 2\n")
    (folder / "data.txt").write_text("21\n")
    snippet = folder / "uses_files.py"
    snippet.write_text(
        "from pathlib import Path\n"
        "from _helper import SCALE\n"
        "value = int(Path(__file__).with_name('data.txt').read_text())\n"
        "print(value * SCALE)\n"
    )
    cache = snipcache.Cache(tmp_path / "cache")
    yield folder, snippet, cache
    shutil.rmtree(folder)


def executed(snippet, cache):
    result = snipcache.run_checked([snippet], cache=cache)[snippet]
    assert result.ok, result.explain()
    return not result.cached


def test_second_run_is_taken_from_the_cache(project):
    _, snippet, cache = project
    assert executed(snippet, cache)
    assert not executed(snippet, cache)
    assert snipcache.run_checked([snippet], cache=cache)[snippet].stdout == "42\n"


@pytest.mark.parametrize(
    "change",
    [
        lambda folder, snippet: snippet.write_text(snippet.read_text() + "# snipcheck: rtol=0.1\n"),
        lambda folder, snippet: (folder / "_helper.py").write_text("SCALE = 3\n"),
        lambda folder, snippet: (folder / "data.txt").write_text("7\n"),
    ],
    ids=["snippet or tolerance edited", "imported module edited", "data file edited"],
)
def test_a_change_runs_the_snippet_again(project, change):
    folder, snippet, cache = project
    assert executed(snippet, cache)
    change(folder, snippet)
    assert executed(snippet, cache)
    assert not executed(snippet, cache)


def test_another_package_version_runs_everything_again(project, monkeypatch):
    _, snippet, cache = project
    assert executed(snippet, cache)

    class Dist:
        metadata = {"Name": "keras"}
        version = "0.0.0-other"

    from importlib import metadata

    real = metadata.distributions
    monkeypatch.setattr(metadata, "distributions", lambda: [*real(), Dist()])
    assert snipcache.environment_fingerprint() != cache.env
    assert executed(snippet, snipcache.Cache(cache.folder))


def test_failures_are_never_cached(tmp_path):
    snippet = tmp_path / "fails.py"
    snippet.write_text("raise SystemExit('no')\n")
    cache = snipcache.Cache(tmp_path / "cache")
    for _ in range(2):
        result = snipcache.run_checked([snippet], cache=cache)[snippet]
        assert not result.ok and not result.cached


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


def test_nothing_is_written_when_the_cache_is_off(project):
    _, snippet, cache = project
    result = snipcache.run_checked([snippet], cache=None)[snippet]
    assert result.ok and not result.cached
    assert not cache.folder.exists()
    assert not (layout.ROOT / ".cache" / "snipcheck" / cache._file(snippet).name).exists()


@pytest.mark.parametrize("module", sorted(p.name for p in (layout.ROOT / "snipcheck").glob("*.py")))
def test_editing_any_module_of_the_engine_runs_snippets_again(project, module, monkeypatch, tmp_path):
    """The fingerprint covers every file of the package, not only the runner."""
    _, snippet, cache = project
    assert executed(snippet, cache)
    copy = tmp_path / "engine"
    copy.mkdir()
    for source in (layout.ROOT / "snipcheck").glob("*.py"):
        (copy / source.name).write_bytes(source.read_bytes())
    (copy / module).write_text((copy / module).read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    monkeypatch.setattr(snipcache, "PACKAGE", copy)
    assert executed(snippet, snipcache.Cache(cache.folder))


def test_parallel_and_serial_runs_print_the_same(tmp_path):
    """Children are limited to one thread each, so parallelism cannot change a number."""
    chosen = [layout.SNIPPETS / "training-weights" / n for n in ("sample_model.py", "classification.py")]
    serial = run.run_many(chosen, jobs=1)
    parallel = run.run_many(chosen, jobs=2)
    for snippet in chosen:
        assert serial[snippet].ok and parallel[snippet].ok
        assert serial[snippet].stdout == parallel[snippet].stdout
