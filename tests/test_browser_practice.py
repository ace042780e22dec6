"""Recap cards and practice solutions in Debian's Chromium: a card opens and closes with the
keyboard, and practice solutions stay hidden until opened."""

from __future__ import annotations

import re

import pytest

from snipcheck.site import nav_page, url_of, watched_page


# Found from the nav by title, so renaming a page (and its nav line) never breaks these tests.
PRACTICE = nav_page("Practice")


RECAP = nav_page("Recap cards")


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
