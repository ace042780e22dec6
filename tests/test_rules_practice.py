"""snipcheck/rules/practice.py: the practice check fails on a broken copy of the built practice
page (a solution naming another letter or ruling out the key, a flipped key, a key that is not an
option, a missing part, a second option that matches the output), naming the problem and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from snipcheck import compare, layout
from snipcheck.rules.practice import FINAL, block, check_practice, options, outputs, sections
from snipcheck.site import nav_page

pytestmark = pytest.mark.selftest


# Found from the nav by title, so renaming a page (and its nav line) never breaks these tests.
PRACTICE = nav_page("Practice")


def article(site: Path, page: str) -> Tag:
    soup = BeautifulSoup(layout.built_page(site, page).read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article")


@pytest.fixture
def practice(built_site):
    """A fresh copy of the built practice page to break on purpose."""
    return article(built_site, PRACTICE)


def final_line(solution: Tag) -> Tag:
    return next(s for s in solution.find_all("strong") if FINAL.match(s.get_text().strip()))


def key_of(solution: Tag) -> str:
    return FINAL.match(final_line(solution).get_text().strip())[1]


def first_problem_with_output(root: Tag) -> tuple[Tag, list[Tag]]:
    for h2, body in sections(root):
        solution = block(body, "solution")
        if outputs(solution) and compare.NUMBER.search(options(body)[key_of(solution)]):
            return h2, body
    pytest.fail(f"{PRACTICE} has no 'what does this print?' problem with a numeric key.")


def test_checker_catches_a_solution_that_names_another_letter(practice):
    h2, body = sections(practice)[0]
    solution = block(body, "solution")
    wrong = "A" if key_of(solution) != "A" else "B"
    solution.find("ol").append(BeautifulSoup(f"<li>So the answer is {wrong}.</li>", "html.parser"))
    found = check_practice(practice, PRACTICE)
    assert any(h2["id"] in p and f"answer is {wrong}" in p and "Fix" in p for p in found), found


def test_checker_catches_a_solution_that_rules_out_the_key(practice):
    h2, body = sections(practice)[0]
    solution = block(body, "solution")
    solution.find("ol").append(BeautifulSoup(f"<li><strong>{key_of(solution)}</strong> is out.</li>", "html.parser"))
    found = check_practice(practice, PRACTICE)
    assert any(h2["id"] in p and "rules out" in p for p in found), found


def test_checker_catches_a_flipped_key(practice):
    h2, body = first_problem_with_output(practice)
    solution = block(body, "solution")
    wrong = "A" if key_of(solution) != "A" else "B"
    final_line(solution).string = f"Final answer: {wrong}"
    found = check_practice(practice, PRACTICE)
    assert any(h2["id"] in p and f"the key {wrong}" in p and "not what the snippet printed" in p
               for p in found), found


def test_checker_catches_a_key_that_is_not_an_option(practice):
    h2, body = sections(practice)[1]
    final_line(block(body, "solution")).string = "Final answer: Z"
    found = check_practice(practice, PRACTICE)
    assert any(h2["id"] in p and "'Z', which is not an option" in p for p in found), found


@pytest.mark.parametrize("part", ["hint", "solution", "common mistakes"])
def test_checker_catches_a_missing_part(practice, part):
    h2, body = sections(practice)[2]
    block(body, part).decompose()
    found = check_practice(practice, PRACTICE)
    assert any(h2["id"] in p and "lacks a" in p and "Fix" in p for p in found), found


def test_checker_catches_an_option_that_also_matches_the_output(practice):
    h2, body = first_problem_with_output(practice)
    opts, key = options(body), key_of(block(body, "solution"))
    wrong = next(letter for letter in opts if letter != key)
    ul = next(el for el in body if el.name == "ul")
    item = ul.find_all("li", recursive=False)[ord(wrong) - ord("A")]
    item.clear()
    item.append(BeautifulSoup(f"<strong>{wrong}.</strong> {opts[key]}", "html.parser"))
    found = check_practice(practice, PRACTICE)
    assert any(h2["id"] in p and f"option {wrong}" in p and "two options are right" in p
               for p in found), found
