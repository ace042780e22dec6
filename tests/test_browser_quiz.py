"""The quiz in Debian's Chromium: answering shows feedback and updates the score, progress
survives a reload and resets (and corrupt saved progress), everything works from the keyboard
(the arrow keys browse without answering; Enter answers), every option is a labelled radio, and
without JavaScript the answers hide in details. No console error, no request leaves 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from snipcheck.site import nav_page, url_of, watched_page


QUIZ_URL = url_of(nav_page("Quiz"))  # from the nav: a renamed page keeps its tests


QUIZ = url_of(nav_page("Quiz"))


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
    for _ in range(20):  # past the learning path and the notebook buttons
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


CORRUPT = {
    "invalid JSON": "{not json",
    "an array": "[1, 2]",
    "fractional": '{"%s": 0.5}',
    "negative": '{"%s": -1}',
    "too large": '{"%s": 99}',
    "unknown ids": '{"q-no-such-question": 1}',
    "__proto__": '{"__proto__": {"polluted": 1}, "%s": "1"}',
    "a string": '"hello"',
    "null": "null",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_quiz_survives_corrupt_saved_progress(browser, site_url, name):
    from snipcheck.site import watched_page

    url = site_url + "/training-weights/quiz/"
    with watched_page(browser, url, viewport={"width": 1280, "height": 900}) as (page, errors, foreign):
        first = page.locator("fieldset.quiz").first
        qid = first.get_attribute("id")
        value = CORRUPT[name] % qid if "%s" in CORRUPT[name] else CORRUPT[name]
        key = page.evaluate("'quiz-progress:' + location.pathname")
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, value])
        page.reload(wait_until="networkidle")
        assert page.locator(".quiz-score__text").count() == 1, "the score bar is missing"
        assert page.get_by_role("button", name="Reset quiz").count() == 1
        first = page.locator("fieldset.quiz").first
        assert page.locator("fieldset.quiz input:checked").count() == 0
        first.get_by_role("radio").nth(1).check()
        assert "1 answered" in page.locator(".quiz-score__text").inner_text()
        saved = json.loads(page.evaluate("k => localStorage.getItem(k)", key))
        assert saved == {qid: 1}, saved  # the new answer is saved, and only real answers are kept
        assert page.evaluate("({}).polluted === undefined")
        page.reload(wait_until="networkidle")
        assert page.locator("fieldset.quiz").first.get_by_role("radio").nth(1).is_checked()
    assert not errors, errors
