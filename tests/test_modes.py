"""The recap, practice and notes pages: answer keys agree, every problem is complete, and
cards and solutions behave in a real browser.

A practice problem is a level-2 heading "Problem N: ..." followed by:

* an option list, one item per option, each starting with a bold letter: ``- **A.** ...``;
* ``??? tip "Hint"``, ``??? success "Solution, step by step"`` (a numbered list of steps,
  ending with a line ``**Final answer: B**``) and ``??? warning "Common mistakes"``,
  all collapsed until the reader opens them.

The checks read the built HTML (BeautifulSoup), so they see exactly what a reader sees:
included snippets and recorded outputs are already in place.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from snipcheck import compare, layout
from snipcheck.site import nav_page, url_of, watched_page

# Found from the nav by title, so renaming a page (and its nav line) never breaks these tests.
PRACTICE = nav_page("Practice")
RECAP = nav_page("Recap cards")
NOTES = nav_page("Course notes")
MIN_PROBLEMS = 5

OPTION = re.compile(r"^([A-Z])\.$")
FINAL = re.compile(r"^Final answer:\s*(\S+)$")
# Sentences in a solution that name the right answer. "A and D are out" is not a claim.
CLAIMS = [
    re.compile(r"(?i:\banswer)(?:\s+is|\s*:)\s+\**\(?([A-Z])\)?(?!\w)"),
    re.compile(r"(?i:\b(?:option|choice))\s+\(?([A-Z])\)?\s+is\s+(?i:right|correct|the answer)"),
    re.compile(r"(?<![\w.])\(?([A-Z])\)?\s+is\s+(?i:right|correct|the (?:right )?answer)\b"),
]
# Sentences that rule options out: "A is out", "A and D are out", "B is wrong".
RULED_OUT = re.compile(
    r"((?:(?<![\w.])[A-Z](?:\s*,\s*|\s+and\s+))*(?<![\w.])[A-Z])\s+(?:is|are)\s+(?:out|wrong)\b"
)
FIX = {
    "options": 'list the options as "- **A.** ...", "- **B.** ...", one per line, in order',
    "hint": 'add a collapsed hint: ??? tip "Hint" with the hint indented below it',
    "solution": 'add a collapsed solution: ??? success "Solution, step by step"',
    "mistakes": 'add a collapsed block: ??? warning "Common mistakes" with a list',
}


def article(site: Path, page: str) -> Tag:
    soup = BeautifulSoup(layout.built_page(site, page).read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article")


def text(tag: Tag) -> str:
    """Visible text with runs of whitespace collapsed, code blocks left out."""
    tag = copy.copy(tag)
    for pre in tag.select("pre, .highlight"):
        pre.decompose()
    return re.sub(r"\s+", " ", tag.get_text(" ")).strip()


def sections(root: Tag) -> list[tuple[Tag, list[Tag]]]:
    """Each "Problem ..." level-2 heading with the elements up to the next level-2 heading."""
    found = []
    for h2 in root.find_all("h2"):
        if not h2.get_text().strip().lower().startswith("problem"):
            continue
        body = []
        for sibling in h2.find_next_siblings():
            if sibling.name == "h2":
                break
            body.append(sibling)
        found.append((h2, body))
    return found


def block(body: list[Tag], summary: str) -> Tag | None:
    """The <details> in a problem whose summary starts with ``summary``."""
    for el in body:
        if el.name == "details":
            shown = el.find("summary")
            if shown and shown.get_text().strip().lower().startswith(summary.lower()):
                return el
    return None


def options(body: list[Tag]) -> dict[str, str] | None:
    """{letter: text} from the problem's option list, or None when there is none."""
    for el in body:
        if el.name != "ul":
            continue
        items = el.find_all("li", recursive=False)
        letters = {}
        for li in items:
            first = li.find(True)
            m = OPTION.match(first.get_text().strip()) if first and first.name == "strong" else None
            if not m or not li.get_text().strip().startswith(first.get_text().strip()):
                break
            letters[m[1]] = re.sub(r"\s+", " ", li.get_text(" ").strip()[len(m[0]):]).strip()
        else:
            if items:
                return letters
    return None


def outputs(solution: Tag) -> list[str]:
    """The text of every code block titled "Output" inside the solution."""
    shown = []
    for box in solution.select(".highlight"):
        title = box.select_one(".filename")
        # hooks/recorded_with.py adds " · TensorFlow <version> · <platform>" to the title.
        if title and title.get_text().strip().split(" · ")[0] == "Output":
            shown.append(box.find("code").get_text())
    return shown


