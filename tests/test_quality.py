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

Anything the theme or a plugin owns and we cannot fix is allowed in THEME_OWNED below, the
one place, each entry with its reason and the upstream report. Page weights go to the test
report; their budgets are asserted by ``nox -s bench`` (tests/bench.py), not here.

Set SCREENSHOTS=some/folder to keep a full-page screenshot of every page, scheme and width.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from snipcheck.layout import ROOT
from snipcheck.site import PageResults, ResultStore, SiteCopy, nav_page, pages as site_pages, serve, url_of

CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
SITE_URL = CONFIG["site_url"]  # https://example.org/<prefix>/
PREFIX = urlsplit(SITE_URL).path  # where a real host serves the site
REPO_URL = CONFIG["repo_url"].rstrip("/")

SCHEMES = ["light", "dark"]
WIDTHS = {"desktop": 1280, "phone": 360}
BLOCKING = ("serious", "critical")  # axe impacts that fail the checks
# Every axe rule set but the experimental rules and AAA contrast (7:1).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                          "best-practice"]},
}
DEFAULT_ALT = "No description has been provided for this image"  # nbconvert's
MAX_TAB_STOPS = 400  # a page with more is a keyboard trap in itself

# Notebook pages: docs/**/*.ipynb, served at <path>/ like Markdown pages.
NOTEBOOK_PAGES = sorted(
    "/" + str(p.relative_to(ROOT / "docs").with_suffix("")).replace(os.sep, "/") + "/"
    for p in (ROOT / "docs").rglob("*.ipynb")
)

# --------------------------------------------------------------------------- allowed, once

# Problems the theme (Material for MkDocs) or a plugin (mkdocs-jupyter) puts in every build,
# that no setting or small override of ours removes. Each is matched narrowly: an axe rule on
# the named element, or a validator message on the named pages. Anything else fails.
THEME_OWNED = {
    "material-search-dialog-name": {
        "tool": "axe",
        "rule": "aria-dialog-name",
        "target": ".md-search",
        "reason": "Material's search overlay is a role=dialog <div> without an accessible "
        "name; the search field inside it is labelled. Fixing it means copying Material's "
        "whole search partial.",
        "upstream": "https://github.com/squidfunk/mkdocs-material/issues/6433",
    },
    "material-autocomplete-on-checkbox": {
        "tool": "vnu",
        "message": r"^Attribute “autocomplete” is only allowed when the input type is",
        "pages": "all",
        "reason": "Material's CSS-only toggles (drawer, search) are checkboxes with "
        "autocomplete=off, so browsers do not restore them on reload; the HTML spec does not "
        "list autocomplete for checkboxes.",
        "upstream": "https://github.com/squidfunk/mkdocs-material/issues/1513",
    },
    "material-empty-tabindex": {
        "tool": "vnu",
        "message": r"^Bad value “” for attribute “tabindex” on element “label”",
        "pages": "all",
        "reason": "Material's nav-item partial writes tabindex=\"\" on a section label "
        "(navigation.sections with navigation.indexes); browsers ignore the empty value.",
        "upstream": "https://github.com/squidfunk/mkdocs-material/pull/4836",
    },
    "material-toc-label": {
        "tool": "vnu",
        "message": r"^The value of the “for” attribute of the “label” element must be the ID "
        r"of a non-hidden form control",
        "pages": "all",
        "reason": "On a section index page Material's table-of-contents title is a <label> "
        "for the hidden __toc toggle (its CSS-only drawer).",
        "upstream": "https://github.com/squidfunk/mkdocs-material/issues/6433",
    },
    "jupyter-style-in-body": {
        "tool": "vnu",
        "message": r"^A “style” element in “body” must be the first child of its parent",
        "pages": "notebook",
        "reason": "mkdocs-jupyter inlines nbconvert's notebook styles inside the page body.",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/issues/143",
    },
    "jupyter-css": {
        "tool": "vnu",
        "message": r"^CSS: ",
        "pages": "notebook",
        "reason": "The JupyterLab stylesheet that mkdocs-jupyter inlines uses vendor and "
        "legacy properties (box-orient, overflow: overlay, ::-webkit-scrollbar parts).",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/issues/143",
    },
    "jupyter-empty-mathjax-src": {
        "tool": "vnu",
        "message": r"^Bad value “” for attribute “src” on element “script”",
        "pages": "notebook",
        "reason": "mkdocs-jupyter writes an empty MathJax <script src=\"\"> when no MathJax "
        "URL is set; the browser loads nothing (and nothing from a CDN).",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/issues/212",
    },
    "jupyter-clipboard-copy-label": {
        "tool": "vnu",
        "message": r"^The “aria-label” attribute must not be specified on any "
        r"“clipboard-copy” element",
        "pages": "notebook",
        "reason": "mkdocs-jupyter's copy button is a custom element with an aria-label (added "
        "upstream for screen readers) and no role in the markup.",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/pull/206",
    },
}


