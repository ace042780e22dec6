"""snipcheck/cache.py: the cache of verified runs. A hit executes nothing; anything that can change
an output (the snippet, a repository file it imports or reads, its tolerance, a package version, a
file read from C++, the engine itself, less confinement) executes it again; a hand-written entry
is not trusted,
and tools only the tests use do not count."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from snipcheck import cache as snipcache
from snipcheck import layout


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


@pytest.mark.selftest
def test_second_run_is_taken_from_the_cache(project):
    _, snippet, cache = project
    assert executed(snippet, cache)
    assert not executed(snippet, cache)
    assert snipcache.run_checked([snippet], cache=cache)[snippet].stdout == "42\n"


@pytest.mark.selftest
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


@pytest.mark.selftest
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


@pytest.mark.selftest
def test_a_run_verified_with_less_confinement_runs_again(project, monkeypatch):
    _, snippet, cache = project
    assert executed(snippet, cache)
    from snipcheck import confinement

    monkeypatch.setattr(confinement, "_probed", {"applied": [], "refusal": "refused by the test"})
    assert snipcache.environment_fingerprint() != cache.env
    assert executed(snippet, snipcache.Cache(cache.folder))


@pytest.mark.selftest
def test_failures_are_never_cached(tmp_path):
    snippet = tmp_path / "fails.py"
    snippet.write_text("raise SystemExit('no')\n")
    cache = snipcache.Cache(tmp_path / "cache")
    for _ in range(2):
        result = snipcache.run_checked([snippet], cache=cache)[snippet]
        assert not result.ok and not result.cached


@pytest.mark.selftest
def test_nothing_is_written_when_the_cache_is_off(project):
    _, snippet, cache = project
    result = snipcache.run_checked([snippet], cache=None)[snippet]
    assert result.ok and not result.cached
    assert not cache.folder.exists()
    assert not (layout.ROOT / ".cache" / "snipcheck" / cache._file(snippet).name).exists()


@pytest.mark.selftest
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


# --------------------------------------------------------------------------- what the audit cannot see, forged entries, the fingerprint


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.fixture
def topic():
    folder = layout.ROOT / "tests" / f"_cache_topic_{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder)


@pytest.mark.selftest
def test_a_hand_written_cache_entry_is_not_trusted(topic, tmp_path):
    snippet = write(topic, "raises.py", "raise RuntimeError('broken')\n")
    good = write(topic, "good.py", "print('good')\n")
    cache = snipcache.Cache(tmp_path / "cache")
    assert executed(good, cache) and not executed(good, cache)
    entry = json.loads(cache._file(good).read_text())
    forged = {**entry, "name": layout.rel(snippet),
              "value": {**entry["value"], "source": snipcache._digest(snippet), "stdout": "fine\n"}}
    cache._file(snippet).write_text(json.dumps(forged))
    result = snipcache.run_checked([snippet], cache=cache)[snippet]
    assert not result.cached and result.status == "raised"
    edited = {**entry, "value": {**entry["value"], "stdout": "edited\n"}}
    cache._file(good).write_text(json.dumps(edited))
    assert executed(good, cache)


@pytest.mark.selftest
@pytest.mark.parametrize("how", ["new file in a listed folder", "data read from C++"])
def test_a_change_the_audit_cannot_see_runs_the_snippet_again(topic, tmp_path, how):
    (topic / "data").mkdir()
    (topic / "data" / "a.txt").write_text("1")
    if how == "new file in a listed folder":
        code = "import os\nprint(sorted(os.listdir(os.path.join(os.path.dirname(__file__), 'data'))))\n"
    else:
        code = ("import os\nimport tensorflow as tf\n"
                "print(tf.io.read_file(os.path.join(os.path.dirname(__file__), 'data', 'a.txt')).numpy())\n")
    snippet = write(topic, "reads.py", code)
    cache = snipcache.Cache(tmp_path / "cache")
    assert executed(snippet, cache) and not executed(snippet, cache)
    if how == "new file in a listed folder":
        (topic / "data" / "b.txt").write_text("2")
    else:
        (topic / "data" / "a.txt").write_text("2")
    assert executed(snippet, cache)


def test_test_only_tools_do_not_change_the_fingerprint(monkeypatch):
    """``nox -s outputs`` and ``nox -s tests`` install different tools beside the same
    snippet packages; only the packages a snippet can import count."""
    from importlib import metadata

    before = snipcache.environment_fingerprint()
    names = snipcache.output_distributions()
    assert any(n.startswith("tensorflow-cpu==") for n in names) and any(n.startswith("numpy==") for n in names)
    assert not any(n.startswith(("pytest==", "playwright==", "mkdocs==")) for n in names)

    class Dist:
        metadata = {"Name": "pytest"}
        version = "0.0.0-other"
        requires = None

    real = metadata.distributions
    monkeypatch.setattr(metadata, "distributions", lambda: [*real(), Dist()])
    assert snipcache.environment_fingerprint() == before


def test_a_requirement_for_another_platform_does_not_count():
    """colorama (required by some packages on Windows only) is installed in the tests
    environment for other reasons; counting it made the two fingerprints differ."""
    if sys.platform == "win32":
        pytest.skip("the marker holds on Windows")
    assert not snipcache._applies('colorama; sys_platform == "win32"')
    assert not snipcache._applies('pytest; extra == "test"')
    assert snipcache._applies("numpy>=1.26")
    assert snipcache._applies('typing-extensions; python_version >= "3.8"')
