"""snipcheck/rules/quiz.py: the quiz check fails on a broken copy of the built quiz page or of an
output (a flipped key, two or no correct options, a stale key, a wrong option that is the output),
naming the page, the question and the fix. Copies only, never the files."""

from __future__ import annotations

import copy
import re
import shutil

import pytest
from bs4 import BeautifulSoup, Tag

from snipcheck import layout
from snipcheck.rules.quiz import quiz_problems
from snipcheck.site import nav_page

pytestmark = pytest.mark.selftest


ROOT, DOCS = layout.ROOT, layout.DOCS


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