def _pages_match(scope: str, page: str) -> bool:
    return scope == "all" or (scope == "notebook" and page in NOTEBOOK_PAGES)


def axe_allowed(rule: str, targets: list) -> str | None:
    """The THEME_OWNED key that allows this axe node, if any."""
    flat = " ".join(str(t) for t in targets)
    for key, entry in THEME_OWNED.items():
        if entry["tool"] == "axe" and entry["rule"] == rule and entry["target"] in flat:
            return key
    return None


def vnu_allowed(message: str, page: str) -> str | None:
    for key, entry in THEME_OWNED.items():
        if entry["tool"] == "vnu" and re.search(entry["message"], message) and _pages_match(
            entry["pages"], page
        ):
            return key
    return None


def test_every_allowed_rule_has_a_reason_and_an_upstream_report():
    for key, entry in THEME_OWNED.items():
        assert entry["tool"] in ("axe", "vnu"), key
        assert len(entry["reason"]) > 40, key
        assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+", entry["upstream"]), key


# --------------------------------------------------------------------------- one page view


@dataclass
class Visit:
    """What one page view did: requests, problems, axe violations, width, bytes."""

    path: str
    scheme: str
    width: int
    label: str = ""
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    scroll_width: int = 0
    status: int | None = None
    tab_stops: int = 0
    unseen_focus: list[str] = field(default_factory=list)
    default_alts: int = 0
    broken_numbers: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        extra = f", {self.label}" if self.label else ""
        return f"{self.path} [{self.scheme}, {self.width} px{extra}]"

    def foreign(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname != "127.0.0.1"]


# Where a line of a <pre> breaks inside a number: a number whose text takes two boxes.
BROKEN_NUMBERS_JS = r"""() => {
  const found = [];
  for (const pre of document.querySelectorAll("article pre")) {
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/-?\d+(?:[.,]\d+)*(?:e[+-]?\d+)?/gi)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) found.push(m[0]);
      }
    }
  }
  return found;
}"""


