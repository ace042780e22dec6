"""Quiz pages: every answer key is provably right (``snipcheck.rules.quiz.quiz_problems`` on every
built quiz page: one marked option that the explanation names, and for a "what does this code
print?" question, the recorded output), each quiz has enough questions of both kinds, and no
answer or explanation is in the search index. test_rules_quiz.py proves the check fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from snipcheck import layout
from snipcheck.rules.quiz import quiz_problems
from snipcheck.site import nav_page, url_of


ROOT, DOCS = layout.ROOT, layout.DOCS


QUIZ_PAGES = sorted(p for p in DOCS.rglob("*.md") if '<fieldset class="quiz"' in p.read_text(encoding="utf-8"))


QUIZ = url_of(nav_page("Quiz"))


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
