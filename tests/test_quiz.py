"""Quiz pages: every answer key is provably right, and the quiz works in a real browser.

Content check: ``snipcheck.rules.quiz.quiz_problems`` on every built quiz page (the rules are
listed there: one marked option that the explanation names, and for a "what does this code
print?" question, the recorded output). Each failure names the page, the question and the
fix. The tests at the end of the content section break a copy of the page or of an output and
check that the check fails.

Browser tests (marked ``browser``): answering shows feedback and updates the score, progress
survives a reload and resets, everything works from the keyboard, no console error, no
request leaves 127.0.0.1.
"""
from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from snipcheck import layout
from snipcheck.rules.quiz import quiz_problems
from snipcheck.site import nav_page, url_of, watched_page

ROOT, DOCS = layout.ROOT, layout.DOCS
QUIZ_PAGES = sorted(p for p in DOCS.rglob("*.md") if '<fieldset class="quiz"' in p.read_text(encoding="utf-8"))
QUIZ_URL = url_of(nav_page("Quiz"))  # from the nav: a renamed page keeps its tests


# --------------------------------------------------------------------------- content check


@pytest.fixture(scope="module")
def quiz_html(built_site) -> dict[Path, str]:
    return {page: layout.built_page(built_site, page).read_text(encoding="utf-8") for page in QUIZ_PAGES}


def test_there_is_a_quiz_page():
    assert QUIZ_PAGES, 'no page under docs/ has a <fieldset class="quiz">'


@pytest.mark.parametrize("page", QUIZ_PAGES, ids=layout.rel)
def test_quiz_keys_are_right(page, quiz_html):
    problems = quiz_problems(page, quiz_html[page])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", QUIZ_PAGES, ids=layout.rel)
def test_quiz_has_enough_questions_of_both_kinds(page, quiz_html):
    soup = BeautifulSoup(quiz_html[page], "html.parser")
    questions = soup.select("fieldset.quiz")
    printing = [q for q in questions if q.get("data-output")]
    assert len(questions) >= 8 and printing and len(printing) < len(questions), (
        f"{layout.rel(page)}: a quiz needs at least 8 questions, conceptual ones and "
        f'"what does this code print?" ones (found {len(questions)}, {len(printing)} printing).'
    )


# ---- the check must fail when the page or an output is broken (on copies, never the files)

QUIZ = DOCS / nav_page("Quiz")


@pytest.fixture
def soup(quiz_html):
    return BeautifulSoup(quiz_html[QUIZ], "html.parser")


def printing_question(soup: BeautifulSoup) -> Tag:
    return next(f for f in soup.select("fieldset.quiz") if f.get("data-output"))


def test_check_fails_on_a_flipped_key(soup):
    question = soup.select("fieldset.quiz")[0]
    options = question.ol.find_all("li", recursive=False)
    right = next(i for i, o in enumerate(options) if "correct" in o.get("class", []))
    del options[right]["class"]
    options[(right + 1) % len(options)]["class"] = ["correct"]
    problems = quiz_problems(QUIZ, str(soup))
    assert any(
        "question 1 (#" + question["id"] in p and "explanation says the answer is" in p and "Fix:" in p
        for p in problems
    ), problems
    assert all("docs/training-weights/quiz.md" in p for p in problems)


def test_check_fails_on_two_correct_options(soup):
    question = soup.select("fieldset.quiz")[1]
    for option in question.ol.find_all("li", recursive=False):
        option["class"] = ["correct"]
    problems = quiz_problems(QUIZ, str(soup))
    assert any(question["id"] in p and "are all marked correct" in p for p in problems), problems


def test_check_fails_with_no_correct_option(soup):
    question = soup.select("fieldset.quiz")[2]
    for option in question.ol.find_all("li", recursive=False):
        option.attrs.pop("class", None)
    problems = quiz_problems(QUIZ, str(soup))
    assert any(question["id"] in p and "no option is marked correct" in p for p in problems), problems


def changed_beyond_tolerance(text: str) -> str:
    """The first decimal number in text, moved by far more than the tolerance."""
    match = re.search(r"\d+\.\d+", text)
    assert match, "this test needs a printing question whose output has a decimal number"
    value = float(match.group()) * 1.5 + 0.1
    return text[: match.start()] + f"{value:.{len(match.group().split('.')[1])}f}" + text[match.end():]


def test_check_fails_when_an_output_is_refreshed_but_the_key_is_not(soup, tmp_path):
    """A copy of snippets/ whose recorded output changed beyond tolerance: the key is stale."""
    questions = [f for f in soup.select("fieldset.quiz") if f.get("data-output")]
    with_number = next(q for q in questions if re.search(r"\d+\.\d+", (ROOT / q["data-output"]).read_text()))
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets")
    copied = tmp_path / with_number["data-output"]
    copied.write_text(changed_beyond_tolerance(copied.read_text(encoding="utf-8")), encoding="utf-8")
    assert quiz_problems(QUIZ, str(soup), root=tmp_path) != []
    problems = quiz_problems(QUIZ, str(soup), root=tmp_path)
    assert any(
        with_number["id"] in p and "the key marks" in p and with_number["data-output"] in p and "nox -s outputs" in p
        for p in problems
    ), problems
    # A change within tolerance (the last printed digit on another CPU) is not a failure.
    copied.write_text((ROOT / with_number["data-output"]).read_text(encoding="utf-8"), encoding="utf-8")
    assert quiz_problems(QUIZ, str(soup), root=tmp_path) == []


