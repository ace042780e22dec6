"""snipcheck/pytest_plugin.py: the test run's shape. One message per failed shared fixture, two
speeds (the fast check leaves out the tests marked selftest and browser), an unmarked test that
needs a marker is a collection error, and ``--only`` keeps one topic or one page and its snippets."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from snipcheck import layout

pytestmark = pytest.mark.selftest


def run_pytest(folder, *args) -> subprocess.CompletedProcess:
    """pytest, with the project's plugin, on test files written into ``folder``."""
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "snipcheck.pytest_plugin",
                           "-p", "no:cacheprovider", *args, str(folder)],
                          cwd=folder, capture_output=True, text=True)


def test_a_failed_shared_fixture_is_reported_once_and_its_dependents_skipped(tmp_path):
    (tmp_path / "test_shared.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.fixture(scope="session")
        def site():
            pytest.fail("the real cause: docs/a.md includes snippets/a/frist.py", pytrace=False)

        @pytest.fixture(scope="session")
        def served(site):
            return site

        @pytest.mark.parametrize("n", range(5))
        def test_uses_the_site(site, n):
            pass

        def test_uses_it_through_another_fixture(served):
            pass

        def test_needs_nothing():
            pass
    '''), encoding="utf-8")
    done = run_pytest(tmp_path, "-rs")
    assert "1 passed, 5 skipped, 1 error" in done.stdout, done.stdout
    assert done.stdout.count("the real cause: docs/a.md includes snippets/a/frist.py") == 1, done.stdout
    assert "the shared fixture 'site' failed; its error is reported once, above" in done.stdout


def test_the_fast_check_leaves_out_self_tests_and_the_browser(tmp_path):
    (tmp_path / "test_speeds.py").write_text(textwrap.dedent('''
        import pytest

        def test_content():
            pass

        @pytest.mark.selftest
        def test_breaks_a_copy(tmp_path):
            pass

        @pytest.mark.selftest
        def test_check_fails_on_a_flipped_key():
            pass

        @pytest.mark.browser
        def test_in_chromium():
            pass
    '''), encoding="utf-8")
    done = run_pytest(tmp_path, "-m", "not selftest and not browser")
    assert "1 passed, 3 deselected" in done.stdout, done.stdout


def test_a_test_without_the_mark_its_fixtures_call_for_is_a_collection_error(tmp_path):
    (tmp_path / "test_copy.py").write_text("def test_breaks_a_copy(tmp_path):\n    pass\n", encoding="utf-8")
    (tmp_path / "test_chromium.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.fixture(scope="session")
        def browser():
            return None

        @pytest.mark.browser
        def test_marked(browser):
            pass

        def test_in_chromium(browser):
            pass
    '''), encoding="utf-8")
    done = run_pytest(tmp_path, "--collect-only", "-q")
    assert done.returncode != 0 and "2 errors" in done.stdout, done.stdout
    for message in ["test_copy.py::test_breaks_a_copy works in a temporary folder (tmp_path) but is not marked "
                    "selftest: add @pytest.mark.selftest",
                    "test_chromium.py::test_in_chromium uses the browser fixture but is not marked browser: "
                    "add @pytest.mark.browser"]:
        assert message in done.stdout, done.stdout


def test_only_keeps_one_topic_or_one_page_and_its_snippets(tmp_path):
    (tmp_path / "test_focus.py").write_text(textwrap.dedent('''
        import pytest
        from snipcheck import layout

        @pytest.mark.parametrize("snippet", layout.discover(), ids=layout.rel)
        def test_snippet(snippet):
            pass

        @pytest.mark.parametrize("page", sorted(layout.DOCS.rglob("*.md")), ids=layout.rel)
        def test_page(page):
            pass

        def test_the_build():
            pass
    '''), encoding="utf-8")
    pages = sorted(layout.DOCS.rglob("*.md"))
    page = next(p for p in pages if layout.includes(p.read_text(encoding="utf-8")) and p.parent != layout.DOCS)
    shown = {m["path"].split(":")[0] for m in layout.includes(page.read_text(encoding="utf-8"))
             if m["path"].endswith(".py")}
    done = run_pytest(tmp_path, "-v", "--only", str(page))
    kept = [line for line in done.stdout.splitlines() if " PASSED" in line]
    assert any(layout.rel(page) in line for line in kept), done.stdout
    assert sum("test_page[" in line for line in kept) == 1, kept
    assert {line.split("[", 1)[1].split("]")[0] for line in kept if "test_snippet[" in line} == shown
    assert any("test_the_build" in line for line in kept)

    topic = page.parent.name
    done = run_pytest(tmp_path, "-v", "--only", topic)
    snippets_kept = sum("test_snippet[" in line and " PASSED" in line for line in done.stdout.splitlines())
    assert snippets_kept == len(layout.discover(layout.SNIPPETS / topic)), done.stdout
