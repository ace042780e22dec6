"""Fixtures only: one strict site build, one run of every snippet, the browser, a report, the
real processes a test started (``processes``: found again by a unique argument), and the pages
of the built site and its quiz pages, which several test modules read.

The helpers behind them live in the engine (``snipcheck.site``, ``snipcheck.cache``), but for
the few lines that read /proc for ``processes``.

Test modules are named by what they check:

* ``test_<module>.py`` checks ``snipcheck/<module>.py`` (``test_main.py`` is ``__main__``),
  ``test_rules_<rule>.py`` checks ``snipcheck/rules/<rule>.py``: the engine on made-up input or
  on a broken copy, most of them marked ``selftest``;
* ``test_build.py`` checks the strict build and its hooks (``hooks/``) on broken copies;
* ``test_content_<subject>.py`` checks the site's content (snippets, pages, quiz, practice,
  notebooks, figures), as do ``test_contributing.py`` (the guide, the workflows, the lock file)
  and ``test_explorer.py`` (the explorer: content, and browser tests marked one by one);
* ``test_browser_<subject>.py`` drives Chromium (``test_gate.py`` is the gate over every page);
* ``test_architecture.py`` checks the arrows between modules, the maps, and this scheme.

``selftest`` and ``browser`` are marked explicitly (``pytestmark`` for a whole module, a
decorator in a mixed one); ``snipcheck.pytest_plugin`` refuses at collection a test that works
in a temporary folder or drives the browser without its marker.
"""

from __future__ import annotations

import os
import types

import pytest

from snipcheck import cache, confinement, detector, layout, pytest_plugin, run, site


@pytest.fixture
def site_copy(tmp_path) -> site.SiteCopy:
    """docs/ and mkdocs.yml copied into a temporary folder, to be broken on purpose and built."""
    return site.SiteCopy(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    done = site.build(site_dir=folder)
    if done.returncode:
        pytest.fail(f"mkdocs build --strict failed (every test that needs the site is skipped):\n"
                    f"{site.build_errors(done.stderr)}", pytrace=False)
    return folder


_results: dict = {}

# Extra sections for the end of the test report: {title: [lines]} (the ``summary`` fixture).
_summary: dict[str, list[str]] = {}


@pytest.fixture(scope="session")
def summary() -> dict[str, list[str]]:
    """Sections to print at the end of the test report: ``summary[title] = lines``."""
    return _summary


@pytest.fixture(scope="session")
def snippet_results(request) -> dict:
    """Every snippet the selected tests check, once, in parallel forked children; unchanged
    ones from the cache (``SNIPCHECK_CACHE=off`` executes them all)."""
    if not _results:
        wanted = pytest_plugin.wanted_snippets(request.config)
        _results.update(cache.run_checked(wanted, run.jobs(), cache.configured()))
    return _results


@pytest.fixture(scope="session")
def other_cpu_results(request) -> dict:
    """Every snippet the selected tests check, run again as another CPU would run it
    (``snipcheck.detector``), with its own cache."""
    wanted = pytest_plugin.wanted_snippets(request.config)
    return cache.run_checked(wanted, run.jobs(), cache.configured(other_cpu=True), runner=detector.elsewhere)


def pytest_terminal_summary(terminalreporter):
    for title, lines in _summary.items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)
    if not _results:
        return
    terminalreporter.section("snippets")
    for path, result in sorted(_results.items()):
        how = "cached" if result.cached else result.status
        terminalreporter.write_line(f"{result.seconds:6.2f} s  {how:8}  {layout.rel(path)}")
    ran = sum(not r.cached for r in _results.values())
    terminalreporter.write_line(
        f"snippets: {ran} executed, {len(_results) - ran} from cache "
        f"(times of cached ones are from the run that verified them)"
    )


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1 on a free port."""
    with site.serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not site.CHROMIUM.exists():
        message = "Debian's Chromium is missing: install it with 'apt-get install -y chromium'."
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = site.launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def processes():
    """Real processes a test starts, found again by a unique argument
    (``snipcheck.confinement.sleep_argument`` and ``left_running``)."""
    return types.SimpleNamespace(sleep_argument=confinement.sleep_argument, left_running=confinement.left_running)


@pytest.fixture(scope="session")
def needs_confinement():
    """A function: skip the test unless this machine's kernel applies the named confinement
    (``snipcheck.confinement``). The skip names what is active; under CI a missing one has
    already stopped the run, unless SNIPCHECK_ALLOW_UNCONFINED allowed it, and says so."""
    from snipcheck import confinement

    def needs(what: str) -> None:
        found = confinement.probe()
        if what not in found["applied"]:
            pytest.skip(f"{confinement.describe(found)}: only the {what} can stop this")

    return needs


@pytest.fixture(scope="module")
def pages(built_site) -> list[str]:
    """The pages of the built site, as paths from its root (the home page and the lesson among them)."""
    found = site.pages(built_site)
    assert "/" in found and "/training-weights/" in found
    return found


@pytest.fixture(scope="module")
def quiz_html(built_site) -> dict:
    """The built HTML of every page that holds a quiz, by its source under docs/."""
    quizzes = sorted(p for p in layout.DOCS.rglob("*.md") if '<fieldset class="quiz"' in p.read_text(encoding="utf-8"))
    return {page: layout.built_page(built_site, page).read_text(encoding="utf-8") for page in quizzes}
