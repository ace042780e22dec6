"""Quality gate on the built site, with real, independent tools.

* In Debian's Chromium (Playwright), every page of the sitemap plus the 404 page, light and
  dark, at 1280 px and 360 px: no console error, no failed request, no request to a host
  other than 127.0.0.1, no horizontal scroll on a phone, and no serious or critical axe
  violation (every rule set: WCAG 2.0-2.2 A and AA, and best practice); axe runs again
  after a recap card is opened and quiz questions are answered.
* On the same page views: every element that Tab reaches shows a visible focus indicator
  (its surroundings look different focused and unfocused), no chart has nbconvert's default
  alt text, and no line of code or output breaks inside a number.
* The Nu Html Checker (vnu.jar from npm, run with Java) on every built HTML file.
* Every internal link and anchor of the built HTML, raw-HTML blocks and notebook pages
  included (MkDocs's own validation sees Markdown links only); links to other hosts are
  listed, not fetched.
* What a reader expects: a meta description, a favicon, an edit link, a useful 404 page.
* Acceptance: Google Fonts (``font: false`` removed), an image from another host, or
  Material's GitHub API call (source.html override removed) fail the request check with
  the page and the request named; a broken anchor in a raw-HTML block or in a notebook's
  Markdown cell fails the link check with the page and the link named.

The gate itself is in the engine: ``snipcheck.gate`` drives the browser,
``snipcheck.rules.html`` and ``snipcheck.rules.links`` read the built HTML. Anything the theme
or a plugin owns and we cannot fix is allowed in ``snipcheck.rules.theme_owned.THEME_OWNED``,
the one place, each entry with its reason and the upstream report. Page weights go to the test
report; their budgets are asserted by ``nox -s bench`` (snipcheck/bench.py), not here.

Set SCREENSHOTS=some/folder to keep a full-page screenshot of every page, scheme and width.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from snipcheck.gate import (DEFAULT_ALT, SCHEMES, WIDTHS, Visit, axe_problems, request_problems, view, view_site,
                            width_problems)
from snipcheck.layout import ROOT
from snipcheck.rules.html import html_messages, html_problems
from snipcheck.rules.links import link_problems
from snipcheck.rules.theme_owned import THEME_OWNED
from snipcheck.site import NOTEBOOK_PAGES, SiteCopy, nav_page, pages as site_pages, serve, url_of

CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
SITE_URL = CONFIG["site_url"]  # https://example.org/<prefix>/
PREFIX = urlsplit(SITE_URL).path  # where a real host serves the site
REPO_URL = CONFIG["repo_url"].rstrip("/")

# --------------------------------------------------------------------------- allowed, once


def test_every_allowed_rule_has_a_reason_and_an_upstream_report():
    for key, entry in THEME_OWNED.items():
        assert entry["tool"] in ("axe", "vnu"), key
        assert len(entry["reason"]) > 40, key
        assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+", entry["upstream"]), key



# --------------------------------------------------------------------------- the site in Chromium


@pytest.fixture(scope="module")
def pages(built_site):
    found = site_pages(built_site)
    assert "/" in found and "/training-weights/" in found
    return found


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


INTERACTIONS = {
    "recap card opened": (url_of(nav_page("Recap cards")), open_first_recap_card),
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


@pytest.mark.browser
def test_google_fonts_fail_the_check_naming_page_and_request(browser, variant_site):
    edit_config, _, build = variant_site
    edit_config("  font: false", "  # font: false")
    problems = check_requests(browser, build(), ["/training-weights/"])
    assert any(p.startswith("/training-weights/ [light, 1280 px]: request to another host: https://fonts.googleapis.com/")
               for p in problems), "\n".join(problems)


@pytest.mark.browser
def test_an_image_from_another_host_fails_the_check_naming_page_and_request(browser, variant_site):
    _, edit_page, build = variant_site
    edit_page("index.md", "## Start here", "![A chart](https://images.example.net/chart.png)\n\n## Start here")
    problems = check_requests(browser, build(), ["/"])
    assert "/ [light, 1280 px]: request to another host: https://images.example.net/chart.png" in problems, (
        "\n".join(problems)
    )


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


# --------------------------------------------------------------------------- HTML validity

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def unavailable(message: str):
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """vnu.jar from the npm package pinned in package-lock.json (npm ci --ignore-scripts)."""
    if not shutil.which("java"):
        unavailable("Java is missing, so the HTML check cannot run: apt-get install -y default-jre-headless")
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/vnu-jar"]["version"]
    installed = ROOT / "node_modules" / "vnu-jar" / "package.json"
    if not VNU.exists() or json.loads(installed.read_text(encoding="utf-8"))["version"] != pinned:
        if not shutil.which("npm"):
            unavailable("npm is missing, so vnu-jar cannot be installed: apt-get install -y npm")
        done = subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                              cwd=ROOT, capture_output=True, text=True)
        if done.returncode or not VNU.exists():
            pytest.fail(f"npm ci --ignore-scripts failed:\n{done.stderr[-2000:]}", pytrace=False)
    return VNU



def test_every_page_is_valid_html(built_site, vnu_jar, summary):
    files = sorted(built_site.rglob("*.html"))
    problems, allowed = html_problems(built_site, html_messages(files, vnu_jar))
    summary["html check (vnu): theme-owned errors allowed"] = [f"{n:4}  {k}" for k, n in sorted(allowed.items())]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- links and anchors


def test_every_internal_link_and_anchor_resolves(built_site, summary):
    problems, external, checked = link_problems(built_site)
    summary["links"] = [f"{checked} internal links and anchors checked; {len(external)} links to other "
                       "hosts not tested (the checks never go online):"] + [f"  {u}" for u in external]
    assert checked > 100
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def broken_links_site(tmp_path_factory) -> Path:
    """A build whose strict MkDocs run passes, with a broken anchor in a raw-HTML block and
    one in a notebook's Markdown cell: MkDocs validates neither."""
    copy = SiteCopy(tmp_path_factory.mktemp("broken-links"))
    docs = copy.docs
    index = docs / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + '\n<div class="raw-block">\n  <p><a href='
                     '"training-weights/#no-such-section">A raw-HTML link</a></p>\n</div>\n', encoding="utf-8")
    notebook = docs / NOTEBOOK_PAGES[0].strip("/")
    notebook = notebook.with_suffix(".ipynb")
    data = json.loads(notebook.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "markdown", "metadata": {}, "id": "broken-anchor",
                          "source": ["Back to [the first step](#no-such-step)."]})
    notebook.write_text(json.dumps(data), encoding="utf-8")
    done = copy.build()
    assert done.returncode == 0, "MkDocs itself caught it: " + done.stderr[-3000:]
    return copy.site


