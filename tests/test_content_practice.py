"""The recap, practice and notes pages: practice problems are complete and their keys agree
(``snipcheck.rules.practice``), recap and notes cards start collapsed with an answer inside, and
the notes diagram works offline with a text alternative."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from snipcheck import layout
from snipcheck.rules.practice import check_practice, text
from snipcheck.site import nav_page


# Found from the nav by title, so renaming a page (and its nav line) never breaks these tests.
PRACTICE = nav_page("Practice")


RECAP = nav_page("Recap cards")


NOTES = nav_page("Course notes")


def article(site: Path, page: str) -> Tag:
    soup = BeautifulSoup(layout.built_page(site, page).read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article")


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
