"""The recap, practice and notes pages: answer keys agree, every problem is complete, and
cards and solutions behave in a real browser.

The practice rules (what a problem holds, how its key must agree) are
``snipcheck.rules.practice``; these tests run them on the built page and on broken copies.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from snipcheck import compare, layout
from snipcheck.rules.practice import FINAL, block, check_practice, options, outputs, sections, text
from snipcheck.site import nav_page, url_of, watched_page

# Found from the nav by title, so renaming a page (and its nav line) never breaks these tests.
PRACTICE = nav_page("Practice")
RECAP = nav_page("Recap cards")
NOTES = nav_page("Course notes")


def article(site: Path, page: str) -> Tag:
    soup = BeautifulSoup(layout.built_page(site, page).read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article")


# --------------------------------------------------------------------------- the pages


def test_practice_problems_are_complete_and_keys_agree(built_site):
    problems = check_practice(article(built_site, PRACTICE), PRACTICE)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", [RECAP, NOTES])
def test_cards_are_collapsed_until_opened(built_site, page):
    root = article(built_site, page)
    cards = root.select("details")
    assert cards, f"{page}: no cards. Write each one as ??? question \"...\" with the answer indented."
    opened = [c.find("summary").get_text().strip() for c in cards if c.has_attr("open")]
    assert not opened, f"{page}: these cards start open: {opened}. Use \"???\" instead of \"???+\"."
    empty = [c.find("summary").get_text().strip() for c in cards
             if not text(c).removeprefix(c.find("summary").get_text().strip()).strip()]
    assert not empty, f"{page}: these cards have no answer inside: {empty}."


def test_notes_diagram_works_offline_with_a_text_alternative(built_site):
    root = article(built_site, NOTES)
    images = root.select('img[src$=".svg"]')
    assert images, f"{NOTES}: the flow chart is missing (ship it as an SVG under docs/assets/)."
    for img in images:
        assert len(img.get("alt", "")) > 40, f"{NOTES}: the flow chart {img['src']} needs a text alternative (alt)."
        svg = (layout.built_page(built_site, NOTES).parent / img["src"]).resolve()
        assert svg.exists(), f"{NOTES}: {img['src']} is not in the built site."
        source = svg.read_text(encoding="utf-8")
        assert "<title" in source and "<desc" in source, f"{svg.name}: add <title> and <desc> for screen readers."
        assert "http" not in source.replace("http://www.w3.org/2000/svg", ""), (
            f"{svg.name} refers to another host; the site must work offline."
        )


# --------------------------------------------------------------------------- the checker fails


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


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
def test_recap_card_opens_with_the_keyboard(browser, site_url):
    with watched_page(browser, site_url + url_of(RECAP)) as (page, errors, _):
        card = page.locator("article details.question").first
        assert card.evaluate("d => !d.open"), "The first recap card is open before the reader asks."
        card.locator("summary").focus()
        page.keyboard.press("Enter")
        assert card.evaluate("d => d.open"), "Enter on a focused recap card's question did not open it."
        assert card.locator("p, ol, ul").first.is_visible(), "The opened card does not show its answer."
        page.keyboard.press("Enter")
        assert card.evaluate("d => !d.open"), "Enter again did not close the card."
    assert not errors, "\n".join(errors)


@pytest.mark.browser
def test_practice_solutions_stay_hidden_until_opened(browser, site_url):
    with watched_page(browser, site_url + url_of(PRACTICE)) as (page, errors, _):
        opened = page.locator("article details[open]").count()
        assert opened == 0, f"{opened} hint/solution blocks on the practice page start open."
        final = page.get_by_text(re.compile(r"^Final answer: [A-Z]$")).first
        assert not final.is_visible(), "A final answer is visible before its solution is opened."
        page.locator("article details.success summary").first.click()
        assert final.is_visible(), "Opening the first solution did not show its final answer."
    assert not errors, "\n".join(errors)
