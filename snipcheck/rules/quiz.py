"""A quiz page's answer keys are provably right, read from the built HTML (BeautifulSoup).

For every ``<fieldset class="quiz">``:

* the options are one numbered list; exactly one is marked ``{ .correct }`` (single choice);
* the explanation starts with ``**Answer: X.**`` and X is the marked option's letter;
* the question has a ``<legend>`` and a unique id starting with ``q-``;
* (numbers typed in the question and the explanation are checked by ``snipcheck.rules.prose``,
  against that question's own code and output, like every page's prose);
* a "what does this code print?" question (``data-output="snippets/....out"``) shows code
  from the snippet beside that output, its marked option is that recorded output (numbers
  compared as ``snipcheck.compare`` compares them), and no other option is. So refreshing an
  output without fixing the key fails.

``quiz_problems`` returns every problem of one page, each naming the page, the question and
the fix (tests/test_content_quiz.py calls it on every quiz page, and tests/test_rules_quiz.py
breaks copies to prove that it fails).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from snipcheck import compare, layout
from snipcheck.layout import ROOT

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ANSWER = re.compile(r"^\s*Answer:\s*([A-Z])\b")


def text_without_code(node: Tag) -> str:
    """The text of a node without its code: numbers in code are the code's business."""
    node = copy.copy(node)
    for code in node.find_all(["code", "pre"]):
        code.decompose()
    return node.get_text(" ", strip=True)


def check_question(name: str, fieldset: Tag, root: Path) -> list[str]:
    problems: list[str] = []

    def problem(what: str, fix: str) -> None:
        problems.append(f"{name}: {what}\n    Fix: {fix}")

    lists = fieldset.find_all("ol", recursive=False)
    if len(lists) != 1 or len(lists[0].find_all("li", recursive=False)) < 2:
        problem(
            "the options must be one numbered list (1. 2. 3. ...) directly inside the fieldset.",
            "write the options as a Markdown numbered list after the question, one per line.",
        )
        return problems
    options = lists[0].find_all("li", recursive=False)
    for letter, option in zip(LETTERS, options):
        if "{" in option.get_text() and "correct" in option.get_text():
            problem(
                f"option {letter} shows the marker as text: {option.get_text(strip=True)!r}.",
                "put '{ .correct }' on its own line below the option, indented like its text.",
            )
    keyed = [letter for letter, option in zip(LETTERS, options) if "correct" in (option.get("class") or [])]
    if not keyed:
        problem(
            "no option is marked correct.",
            "add '{ .correct }' on its own line, indented, below the one right option.",
        )
    elif len(keyed) > 1:
        problem(
            f"options {', '.join(keyed)} are all marked correct; a question has exactly one right answer.",
            "keep '{ .correct }' below the one right option only, or reword the options so one is right.",
        )
    key = keyed[0] if len(keyed) == 1 else None

    details = fieldset.find("details", class_="quiz-answer", recursive=False)
    strong = details.find("strong") if details else None
    named = ANSWER.match(strong.get_text()) if strong else None
    if not named:
        problem(
            "the explanation does not name its answer.",
            'end the question with <details class="quiz-answer" markdown> whose text starts '
            'with "**Answer: X.**" (X the letter of the right option).',
        )
    elif key and named[1] != key:
        problem(
            f"the explanation says the answer is {named[1]}, but the key marks {key}.",
            "decide which is right (run the code if the question shows some), then move "
            "'{ .correct }' or change the explanation so that both name the same option.",
        )

    output_attr = fieldset.get("data-output")
    recorded_text = ""
    if output_attr:
        recorded = root / output_attr
        snippet = recorded.with_suffix(".py")
        snippet_name = Path(output_attr).with_suffix(".py").as_posix()
        if not output_attr.startswith("snippets/") or recorded.suffix != ".out" or not recorded.exists():
            problem(
                f"data-output={output_attr!r} is not a recorded output under snippets/.",
                "name the .out file beside the snippet the question shows, and record it with "
                f"nox -s outputs -- {Path(output_attr).with_suffix('.py')}.",
            )
        else:
            recorded_text = recorded.read_text(encoding="utf-8")
            code = [c.get_text().strip("\n") for c in fieldset.select("pre code")]
            source = layout.shown_code(snippet.read_text(encoding="utf-8")) if snippet.exists() else ""
            if not code or not all(block and block in source for block in code):
                problem(
                    f"the code shown is not from {snippet_name}, whose output "
                    f"data-output names.",
                    f'include that snippet (--8<-- "{snippet_name}") or point '
                    "data-output at the output of the snippet shown.",
                )
            for letter, option in zip(LETTERS, options):
                shown = [c.get_text() for c in option.find_all("code")]
                marked = "correct" in (option.get("class") or [])
                if letter == key and not any(compare.matches(snippet, s, one_line=True) for s in shown):
                    problem(
                        f"the key marks {letter} ({option.get_text(strip=True)!r}), but "
                        f"{output_attr} recorded {compare.normalise(recorded_text)!r}.",
                        "if the recorded output is right, make the right option show it as code "
                        "(or move '{ .correct }' to the option that does) and update the "
                        "explanation; if not, fix the snippet and refresh with "
                        f"nox -s outputs -- {snippet_name}.",
                    )
                if not marked and any(compare.matches(snippet, s, one_line=True) for s in shown):
                    problem(
                        f"option {letter} ({option.get_text(strip=True)!r}) is not marked correct, "
                        f"but it is what {output_attr} recorded.",
                        "move '{ .correct }' to that option, or change the option to a real "
                        "misconception that differs from the output.",
                    )
    elif fieldset.select("pre code") and "print" in text_without_code(fieldset.legend or fieldset).lower():
        problem(
            "the question asks what code prints, but the fieldset has no data-output.",
            'add data-output="snippets/<topic>/<name>.out" (the output of the snippet shown) '
            "so the key is checked against the recorded output.",
        )
    return problems


def quiz_problems(page: Path, html: str, root: Path = ROOT) -> list[str]:
    """Every problem in one page's quiz, each naming page, question and fix."""
    soup = BeautifulSoup(html, "html.parser")
    fieldsets = soup.select("fieldset.quiz")
    problems: list[str] = []
    if not fieldsets:
        return [f"{layout.rel(page)}: no quiz question found in the built page."]
    seen: set[str] = set()
    for number, fieldset in enumerate(fieldsets, start=1):
        legend = fieldset.find("legend", recursive=False)
        title = legend.get_text(" ", strip=True) if legend else ""
        qid = fieldset.get("id", "")
        name = f"{layout.rel(page)}, question {number} (#{qid or '?'} {title[:60]!r})"
        if legend is None or not title:
            problems.append(f"{name}: the question has no <legend>.\n    Fix: start it with "
                            "<legend markdown>The question?</legend>.")
        if not qid.startswith("q-") or qid in seen:
            problems.append(f"{name}: the id must be unique and start with 'q-' (saved progress "
                            "is kept by id).\n    Fix: give the fieldset a new id=\"q-...\".")
        seen.add(qid)
        problems += check_question(name, fieldset, root)
    return problems