def test_a_broken_anchor_in_raw_html_fails_naming_page_and_link(broken_links_site):
    problems, _, _ = link_problems(broken_links_site)
    assert ("/: broken anchor 'training-weights/#no-such-section': no id 'no-such-section' in "
            "/training-weights/") in problems, "\n".join(problems)


def test_a_broken_anchor_in_a_notebook_fails_naming_page_and_link(broken_links_site):
    problems, _, _ = link_problems(broken_links_site)
    page = NOTEBOOK_PAGES[0]
    assert f"{page}: broken anchor '#no-such-step': no id 'no-such-step' in {page}" in problems, (
        "\n".join(problems)
    )


# --------------------------------------------------------------------------- what a reader expects


def front_matter(source: Path) -> dict:
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".md" and text.startswith("---\n"):
        return yaml.safe_load(text.split("\n---", 1)[0][4:]) or {}
    return {}


def source_of(page: str) -> Path:
    base = ROOT / "docs" / page.strip("/")
    for candidate in (base / "index.md", base.with_suffix(".md"), base.with_suffix(".ipynb")):
        if candidate.is_file():
            return candidate
    raise AssertionError(f"no source under docs/ for {page}")


def test_every_page_has_a_description_a_favicon_and_an_edit_link(built_site, pages):
    from bs4 import BeautifulSoup

    problems = []
    for page in pages + ["/404.html"]:
        file = built_site / (page.lstrip("/") if page.endswith(".html") else page.lstrip("/") + "index.html")
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        metas = soup.find_all("meta", attrs={"name": "description"})
        expected = CONFIG["site_description"].strip()
        if page != "/404.html":
            expected = str(front_matter(source_of(page)).get("description", expected)).strip()
        if len(metas) != 1 or " ".join(metas[0].get("content", "").split()) != " ".join(expected.split()):
            problems.append(f"{page}: meta description {[m.get('content') for m in metas]!r}, expected {expected!r}")
        icon = soup.find("link", rel="icon")
        if not icon or not icon["href"].endswith("assets/favicon.svg"):
            problems.append(f"{page}: favicon link {icon}")
        if page == "/404.html":
            continue
        edit = soup.find("a", rel="edit")
        prefix = f"{REPO_URL}/edit/{CONFIG['extra']['branch']}/"
        if not edit or not edit["href"].startswith(prefix) or not (ROOT / edit["href"][len(prefix):]).is_file():
            problems.append(f"{page}: edit link {edit and edit['href']!r} does not name a file of the repository")
    assert not problems, "\n".join(problems)
    assert (ROOT / "docs" / "assets" / "favicon.svg").stat().st_size < 2000


def test_the_description_escapes_quotes(site_copy):
    """Material writes page.meta.description raw; overrides/main.html escapes it."""
    index = site_copy.docs / "index.md"
    index.write_text('---\ndescription: A "quoted" word & an <angle>.\n---\n\n'
                     + index.read_text(encoding="utf-8"), encoding="utf-8")
    done = site_copy.build()
    assert done.returncode == 0, done.stderr[-3000:]
    text = (site_copy.site / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta name="description" content="([^"]*)">', text)
    assert meta and html.unescape(meta[1]) == 'A "quoted" word & an <angle>.'
