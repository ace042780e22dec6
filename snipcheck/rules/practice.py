"""A practice page's problems are complete and their answer keys agree, read from the built
HTML (BeautifulSoup), so the rules see exactly what a reader sees: included snippets and
recorded outputs are already in place.

A practice problem is a level-2 heading "Problem N: ..." followed by:

* an option list, one item per option, each starting with a bold letter: ``- **A.** ...``;
* ``??? tip "Hint"``, ``??? success "Solution, step by step"`` (a numbered list of steps,
  ending with a line ``**Final answer: B**``) and ``??? warning "Common mistakes"``,
  all collapsed until the reader opens them.

The solution names no other letter as the answer and does not rule the key out; a "what does
this print?" key (a numeric option) is what the solution's recorded output shows, and no other
option is. ``check_practice`` returns every problem of a page, each naming the problem and
the fix (tests/test_content_practice.py calls it, and tests/test_rules_practice.py breaks copies
to prove that it fails).
"""

from __future__ import annotations

import copy
import re

from bs4 import Tag

from snipcheck import compare

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


def check_practice(root: Tag, page: str) -> list[str]:
    """Every problem on a practice page is complete and its answer key agrees with itself.
    ``root`` is the page's built <article>; ``page`` its path under docs/, for the messages."""
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
