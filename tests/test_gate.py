"""snipcheck/gate.py: the browser gate, in Debian's Chromium (Playwright), on every page of the
sitemap plus the 404 page, light and dark, at 1280 px and 360 px: no console error, no failed
request, no request to a host other than 127.0.0.1, no horizontal scroll on a phone, no serious
or critical axe violation (every rule set: WCAG 2.0-2.2 A and AA, and best practice; again after
a recap card is opened and quiz questions are answered), a visible focus indicator on every Tab
stop, no chart with nbconvert's default alt text, no line of code or output broken inside a
number, a useful 404 page, and no call to GitHub's API.

Acceptance: Google Fonts (``font: false`` removed), an image from another host, or Material's
GitHub API call (source.html override removed) fail the request check with the page and the
request named.

Anything the theme or a plugin owns and we cannot fix is allowed in
``snipcheck.rules.theme_owned.THEME_OWNED``. Page weights go to the test report; their budgets
are asserted by ``nox -s bench`` (snipcheck/bench.py), not here.

Set SCREENSHOTS=some/folder to keep a full-page screenshot of every page, scheme and width."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from snipcheck.gate import (DEFAULT_ALT, SCHEMES, WIDTHS, Visit, axe_problems, request_problems, view, view_site,
                            width_problems)
from snipcheck.layout import ROOT
from snipcheck.site import nav_page, serve, url_of


CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


SITE_URL = CONFIG["site_url"]  # https://example.org/<prefix>/


PREFIX = urlsplit(SITE_URL).path  # where a real host serves the site


@pytest.fixture(scope="module")
def visits(browser, site_url, built_site, pages, summary) -> list[Visit]:
    """Every page, both schemes, both widths; axe on each. Page weights go to the report."""
    done, report = view_site(browser, site_url, built_site, pages, os.environ.get("SCREENSHOTS"))
    summary.update(report)
    return done


@pytest.mark.browser
def test_no_request_leaves_the_machine_and_nothing_fails(visits):
    problems = request_problems(visits)
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_no_serious_accessibility_violation(visits):
    problems = axe_problems(visits)
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_every_tab_stop_shows_a_visible_focus_indicator(visits):
    problems = [f"{v.where}: no visible focus on {name}" for v in visits for name in v.unseen_focus]
    assert all(v.tab_stops > 0 for v in visits), "Tab reached nothing: the walk is broken"
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_no_chart_has_the_default_alt_text(visits):
    problems = [f"{v.where}: {v.default_alts} chart(s) with the alt text {DEFAULT_ALT!r}"
                for v in visits if v.default_alts]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_no_line_of_code_or_output_breaks_inside_a_number(visits):
    problems = [f"{v.where}: the number {n!r} breaks across two lines" for v in visits
                for n in dict.fromkeys(v.broken_numbers)]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_no_page_scrolls_sideways_on_a_phone(visits):
    assert {v.width for v in visits} == set(WIDTHS.values())
    problems = width_problems(visits)
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_the_edit_link_is_there_and_the_repository_widget_never_calls_github(visits, built_site, pages):
    # Material's repository widget ([data-md-component=source]) fetches api.github.com;
    # overrides/partials/source.html drops it. The request check above proves no call.
    for path in pages:
        text = (built_site / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
        assert 'data-md-component="source"' not in text, path
    assert not [u for v in visits for u in v.requests if "api.github.com" in u]


def open_first_recap_card(page):
    summary = page.locator("details.question > summary").first
    summary.click()
    assert page.locator("details.question").first.evaluate("d => d.open")


def answer_two_quiz_questions(page):
    """One right answer and one wrong one, so both feedback styles are on screen."""
    questions = page.locator("fieldset.quiz.quiz--ready")
    assert questions.count() >= 2, "quiz.js did not set up the questions"
    for index, right in ((0, True), (1, False)):
        question = questions.nth(index)
        options = question.locator("li")
        correct = next(i for i in range(options.count()) if "correct" in (options.nth(i).get_attribute("class") or ""))
        pick = correct if right else (correct + 1) % options.count()
        options.nth(pick).locator("label.quiz-option").click()
        question.locator(".quiz-feedback:not(:empty)").wait_for()
        assert ("quiz--right" if right else "quiz--wrong") in question.get_attribute("class")


def open_a_version_output(page):
    """The box under an output with another TensorFlow version's output (hooks/version_matrix.py)."""
    summary = page.locator("details.version-output > summary").first
    summary.click()
    assert page.locator("details.version-output").first.evaluate("d => d.open")