# One Tab stop: its name, whether it is on screen, and whether it looks different focused
# and unfocused. What is compared: the element's (or, for a visually hidden input such as
# Material's palette toggle, the label after it) and its three nearest ancestors' outline,
# shadow, border, background, colour and underline, pseudo-elements included.
TAB_STOP_JS = """async () => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  if (!e.__tabKey) e.__tabKey = Math.random().toString(36).slice(2);
  const sized = el => { const r = el.getBoundingClientRect(); return r.width >= 1 && r.height >= 1; };
  let target = e;
  if (!sized(e) && e.nextElementSibling && e.nextElementSibling.tagName === "LABEL") target = e.nextElementSibling;
  target.scrollIntoView({block: "center", inline: "nearest"});
  const r = target.getBoundingClientRect();
  const shown = sized(target) && getComputedStyle(target).visibility !== "hidden" && r.right > 0 && r.left < innerWidth;
  const props = ["outline-style", "outline-width", "outline-color", "box-shadow", "border-top-color",
                 "border-bottom-color", "background-color", "color", "text-decoration-line", "text-decoration-color"];
  const look = () => {
    const out = [];
    let el = target;
    for (let level = 0; el && el !== document.body && level < 4; level++, el = el.parentElement) {
      for (const pseudo of [null, "::before", "::after"]) {
        const style = getComputedStyle(el, pseudo);
        out.push(props.map(p => style.getPropertyValue(p)).join("|"));
      }
    }
    return out.join("\\n");
  };
  const settle = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 120)));
  const focused = look();
  e.blur();
  let unfocused = look();
  if (unfocused === focused) {  // some widgets restyle on the focus event: give them time
    await settle();
    unfocused = look();
  }
  e.focus({focusVisible: true, preventScroll: true});
  if (unfocused === focused) await settle();
  const text = (e.getAttribute("aria-label") || e.innerText || "").trim().slice(0, 40);
  const name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/ +/).join(".") : "") +
    (text ? ` "${text}"` : "");
  return {key: e.__tabKey, name, shown, changed: focused !== unfocused};
}"""


