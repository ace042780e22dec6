"""Pages show code and output only by inclusion from snippets/, and the two stay paired."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from snipcheck import layout
from snipcheck.rules import pages

PAGES = sorted(layout.DOCS.rglob("*.md"))
SHOWING_OUTPUTS = [p for p in PAGES if pages.included_outputs(p)]


@pytest.mark.parametrize("page", PAGES, ids=layout.rel)
def test_code_and_output_blocks_are_inclusions(page):
    problems = pages.block_problems(page)
    assert not problems, "\n".join(problems)


def test_every_snippet_has_a_recorded_output():
    problems = pages.missing_outputs()
    assert not problems, "\n".join(problems)


def test_every_recorded_output_has_its_snippet():
    problems = pages.orphan_outputs()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", SHOWING_OUTPUTS, ids=layout.rel)
def test_built_page_shows_recorded_outputs_byte_for_byte(page, built_site):
    html = layout.built_page(built_site, page)
    shown = {code.get_text() for code in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select("pre code")}
    for output in pages.included_outputs(page):
        recorded = output.read_text(encoding="utf-8")
        assert recorded in shown or recorded.rstrip("\n") + "\n" in shown, (
            f"{layout.rel(html)} does not show {layout.rel(output)} byte for byte."
        )