INTERACTIONS = {
    "recap card opened": (url_of(nav_page("Recap cards")), open_first_recap_card),
    "version output opened": (url_of(nav_page("Course notes")), open_a_version_output),
    "quiz answered": (url_of(nav_page("Quiz")), answer_two_quiz_questions),
}


@pytest.mark.browser
@pytest.mark.parametrize("label", list(INTERACTIONS))
def test_no_violation_after_interacting(browser, site_url, label):
    path, act = INTERACTIONS[label]
    done = [
        view(browser, site_url + path, path, scheme, width, interact=act, label=label,
             shots=os.environ.get("SCREENSHOTS"))
        for scheme in SCHEMES
        for width in WIDTHS.values()
    ]
    problems = request_problems(done) + axe_problems(done) + width_problems(done)
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_the_404_page_is_styled_and_useful_where_the_site_is_hosted(browser, built_site):
    """Served under site_url's path, as a host does, for a missing address two levels deep."""
    missing = f"{PREFIX}training-weights/no-such-page/"
    with serve(built_site, PREFIX) as base:
        done = []
        for scheme in SCHEMES:
            for width in WIDTHS.values():
                done.append(view(browser, base + missing, missing, scheme, width, expect_status=404,
                                 shots=os.environ.get("SCREENSHOTS")))
        problems = request_problems(done) + axe_problems(done) + width_problems(done)
        assert not problems, "\n".join(problems)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + missing, wait_until="networkidle")
        assert page.locator("h1").inner_text() == "Page not found"
        # Material's stylesheet applied: the header is fixed/sticky, not in the text flow.
        assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") in ("sticky", "fixed")
        page.get_by_role("link", name="The lesson").click()
        page.wait_for_load_state("networkidle")
        assert page.url == base + PREFIX + "training-weights/"
        context.close()


# --------------------------------------------------------------------------- acceptance: requests


@pytest.fixture
def variant_site(site_copy):
    """Build the site from a copy of docs/ and of mkdocs.yml with one line edited; returns
    (edit_config, edit_page, build) -> site directory."""

    def build() -> Path:
        done = site_copy.build()
        assert done.returncode == 0, done.stderr[-3000:]
        return site_copy.site

    return site_copy.edit_config, site_copy.edit_page, build


def check_requests(browser, site: Path, paths: list[str]) -> list[str]:
    with serve(site) as base:
        return request_problems([view(browser, base + p, p, "light", 1280, axe=False) for p in paths])


@pytest.mark.selftest
@pytest.mark.browser
def test_google_fonts_fail_the_check_naming_page_and_request(browser, variant_site):
    edit_config, _, build = variant_site
    edit_config("  font: false", "  # font: false")
    problems = check_requests(browser, build(), ["/training-weights/"])
    assert any(p.startswith("/training-weights/ [light, 1280 px]: request to another host: https://fonts.googleapis.com/")
               for p in problems), "\n".join(problems)


@pytest.mark.selftest
@pytest.mark.browser
def test_an_image_from_another_host_fails_the_check_naming_page_and_request(browser, variant_site):
    _, edit_page, build = variant_site
    edit_page("index.md", "## Start here", "![A chart](https://images.example.net/chart.png)\n\n## Start here")
    problems = check_requests(browser, build(), ["/"])
    assert "/ [light, 1280 px]: request to another host: https://images.example.net/chart.png" in problems, (
        "\n".join(problems)
    )


@pytest.mark.selftest
@pytest.mark.browser
def test_without_the_source_override_material_would_call_the_github_api(browser, variant_site, tmp_path):
    edit_config, _, build = variant_site
    (tmp_path / "overrides").unlink()
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    (tmp_path / "overrides" / "partials" / "source.html").unlink()
    problems = check_requests(browser, build(), ["/"])
    assert any("request to another host: https://api.github.com/repos/" in p for p in problems), (
        "\n".join(problems)
    )