def test_check_fails_when_a_wrong_option_is_the_output(soup):
    question = printing_question(soup)
    options = question.ol.find_all("li", recursive=False)
    right = next(o for o in options if "correct" in o.get("class", []))
    wrong = next(o for o in options if o is not right)
    wrong.clear()
    wrong.append(copy.copy(right.code))
    problems = quiz_problems(QUIZ, str(soup))
    assert any(question["id"] in p and "is not marked correct, but it is what" in p for p in problems), problems


# --------------------------------------------------------------------------- browser


@pytest.fixture
def quiz_page(browser, site_url):
    """A fresh browser context on the quiz page; fails the test on console errors or
    requests to any host but 127.0.0.1."""
    with watched_page(browser, site_url + QUIZ_URL, viewport={"width": 1280, "height": 900}) as (
        page, errors, foreign
    ):
        yield page
    assert not foreign, f"{QUIZ_URL}: requests to another host: {foreign}"
    assert not errors, f"{QUIZ_URL}: " + "\n".join(errors)


def key_of(page, qid: str) -> int:
    return page.eval_on_selector_all(f"#{qid} > ol > li", "items => items.findIndex(i => i.classList.contains('correct'))")


def score(page) -> str:
    return page.locator(".quiz-score__text").inner_text()


@pytest.mark.browser
def test_answering_shows_feedback_and_updates_the_score(quiz_page):
    page = quiz_page
    questions = page.locator("fieldset.quiz")
    total = questions.count()
    assert f"0 right out of 0 answered ({total} questions)" in score(page)
    first, second = questions.nth(0), questions.nth(1)
    right = key_of(page, first.get_attribute("id"))
    first.get_by_role("radio").nth(right).check()
    feedback = first.locator(".quiz-feedback")
    # Only the short verdict is live; the explanation is on the page, not read out.
    assert first.locator(".quiz-verdict").get_attribute("aria-live") == "polite"
    assert first.locator(".quiz-verdict").inner_text() == "Right."
    assert first.locator("[aria-live] .quiz-explanation, [role=status] .quiz-explanation").count() == 0
    assert feedback.inner_text().startswith("Right.")
    assert "Answer:" in feedback.inner_text()
    assert f"1 right out of 1 answered ({total} questions)" in score(page)
    wrong = (key_of(page, second.get_attribute("id")) + 1) % second.get_by_role("radio").count()
    second.get_by_role("radio").nth(wrong).check()
    key = "ABCDEFGHIJ"[key_of(page, second.get_attribute("id"))]
    assert second.locator(".quiz-verdict").inner_text() == f"Not quite: the answer is {key}."
    assert f"1 right out of 2 answered ({total} questions)" in score(page)


@pytest.mark.browser
def test_progress_survives_a_reload_and_resets(quiz_page):
    page = quiz_page
    first = page.locator("fieldset.quiz").first
    right = key_of(page, first.get_attribute("id"))
    first.get_by_role("radio").nth(right).check()
    page.reload(wait_until="networkidle")
    first = page.locator("fieldset.quiz").first
    assert first.get_by_role("radio").nth(right).is_checked()
    assert first.locator(".quiz-feedback").inner_text().startswith("Right.")
    assert "1 right out of 1 answered" in score(page)

    page.get_by_role("button", name="Reset quiz").click()
    assert page.locator("fieldset.quiz input:checked").count() == 0
    assert "0 right out of 0 answered" in score(page)
    assert first.locator(".quiz-feedback").inner_text() == ""
    page.reload(wait_until="networkidle")
    assert page.locator("fieldset.quiz input:checked").count() == 0
    assert "0 right out of 0 answered" in score(page)


@pytest.mark.browser
def test_the_quiz_works_from_the_keyboard_alone(quiz_page):
    page = quiz_page
    first = page.locator("fieldset.quiz").first
    # Start from the link just before the quiz, then use only keys.
    page.locator("article a[href='../']").first.focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    assert page.evaluate("document.activeElement.name") == first.get_attribute("id")
    page.keyboard.press("ArrowDown")  # browses to option B: no answer yet
    assert first.get_by_role("radio").nth(1).is_checked()
    assert first.locator(".quiz-verdict").inner_text() == ""
    assert "out of 0 answered" in score(page)
    page.keyboard.press("Enter")  # answers B
    verdict = "Right." if key_of(page, first.get_attribute("id")) == 1 else "Not quite:"
    assert first.locator(".quiz-feedback").inner_text().startswith(verdict)
    assert "out of 1 answered" in score(page)
    # Tab moves to the Check button, then leaves for the next question's options.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("md-button quiz-check")
    page.keyboard.press("Tab")
    second = page.locator("fieldset.quiz").nth(1)
    assert page.evaluate("document.activeElement.name") == second.get_attribute("id")
    page.locator(".quiz-score__reset").focus()
    page.keyboard.press("Enter")
    assert "0 right out of 0 answered" in score(page)


@pytest.mark.browser
def test_every_option_is_a_labelled_radio_in_a_fieldset_with_a_legend(quiz_page):
    page = quiz_page
    questions = page.locator("fieldset.quiz")
    for i in range(questions.count()):
        question = questions.nth(i)
        assert question.locator(":scope > legend").inner_text().strip()
        radios = question.get_by_role("radio")
        assert radios.count() >= 2
        for j in range(radios.count()):
            assert radios.nth(j).evaluate("r => r.labels.length === 1 && r.labels[0].innerText.trim() !== ''")
        assert question.locator("details.quiz-answer").is_hidden()


@pytest.mark.browser
def test_without_javascript_the_answers_hide_in_details(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + QUIZ_URL)
    questions = page.locator("fieldset.quiz")
    assert questions.count() >= 8
    assert page.locator("fieldset.quiz input").count() == 0
    details = questions.first.locator("details.quiz-answer")
    assert details.is_visible() and not details.evaluate("d => d.open")
    assert not details.get_by_text("Answer:").is_visible()
    context.close()
