"""The site as readers use it: keyboard, search, paper, phone, and the path through a topic.

* The quiz can be browsed with the arrow keys without answering; Enter answers.
* Site search (Material's own, in Chromium) finds ``apply_gradients`` on the notes, the
  practice and the quiz; no quiz explanation is in the search index; a notebook's code is
  indexed once, under its own heading.
* The notebook page's own HTML stays under NOTEBOOK_HTML_BUDGET bytes, and a chart without
  alt text fails the build.
* A recap or practice page printed by Chromium (page.pdf) shows the questions, not the
  answers under them, and no button.
* Every topic page shows the learning path (every step, with a time) and ends with a "Next
  step" link; a step marked done stays ticked after a reload and on the other pages.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from snipcheck.layout import ROOT, built_page
from snipcheck.site import nav_page, nav_pages, url_of, watched_page

NOTEBOOK_HTML_BUDGET = 200_000  # bytes of the notebook page's own HTML (issue 14)
QUIZ = url_of(nav_page("Quiz"))
TOPIC = "training-weights"


def nav_steps() -> list[str]:
    """The topic's pages as URLs, in nav order, from mkdocs.yml."""
    steps = [url_of(page) for _, page in nav_pages() if page.startswith(TOPIC + "/")]
    assert steps, f"no nav section holds the {TOPIC} pages"
    return steps


# --------------------------------------------------------------------------- quiz


@pytest.mark.browser
def test_the_quiz_can_be_browsed_with_arrow_keys_without_answering(browser, site_url):
    with watched_page(browser, site_url + QUIZ, viewport={"width": 1280, "height": 900}) as (page, errors, _):
        first = page.locator("fieldset.quiz").first
        radios = first.get_by_role("radio")
        radios.first.focus()
        page.keyboard.press("Space")  # chooses A
        for _ in range(radios.count() + 1):  # round the whole group, back to A and on
            page.keyboard.press("ArrowDown")
        assert radios.nth(1).is_checked(), "ArrowDown did not move the choice"
        assert first.locator(".quiz-verdict").inner_text() == ""
        assert "quiz--right" not in first.get_attribute("class")
        assert "quiz--wrong" not in first.get_attribute("class")
        assert "0 answered" in page.locator(".quiz-score__text").inner_text()
        # "Question 1." is text in the legend, for screen readers too.
        assert first.locator("legend").inner_text().startswith("Question 1.")
        page.keyboard.press("Enter")  # now it counts
        assert first.locator(".quiz-verdict").inner_text() in ("Right.", *(
            f"Not quite: the answer is {c}." for c in "ABCDEFGH"))
        assert "1 answered" in page.locator(".quiz-score__text").inner_text()
        # A click answers at once; the arrow keys right after it still only browse.
        second = page.locator("fieldset.quiz").nth(1)
        second.get_by_role("radio").first.click()
        assert "2 answered" in page.locator(".quiz-score__text").inner_text()
        picked = second.locator(".quiz-verdict").inner_text()
        page.keyboard.press("ArrowDown")
        assert second.get_by_role("radio").nth(1).is_checked()
        assert second.locator(".quiz-verdict").inner_text() == picked, "ArrowDown after a click answered"
        assert "2 answered" in page.locator(".quiz-score__text").inner_text()
    assert not errors, errors


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


def index_texts(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_no_quiz_answer_or_explanation_is_in_the_search_index(built_site):
    soup = BeautifulSoup((built_site / QUIZ.strip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
    explanations = [" ".join(d.get_text(" ").split()) for d in soup.select("details.quiz-answer")]
    assert len(explanations) >= 5
    docs = [d for d in index_texts(built_site) if d["location"].startswith(QUIZ.lstrip("/"))]
    assert docs, "the quiz page is not in the search index"
    text = " ".join(" ".join(BeautifulSoup(d["text"], "html.parser").get_text(" ").split()) for d in docs)
    assert "Answer:" not in text
    for explanation in explanations:
        for sentence in re.split(r"(?<=\.) ", explanation):
            if len(sentence) >= 40:
                assert sentence not in text, f"the search index holds a quiz explanation: {sentence!r}"


# --------------------------------------------------------------------------- notebook page


def test_the_notebook_page_html_is_under_budget(built_site):
    for notebook in (ROOT / "docs").rglob("*.ipynb"):
        page = built_page(built_site, notebook)
        size = page.stat().st_size
        assert size < NOTEBOOK_HTML_BUDGET, (
            f"{page.relative_to(built_site)} is {size} bytes, over {NOTEBOOK_HTML_BUDGET}. Is "
            "hooks/notebook_reader.py in mkdocs.yml's hooks (it purges the inlined CSS and moves "
            "the charts to files)?"
        )
        text = page.read_text(encoding="utf-8")
        assert "['pre { line-height" not in text, "the Python-list <style> is back"
        assert "data:image/png" not in text, "a chart is inlined in the page"


def test_a_chart_without_alt_text_fails_the_build_naming_the_fix(site_copy):
    notebook = next(site_copy.docs.rglob("*.ipynb"))
    data = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("image/png", None)
            output.get("metadata", {}).pop("alt", None)
    notebook.write_text(json.dumps(data), encoding="utf-8")
    done = site_copy.build()
    assert done.returncode != 0
    assert "have no alt text" in done.stderr and "nox -s outputs" in done.stderr, done.stderr[-2000:]


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
