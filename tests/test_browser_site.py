"""The site as readers use it, in Debian's Chromium: the Content Security Policy, search, paper
and the path through a topic.

* Every page sends a Content Security Policy and reports no violation; a script that slipped
  into a page is blocked.
* Site search (Material's own) finds ``apply_gradients`` on the notes, the practice and the quiz.
* A recap or practice page printed by Chromium (page.pdf) shows the questions, not the answers
  under them, and no button.
* Every topic page shows the learning path (every step, with a time) and ends with a "Next
  step" link; a step marked done stays ticked after a reload and on the other pages."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from snipcheck.site import nav_page, nav_pages, url_of, watched_page


QUIZ = url_of(nav_page("Quiz"))


TOPIC = "training-weights"


def nav_steps() -> list[str]:
    """The topic's pages as URLs, in nav order, from mkdocs.yml."""
    steps = [url_of(page) for _, page in nav_pages() if page.startswith(TOPIC + "/")]
    assert steps, f"no nav section holds the {TOPIC} pages"
    return steps


# --------------------------------------------------------------------------- Content Security Policy


PROBE = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"""


def violations(browser, url: str) -> tuple[list[str], list[str]]:
    from snipcheck.site import watched_page

    with watched_page(browser, url) as (page, errors, foreign):
        page.add_init_script(PROBE)
        page.reload(wait_until="networkidle")
        page.wait_for_timeout(200)
        found = page.evaluate("window.__violations")
        ran = page.evaluate("window.__ran || false")
    return found + [e for e in errors if "Content Security Policy" in e], ([f"ran: {ran}"] if ran else [])


@pytest.mark.browser
def test_every_page_sends_a_policy_and_reports_no_violation(built_site, site_url, browser):
    from snipcheck import site

    failures = []
    for path in site.pages(built_site):
        html = (built_site / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
        head = html[html.index("<head"):][:400]
        assert '<meta http-equiv="Content-Security-Policy"' in head, f"{path}: no policy at the top of <head>"
        assert "script-src 'self' 'sha256-" in html and "'unsafe-inline'" not in html.split("script-src")[1].split(";")[0]
        found, _ = violations(browser, site_url + path)
        failures += [f"{path}: {v}" for v in found]
    assert not failures, "\n".join(failures)


@pytest.mark.selftest
@pytest.mark.browser
def test_the_policy_blocks_a_script_that_slipped_into_a_page(site_copy, browser):
    from snipcheck import site

    site_copy.edit_page("index.md", "\n", '\n\n<div markdown>Hello <script>window.__ran = true</script></div>\n\n')
    done = site_copy.build()
    assert done.returncode == 0, done.stderr[-3000:]
    with site.serve(site_copy.site) as url:
        found, ran = violations(browser, url + "/")
    assert not ran, "the injected script ran"
    assert any("script-src" in v for v in found), found


# --------------------------------------------------------------------------- search


def search(page, words: str) -> list[str]:
    """Material's search, typed as a reader would: the addresses of the results."""
    page.locator(".md-search__input").click()
    page.keyboard.type(words)
    page.locator(".md-search-result__meta").filter(has_text=re.compile("matching")).wait_for()
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


@pytest.mark.browser
def test_search_finds_code_words_on_every_page_that_uses_them(browser, site_url):
    with watched_page(browser, site_url, viewport={"width": 1280, "height": 900}) as (page, errors, _):
        found = search(page, "apply_gradients")
    pages = {urlsplit(u).path for u in found}
    for expected in ("/training-weights/notes/", "/training-weights/practice/", QUIZ):
        assert expected in pages, f"search for apply_gradients misses {expected}; found {sorted(pages)}"
    assert not errors, errors


# --------------------------------------------------------------------------- paper


def pdf_text(page) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/training-weights/recap/", "/training-weights/practice/"])
def test_a_printed_page_shows_questions_not_answers(browser, site_url, built_site, path):
    soup = BeautifulSoup((built_site / path.strip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
    folded = [d for d in soup.select("article details") if not d.has_attr("open")]
    assert folded, f"{path} has no folded card or solution"
    with watched_page(browser, site_url + path, viewport={"width": 1280, "height": 900}) as (page, errors, _):
        text = pdf_text(page)
    squash = lambda s: " ".join(s.split())  # noqa: E731
    for details in folded:
        question = squash(details.summary.get_text(" "))
        body = details.summary.find_next_sibling()
        answer = squash(body.get_text(" ")) if body else ""
        assert question[:30].split()[0] in text, f"{path}: the question {question!r} is not printed"
        if len(answer) > 30:
            assert answer[:40] not in text, f"{path}: the answer under {question!r} is printed"
    assert "Copy to clipboard" not in text and "Mark this step done" not in text and "Next step" not in text
    assert not errors, errors


# --------------------------------------------------------------------------- learning path


@pytest.mark.browser
def test_every_topic_page_shows_the_path_and_a_next_step(browser, site_url):
    steps = nav_steps()
    assert len(steps) >= 6, steps
    with watched_page(browser, site_url + steps[0], viewport={"width": 360, "height": 800}) as (page, errors, _):
        for number, path in enumerate(steps):
            page.goto(site_url + path, wait_until="networkidle")
            items = page.locator("nav.learning-path li")
            assert items.count() == len(steps), f"{path}: the path lists {items.count()} steps"
            assert page.locator('nav.learning-path li[aria-current="step"]').count() == 1
            assert page.locator('nav.learning-path li[aria-current="step"] a').get_attribute("href") == "./"
            times = page.locator("nav.learning-path .learning-path__time").all_inner_texts()
            assert all(re.fullmatch(r"\d+ min", t) for t in times), f"{path}: times {times}"
            link = page.locator("nav.next-step a")
            assert link.inner_text().startswith("Next step")
            href = link.evaluate("a => a.href").removeprefix(site_url)
            expected = steps[number + 1] if number + 1 < len(steps) else "/"
            assert href == expected, f"{path}: Next step goes to {href}, expected {expected}"
    assert not errors, errors


@pytest.mark.browser
def test_a_finished_step_stays_ticked_after_a_reload_and_resets(browser, site_url):
    with watched_page(browser, site_url + QUIZ, viewport={"width": 1280, "height": 900}) as (page, errors, _):
        done = page.get_by_role("button", name="Mark this step done")
        done.click()
        assert page.locator("nav.next-step button").get_attribute("aria-pressed") == "true"
        page.reload(wait_until="networkidle")
        here = page.locator('nav.learning-path li[aria-current="step"]')
        assert "done" in here.inner_text(), "the finished step lost its tick after a reload"
        assert page.locator("nav.next-step button").get_attribute("aria-pressed") == "true"
        page.goto(site_url + "/training-weights/", wait_until="networkidle")
        ticked = page.locator("nav.learning-path li.learning-path__step--done a").all_inner_texts()
        assert ticked == ["Quiz"], ticked
        page.get_by_role("button", name="Reset progress").click()
        page.reload(wait_until="networkidle")
        assert page.locator("nav.learning-path li.learning-path__step--done").count() == 0
    assert not errors, errors