def check_practice(root: Tag, page: str = PRACTICE) -> list[str]:
    """Every problem on a practice page is complete and its answer key agrees with itself."""
    problems = []
    found = sections(root)
    if len(found) < MIN_PROBLEMS:
        problems.append(
            f"{page}: {len(found)} problems, at least {MIN_PROBLEMS} are needed. Add problems as "
            '"## Problem N: title {#problem-N}" sections.'
        )
    for h2, body in found:
        name = f"docs/{page} #{h2.get('id')} ({h2.get_text().strip().rstrip('¶').strip()})"
        opts = options(body)
        parts = {"hint": block(body, "hint"), "solution": block(body, "solution"),
                 "mistakes": block(body, "common mistakes")}
        if not opts:
            problems.append(f"{name}: no option list. Fix: {FIX['options']}.")
        elif list(opts) != [chr(ord("A") + i) for i in range(len(opts))] or len(opts) < 2:
            problems.append(f"{name}: options are {', '.join(opts)}. Fix: {FIX['options']}.")
        for part, tag in parts.items():
            if tag is None:
                problems.append(f"{name}: lacks a {part} block. Fix: {FIX[part]}.")
            elif tag.has_attr("open"):
                problems.append(
                    f"{name}: the {part} block is open before the reader asks. "
                    'Fix: start it with "???" instead of "???+".'
                )
        solution = parts["solution"]
        if solution is None:
            continue
        steps = solution.find("ol")
        if steps is None or len(steps.find_all("li", recursive=False)) < 2:
            problems.append(
                f"{name}: the solution is not step by step. Fix: write its steps as a numbered "
                "list (1. ..., 2. ...)."
            )
        finals = [m[1] for s in solution.find_all("strong") if (m := FINAL.match(s.get_text().strip()))]
        if len(finals) != 1:
            problems.append(
                f"{name}: the solution has {len(finals)} final answer lines, it needs exactly one. "
                'Fix: end the solution with a line "**Final answer: X**".'
            )
            continue
        key = finals[0]
        if opts and key not in opts:
            problems.append(
                f"{name}: the final answer is {key!r}, which is not an option "
                f"(options: {', '.join(opts)}). Fix the letter in \"**Final answer: {key}**\"."
            )
            continue
        prose = text(solution)
        for pattern in CLAIMS:
            for m in pattern.finditer(prose):
                if m[1] != key:
                    problems.append(
                        f"{name}: the solution says {m[0]!r}, but the final answer is {key}. "
                        f"Fix whichever of the two is wrong so both name the same option."
                    )
        for m in RULED_OUT.finditer(prose):
            if key in re.findall(r"[A-Z]", m[1]):
                problems.append(
                    f"{name}: the solution rules out {key} ({m[0]!r}), but {key} is the final "
                    "answer. Fix the step or the final answer so they agree."
                )
        if opts:
            problems += check_printed(name, opts, key, outputs(solution))
    return problems


def check_printed(name: str, opts: dict[str, str], key: str, shown: list[str]) -> list[str]:
    """A "what does this print?" key (a numeric option) must match the recorded output."""
    numbers = lambda s: compare.NUMBER.findall(s)  # noqa: E731
    if not numbers(opts[key]):
        return []
    if not shown:
        return [
            f"{name}: option {key} is a printed value, but the solution shows no recorded output. "
            'Fix: include the snippet\'s .out in the solution in a ```text title="Output" block.'
        ]
    printed = {n for out in shown for n in numbers(out)}
    problems = []
    if not set(numbers(opts[key])) <= printed:
        problems.append(
            f"{name}: the key {key} ({opts[key]!r}) is not what the snippet printed "
            f"(the recorded output shows {', '.join(sorted(printed))}). Fix the option's value or the "
            "final answer to match the recorded output; never edit a .out file by hand."
        )
    for letter, option in opts.items():
        if letter != key and numbers(option) and set(numbers(option)) <= printed:
            problems.append(
                f"{name}: option {letter} ({option!r}) also matches the recorded output, so two "
                "options are right. Fix: change that wrong option to a different value."
            )
    return problems


# --------------------------------------------------------------------------- the pages


def test_practice_problems_are_complete_and_keys_agree(built_site):
    problems = check_practice(article(built_site, PRACTICE))
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
    found = check_practice(practice)
    assert any(h2["id"] in p and f"answer is {wrong}" in p and "Fix" in p for p in found), found


def test_checker_catches_a_solution_that_rules_out_the_key(practice):
    h2, body = sections(practice)[0]
    solution = block(body, "solution")
    solution.find("ol").append(BeautifulSoup(f"<li><strong>{key_of(solution)}</strong> is out.</li>", "html.parser"))
    found = check_practice(practice)
    assert any(h2["id"] in p and "rules out" in p for p in found), found


def test_checker_catches_a_flipped_key(practice):
    h2, body = first_problem_with_output(practice)
    solution = block(body, "solution")
    wrong = "A" if key_of(solution) != "A" else "B"
    final_line(solution).string = f"Final answer: {wrong}"
    found = check_practice(practice)
    assert any(h2["id"] in p and f"the key {wrong}" in p and "not what the snippet printed" in p
               for p in found), found


def test_checker_catches_a_key_that_is_not_an_option(practice):
    h2, body = sections(practice)[1]
    final_line(block(body, "solution")).string = "Final answer: Z"
    found = check_practice(practice)
    assert any(h2["id"] in p and "'Z', which is not an option" in p for p in found), found


@pytest.mark.parametrize("part", ["hint", "solution", "common mistakes"])
def test_checker_catches_a_missing_part(practice, part):
    h2, body = sections(practice)[2]
    block(body, part).decompose()
    found = check_practice(practice)
    assert any(h2["id"] in p and "lacks a" in p and "Fix" in p for p in found), found


def test_checker_catches_an_option_that_also_matches_the_output(practice):
    h2, body = first_problem_with_output(practice)
    opts, key = options(body), key_of(block(body, "solution"))
    wrong = next(letter for letter in opts if letter != key)
    ul = next(el for el in body if el.name == "ul")
    item = ul.find_all("li", recursive=False)[ord(wrong) - ord("A")]
    item.clear()
    item.append(BeautifulSoup(f"<strong>{wrong}.</strong> {opts[key]}", "html.parser"))
    found = check_practice(practice)
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
