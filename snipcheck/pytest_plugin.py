"""The test run's shape: two speeds, one message per failure, a narrowed check.

Loaded by pytest for every run (``-p snipcheck.pytest_plugin`` in pyproject.toml).

* **Two speeds.** Every test is a content check (it checks the snippets, pages, quiz, cards
  and notebook a contributor edits) unless it is marked ``selftest`` (it checks the checker:
  it breaks a copy on purpose, runs the scaffold, exercises the cache or the preview) or
  ``browser`` (it drives Chromium) or ``other_cpu`` (it runs every snippet again as another
  CPU would, ``snipcheck.detector``) or ``page_notebooks`` (it runs each page's notebook in a
  kernel, ``snipcheck.page_notebooks``). ``nox -s check`` runs
  ``-m "not selftest and not browser and not other_cpu and not page_notebooks"``;
  ``nox -s tests`` runs everything. Test files mark their tests themselves, a whole module with
  ``pytestmark = pytest.mark.selftest`` (or ``browser``), a single test with a decorator. One
  safety net stays here, at collection: a test that works in a temporary folder (``tmp_path``
  or ``site_copy`` among its fixtures, or ``tmp_path_factory`` among its own arguments: content
  under test is never in a temporary folder) but is not marked ``selftest``, or that uses the
  ``browser`` fixture but is not marked ``browser``, is a collection error naming the test and
  the marker to add, so no such test silently runs in ``nox -s check``.
* **One failure, one message.** When a shared (session or module) fixture fails, such as the
  strict site build, the first test that needs it reports the real cause and every later one
  is skipped with one line that names the fixture, instead of repeating the error.
* **Confined.** The report's header (with ``-q``, its last line) says which confinement the snippets and notebook
  kernels run under (``snipcheck.confinement``); under ``CI`` the run stops at once, with the
  reason and the one setting that allows it, when some of it is missing.
* **Narrowed.** ``--only PATH`` (repeatable; ``nox -s check -- --only my-topic``) keeps the
  tests about one topic (a folder name), one page (``docs/.../page.md``) or one snippet, and
  the tests that are about no file in particular (one strict build among them). A page
  brings the snippets it includes. ``snippet_results`` then runs only the snippets kept.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from snipcheck import confinement, layout, numeric

numeric.apply()  # loaded before any test module imports TensorFlow or NumPy

SELF_TEST_FIXTURES = {"site_copy", "tmp_path"}  # anywhere among the fixtures a test uses
WANTED = pytest.StashKey[set]()  # snippets the kept tests need (absolute paths)


def pytest_addoption(parser):
    parser.addoption("--only", action="append", default=[], metavar="PATH",
                     help="keep the tests about this topic (folder name), page or snippet")


def pytest_configure(config):
    config.addinivalue_line("markers", "selftest: checks the checker itself (full suite only, nox -s tests)")
    config.addinivalue_line("markers", "browser: drives Debian's Chromium against the built site")
    config.addinivalue_line("markers", "other_cpu: runs every snippet again as another CPU (full suite only)")
    config.addinivalue_line("markers", "page_notebooks: runs every page's notebook in a kernel (full suite only)")


def pytest_report_header(config):
    return confinement.describe()


def missing_marker(item) -> str | None:
    """Why a collected test lacks the marker its fixtures call for, or None."""
    needs = []
    temporary = sorted(SELF_TEST_FIXTURES & set(item.fixturenames))
    if "tmp_path_factory" in item._fixtureinfo.argnames:
        temporary.append("tmp_path_factory")
    if temporary and not item.get_closest_marker("selftest"):
        needs.append(("selftest", f"works in a temporary folder ({', '.join(temporary)})"))
    if "browser" in item.fixturenames and not item.get_closest_marker("browser"):
        needs.append(("browser", "uses the browser fixture"))
    return "; ".join(f"{item.nodeid} {why} but is not marked {mark}: add @pytest.mark.{mark} above it "
                     f"(or pytestmark = pytest.mark.{mark} for its whole module)" for mark, why in needs) or None


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(collector, name, obj):
    collected = yield
    for item in collected if isinstance(collected, list) else [collected]:
        problem = isinstance(item, pytest.Function) and missing_marker(item)
        if problem:
            raise collector.CollectError(problem)
    return collected


def pytest_terminal_summary(terminalreporter):
    if terminalreporter.verbosity < 0:  # -q hides the header: the line ends the report instead
        terminalreporter.write_line(confinement.describe())


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    problem = confinement.problem()
    if problem:
        pytest.exit(problem, returncode=pytest.ExitCode.TESTS_FAILED)


# --------------------------------------------------------------------------- narrowing


def focus(only: list[str]) -> set[str]:
    """The repository paths (as ``layout.rel`` writes them) and topic names to keep."""
    kept: set[str] = set()
    for item in only:
        path = Path(item)
        if len(path.parts) == 1 and path.suffix == "":  # a topic
            kept.add(item.strip("/"))
            continue
        absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not absolute.exists():
            raise pytest.UsageError(f"--only {item}: no such topic, page or snippet")
        kept.add(layout.rel(absolute))
        if absolute.is_dir():
            continue
        if absolute.suffix == ".md":
            for match in layout.includes(absolute.read_text(encoding="utf-8")):
                kept.add(Path(match["path"]).with_suffix(".py").as_posix())
        if absolute.suffix in (".py", ".out", ".ipynb"):
            kept.add(absolute.with_suffix(".py").relative_to(layout.ROOT).as_posix()
                     if absolute.is_relative_to(layout.ROOT) else str(absolute))
    return kept


def _paths(item) -> list[str]:
    """The repository files a test is parametrized with (as ``layout.rel`` writes them)."""
    found = []
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        if isinstance(value, os.PathLike) or (isinstance(value, str) and value.endswith((".md", ".py", ".ipynb"))):
            path = Path(value)
            if not path.is_absolute():
                path = layout.DOCS / path if (layout.DOCS / path).exists() else layout.ROOT / path
            found.append(layout.rel(path))
    return found


def _about(path: str, kept: set[str]) -> bool:
    stem = str(Path(path).with_suffix(""))
    for k in kept:
        if "/" not in k and k in Path(path).parts:  # a topic
            return True
        if path == k or stem == str(Path(k).with_suffix("")) or path.startswith(k.rstrip("/") + "/"):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    only = config.getoption("only")
    if only:
        kept_paths = focus(only)
        keep, drop = [], []
        for item in items:
            paths = _paths(item)
            (keep if not paths or any(_about(p, kept_paths) for p in paths) else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
    wanted = set()
    for item in items:
        if {"snippet_results", "other_cpu_results"} & set(item.fixturenames):
            wanted.update(layout.ROOT / p for p in _paths(item) if p.endswith(".py"))
    config.stash[WANTED] = wanted


def wanted_snippets(config) -> list[Path]:
    """The snippets the kept tests check (every snippet when no test names one)."""
    wanted = config.stash.get(WANTED, set())
    everything = layout.discover()
    return [s for s in everything if s in wanted] or everything


# --------------------------------------------------------------------------- one message


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip a test whose shared fixture already failed: the first test reported why."""
    for name in item.fixturenames:
        for fixturedef in item._fixtureinfo.name2fixturedefs.get(name, ()):
            cached = getattr(fixturedef, "cached_result", None)
            if fixturedef.scope != "function" and cached and cached[2] is not None:
                pytest.skip(f"the shared fixture '{name}' failed; its error is reported once, above")