def walk_focus(page, visit: Visit) -> None:
    """Press Tab through the page, as a keyboard reader does. Every stop must be on screen
    and look different focused and unfocused (see TAB_STOP_JS)."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    seen = set()
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP_JS)
        if stop is None or stop["key"] in seen:
            break  # back at the start: every stop was visited
        seen.add(stop["key"])
        if not stop["shown"]:
            visit.unseen_focus.append(f"{stop['name']} (takes focus off screen or with no size)")
        elif not stop["changed"]:
            visit.unseen_focus.append(stop["name"])
    visit.tab_stops = len(seen)


def view(browser, url: str, path: str, scheme: str, width: int, *, axe: bool = True,
         interact=None, label: str = "", expect_status: int = 200, shots: str | None = None,
         reader: bool = False) -> Visit:
    """Load one page in a fresh context, optionally act on it, then run axe on it."""
    visit = Visit(path, scheme, width, label)
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("requestfailed", lambda r: visit.errors.append(f"request failed: {r.url} ({r.failure})"))

    def console(message):
        if message.type != "error":
            return
        # The browser reports the 404 status of the 404 page itself: that is the point.
        if expect_status == 404 and message.location.get("url") == url and "404" in message.text:
            return
        visit.errors.append(f"console error: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: visit.errors.append(f"page error: {e}"))
    try:
        response = page.goto(url, wait_until="networkidle")
        visit.status = response.status if response else None
        if visit.status != expect_status:
            visit.errors.append(f"HTTP status {visit.status}, expected {expect_status}")
        if interact:
            interact(page)
            page.wait_for_load_state("networkidle")
        visit.scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if reader:
            visit.default_alts = page.locator(f'img[alt="{DEFAULT_ALT}"]').count()
            visit.broken_numbers = page.evaluate(BROKEN_NUMBERS_JS)
            walk_focus(page, visit)
        if axe:
            from axe_playwright_python.sync_playwright import Axe

            visit.violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "_").replace(".html", "") or "home"
            suffix = f"-{label.replace(' ', '-')}" if label else ""
            page.screenshot(path=str(Path(shots) / f"{name}-{scheme}-{width}{suffix}.png"), full_page=True)
    finally:
        context.close()
    return visit


def request_problems(visits: list[Visit]) -> list[str]:
    """Requests to other hosts, failed requests and console errors, page and request named."""
    problems = []
    for v in visits:
        problems += [f"{v.where}: request to another host: {u}" for u in dict.fromkeys(v.foreign())]
        problems += [f"{v.where}: {e}" for e in v.errors]
    return problems


def axe_problems(visits: list[Visit]) -> list[str]:
    problems = []
    for v in visits:
        for violation in v.violations:
            if violation["impact"] not in BLOCKING:
                continue
            for node in violation["nodes"]:
                if axe_allowed(violation["id"], node["target"]):
                    continue
                problems.append(
                    f"{v.where}: axe {violation['id']} ({violation['impact']}): {violation['help']} "
                    f"at {' '.join(map(str, node['target']))}: {node['html'][:160]}"
                )
    return problems


def width_problems(visits: list[Visit]) -> list[str]:
    return [
        f"{v.where}: the page scrolls sideways ({v.scroll_width} px wide content)"
        for v in visits
        if v.scroll_width > v.width
    ]


def page_weight(site: Path, visit: Visit) -> int:
    """Bytes of every distinct local file the page loaded (uncompressed)."""
    total = 0
    for url in dict.fromkeys(visit.requests):
        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1":
            continue
        target = site / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            total += target.stat().st_size
    return total


def drive_in_parallel(browser, views: list[tuple[str, str, str, int]], shots: str | None) -> list[Visit]:
    """``view`` for each (url, path, scheme, width), on every core: one Chromium per worker
    thread, each with its own Playwright (its API is per thread); in order."""
    from concurrent.futures import ThreadPoolExecutor

    from snipcheck.site import launch_chromium

    workers = min(os.cpu_count() or 1, len(views))
    if workers <= 1:
        return [view(browser, *v, shots=shots, reader=True) for v in views]

    def drive(chunk):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = launch_chromium(playwright)
            try:
                return [(i, view(own, *views[i], shots=shots, reader=True)) for i in chunk]
            finally:
                own.close()

    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(drive, [range(n, len(views), workers) for n in range(workers)])
    return [visit for _, visit in sorted(pair for part in parts for pair in part)]


# --------------------------------------------------------------------------- the site in Chromium


@pytest.fixture(scope="module")
def pages(built_site):
    found = site_pages(built_site)
    assert "/" in found and "/training-weights/" in found
    return found


@pytest.fixture(scope="module")
def visits(browser, site_url, built_site, pages, summary) -> list[Visit]:
    """Every page, both schemes, both widths; axe on each. Page weights go to the report."""
    shots = os.environ.get("SCREENSHOTS")
    # An unchanged view (same HTML, same files fetched, same gate code, same browser) is not
    # driven again locally; CI and SNIPCHECK_CACHE=off drive every one (snipcheck.site).
    stored = PageResults(built_site, [Path(__file__), ROOT / "snipcheck" / "site.py"], browser.version)
    views = [(path, scheme, width) for scheme in SCHEMES for width in WIDTHS.values() for path in pages]
    kept = {v: None if shots else stored.get(v[0], v[1], str(v[2])) for v in views}
    todo = [v for v in views if kept[v] is None]
    driven = dict(zip(todo, drive_in_parallel(browser, [(site_url + p, p, s, w) for p, s, w in todo], shots)))
    done = []
    for v in views:
        if kept[v] is not None:
            done.append(Visit(**kept[v]))
            continue
        visit = driven[v]
        if not visit.errors:  # a request or console error may be passing: never kept
            stored.put(asdict(visit), visit.requests, v[0], v[1], str(v[2]))
        done.append(visit)
    summary["browser gate"] = [f"{len(views) - len(todo)} page views unchanged since they were checked "
                               f"(not driven again), {len(todo)} driven"]
    lines = []
    for v in done:
        if v.scheme == "light" and v.width == WIDTHS["desktop"]:
            lines.append(f"{page_weight(built_site, v) / 1000:8.0f} KB  {v.path}")
    summary["page weight (uncompressed bytes each page loads; budgets: nox -s bench)"] = lines
    summary["tab stops (light, 1280 px / 360 px)"] = [
        f"{v.tab_stops:4}  /{w.tab_stops:4}  {v.path}" for v in done for w in done
        if v.scheme == w.scheme == "light" and v.path == w.path and v.width == WIDTHS["desktop"]
        and w.width == WIDTHS["phone"]
    ]
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


def page_of(site: Path, file: Path) -> str:
    rel = file.relative_to(site).as_posix()
    return "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel


def html_messages(files: list[Path], vnu_jar: Path) -> list[dict]:
    """The Nu Html Checker's messages for ``files``. A file whose bytes were checked before
    by the same vnu.jar and this module gets its stored messages instead of a new run
    (snipcheck.site.ResultStore: never in CI)."""
    import hashlib

    store = ResultStore("html-check")
    gate = hashlib.sha256(vnu_jar.read_bytes()[:1 << 20] + Path(__file__).read_bytes()).hexdigest()
    keys = {f: hashlib.sha256(gate.encode() + f.read_bytes()).hexdigest() for f in files}
    messages, todo = [], []
    for file in files:
        stored = store.get(keys[file])
        if stored is None:
            todo.append(file)
        else:
            messages += [{**m, "url": file.as_uri()} for m in stored]
    if todo:
        done = subprocess.run(["java", "-jar", str(vnu_jar), "--format", "json", "--exit-zero-always",
                               *map(str, todo)], capture_output=True, text=True)
        fresh = json.loads(done.stderr or done.stdout)["messages"]
        messages += fresh
        by_file = {f: [] for f in todo}
        for m in fresh:
            file = Path(unquote(urlsplit(m["url"]).path)) if m.get("url") else None
            if file in by_file:
                by_file[file].append(m)
        for file, found in by_file.items():
            store.put(keys[file], found)
    return messages


def test_every_page_is_valid_html(built_site, vnu_jar, summary):
    files = sorted(built_site.rglob("*.html"))
    problems, allowed = [], {}
    for message in html_messages(files, vnu_jar):
        if message["type"] == "info":
            continue
        file = Path(unquote(urlsplit(message.get("url", "")).path)) if message.get("url") else None
        page = page_of(built_site, file) if file else "?"
        key = vnu_allowed(message["message"], page) if message["type"] == "error" else None
        if key:
            allowed[key] = allowed.get(key, 0) + 1
            continue
        problems.append(f"{page}:{message.get('lastLine', '?')}: {message['type']}: {message['message']}"
                        f"\n    {message.get('extract', '').strip()[:200]}")
    summary["html check (vnu): theme-owned errors allowed"] = [f"{n:4}  {k}" for k, n in sorted(allowed.items())]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- links and anchors

LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src",
           "iframe": "src", "video": "src", "audio": "src"}


def _ids(file: Path, cache: dict) -> set[str]:
    if file not in cache:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        cache[file] = {t["id"] for t in soup.find_all(id=True)} | {
            t["name"] for t in soup.find_all("a", attrs={"name": True})}
    return cache[file]


def link_problems(site: Path) -> tuple[list[str], list[str], int]:
    """Every internal href/src of every built page: the file exists and the #fragment is an
    id in it. Returns (problems, external links not tested, internal links checked)."""
    from bs4 import BeautifulSoup

    problems, external, checked, ids = [], set(), 0, {}
    for file in sorted(site.rglob("*.html")):
        page = page_of(site, file)
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        here = urljoin(SITE_URL, file.relative_to(site).as_posix())
        for tag, attr in ((t, a) for name, a in LINKING.items() for t in soup.find_all(name) if t.get(a) is not None):
            raw = tag[attr].strip()
            if raw == "" or raw.startswith(("data:", "javascript:", "mailto:", "tel:")):
                continue
            url = urljoin(here, raw)
            if not url.startswith(SITE_URL):
                if urlsplit(url).scheme in ("http", "https"):
                    external.add(url.split("#")[0])
                    continue
                problems.append(f"{page}: link {raw!r} leaves the site's address ({SITE_URL})")
                continue
            checked += 1
            parts = urlsplit(url[len(SITE_URL):])
            target = site / unquote(parts.path)
            if target.is_dir() or parts.path == "":
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page}: broken link {raw!r}: no file {target.relative_to(site)}")
                continue
            if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target, ids):
                problems.append(f"{page}: broken anchor {raw!r}: no id {unquote(parts.fragment)!r} in "
                                f"{page_of(site, target)}")
    return problems, sorted(external), checked


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
