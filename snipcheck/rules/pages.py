"""What a page's source and the snippet folders beside it must hold, checked without
running anything.

Each function returns a list of problems; each problem names the file and the fix.

* every code block on a page is an inclusion from ``snippets/`` (Python of a runnable
  snippet, output of a ``.out``); only command and configuration fences may type text;
* every snippet has its recorded output, and every output its snippet;
* every output has an entry in its folder's ``recorded-with.json``, and every entry an output;
* a page holds no raw HTML that runs: no ``<script``, no ``on...=`` attribute, no
  ``javascript:`` link; and no mark that only hooks may emit, because the number check
  trusts it (``data-recorded``, the classes and elements in ``HOOK_MARKS``).

(A snippet that uses Keras seeds itself: ``snipcheck.rules.seeds``.)
"""

from __future__ import annotations

import re
from pathlib import Path

from snipcheck import numeric
from snipcheck.layout import (INCLUDE, NUMERIC_KEY, RECORDED_WITH, ROOT, SNIPPETS, Recording, discover, output_path,
                              read_notebook, refresh_hint, rel)

# Fences that may hold text typed on the page: commands and configuration, never Python.
FREE = {"bash", "sh", "shell", "console", "yaml", "toml", "markdown", "md", "mermaid"}
PYTHON = {"python", "py", "python3", "pycon"}


def blocks(page: Path):
    """(line, language, non-blank stripped lines) for every fenced block on a Markdown page."""
    from pytest_codeblocks import extract_from_file

    for block in extract_from_file(page):
        language = (block.syntax or "").split(" ")[0].strip("{}.").lower()
        lines = [line.strip() for line in block.code.splitlines() if line.strip()]
        yield block.lineno, language, lines


def _fix_for(language: str) -> str:
    if language in PYTHON:
        return (
            "Move the code into a runnable file under snippets/<topic>/ and include it with "
            '--8<-- "snippets/<topic>/<name>.py" (or a marked section: "<name>.py:<section>").'
        )
    return (
        'Output blocks must include a recorded output: --8<-- "snippets/<topic>/<name>.out". '
        "Record it with nox -s outputs."
    )


def block_problems(page: Path, root: Path = ROOT) -> list[str]:
    """Code and output blocks that are not inclusions of a runnable snippet or its output."""
    problems = []
    runnable = set(discover(root / "snippets"))
    for lineno, language, lines in blocks(page):
        if language in FREE:
            continue
        wanted = ".py" if language in PYTHON else ".out"
        where = f"{rel(page)}:{lineno}"
        for line in lines:
            m = INCLUDE.match(line)
            if not (m and m["path"]):
                problems.append(f"{where}: ```{language} block has inline content {line!r}. {_fix_for(language)}")
                break
            target = Path(m["path"])
            if target.parts[0] != "snippets" or target.suffix != wanted:
                problems.append(
                    f"{where}: ```{language} block includes {m['path']}; it must include a "
                    f"{wanted} file under snippets/. {_fix_for(language)}"
                )
            elif wanted == ".py" and (root / target).exists() and (root / target) not in runnable:
                # (a missing file is the build's to report, once, with a "did you mean")
                problems.append(
                    f"{where}: {m['path']} is not a runnable snippet (its name starts with '_'), "
                    "so the checks would not execute what this page shows."
                )
    return problems


def included_outputs(page: Path, root: Path = ROOT) -> list[Path]:
    """The recorded outputs a Markdown page shows in its blocks."""
    found = []
    for _, _, lines in blocks(page):
        for line in lines:
            m = INCLUDE.match(line)
            if m and m["path"] and m["path"].endswith(".out"):
                found.append(root / m["path"])
    return found


def missing_outputs(snippets: Path = SNIPPETS) -> list[str]:
    return [
        f"{rel(s)} has no recorded output. Record it with: {refresh_hint(rel(s))}"
        for s in discover(snippets) if not output_path(s).exists()
    ]


def orphan_outputs(snippets: Path = SNIPPETS) -> list[str]:
    return [
        f"{rel(o)} has no snippet beside it ({o.with_suffix('.py').name} is missing). "
        "Delete the output, or restore the snippet."
        for o in sorted(Path(snippets).rglob("*.out")) if not o.with_suffix(".py").exists()
    ]


def recorded_with_problems(snippets: Path = SNIPPETS) -> list[str]:
    """Every output without an entry in its folder's recorded-with.json, and every entry
    without an output."""
    problems = []
    snippets = Path(snippets)
    folders = sorted({p.parent for p in snippets.rglob("*.out")} | {p.parent for p in snippets.rglob(RECORDED_WITH)})
    for folder in folders:
        where = rel(folder / RECORDED_WITH)
        entries = Recording.entries(folder)
        portable = set(numeric.label(numeric.READER_LINE).split())
        for output in sorted(folder.glob("*.out")):
            hint = refresh_hint(rel(output.with_suffix(".py")))
            if output.name not in entries:
                problems.append(
                    f"{rel(output)} has no entry in {where}, so its page cannot say which "
                    f"TensorFlow recorded it. Record it with: {hint}"
                )
            elif not portable <= set(str(entries[output.name].get(NUMERIC_KEY, "")).split()):
                problems.append(
                    f"{rel(output)} was not recorded with the portable numeric settings "
                    f"({numeric.label(numeric.READER_LINE)}; {where} says: "
                    f"{entries[output.name].get(NUMERIC_KEY, 'nothing')}), so another CPU may print "
                    f"other numbers. Record it again with: {hint}"
                )
        for name in sorted(entries):
            if (folder / name).exists():
                continue
            snippet = (folder / name).with_suffix(".py")
            if snippet.exists():  # a deleted output: missing_outputs says how to record it
                continue
            problems.append(
                f"{where} has an entry for {name}, but {rel(folder / name)} and its snippet "
                f"do not exist. Run: {refresh_hint(rel(folder))} (it removes entries "
                "whose output is gone)."
            )
    return problems


# Raw HTML that runs in the reader's browser. Markdown may carry HTML (md_in_html, quiz
# legends), so a page could run code that no check executes; the site's Content Security
# Policy blocks it in the browser too (hooks/csp.py), and this rule names the page first.
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_SCHEME = re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.I)


# What the number check (snipcheck.rules.prose) trusts: an element that carries one of these was
# drawn by a hook from a recorded output (data-recorded, an <svg> figure), is a code block
# (highlight), or is navigation (the learning path, the Next step link, a heading's
# permalink), so the numbers inside count as shown, not typed. Only hooks and the theme
# emit them; typed into a page source, they would hide the page's numbers from the check.
HOOK_ATTRIBUTES = ("data-recorded",)
HOOK_CLASSES = ("highlight", "headerlink", "learning-path", "next-step")
HOOK_ELEMENTS = ("svg",)
HOOK_MARKS = (*HOOK_ATTRIBUTES, *HOOK_CLASSES, *HOOK_ELEMENTS)
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")  # Markdown's { .class key=value } on a block


def _page_text(page: Path) -> list[tuple[int, str]]:
    """(first line, text) of every part of a page that is rendered as Markdown or HTML:
    the page minus its fenced code and code spans (a notebook: its Markdown cells)."""
    page = Path(page)
    if page.suffix == ".ipynb":
        cells = read_notebook(page).get("cells", [])
        parts = [(0, "".join(c.get("source", ""))) for c in cells if c.get("cell_type") == "markdown"]
    else:
        parts = [(1, page.read_text(encoding="utf-8"))]
    cleaned = []
    for start, text in parts:
        blank = lambda m: "\n" * m.group().count("\n")  # noqa: E731 - keep line numbers
        cleaned.append((start, _CODE_SPAN.sub(blank, _FENCE.sub(blank, text))))
    return cleaned


def raw_html_problems(page: Path) -> list[str]:
    """Raw HTML on a page that would run code: a ``<script`` element, an ``on...=`` event
    attribute (``onload=``, ``onclick=``), or a ``javascript:`` link; and a mark only hooks
    may emit (``HOOK_MARKS``), as HTML or as Markdown's ``{ ... }`` attributes. Each problem
    names the page and the line."""
    from html.parser import HTMLParser

    problems: list[str] = []
    fix = ("Pages hold text, not code that runs: remove it. Interactive parts belong in "
           "docs/javascripts/ (listed under extra_javascript in mkdocs.yml).")
    trusted = ("Only the site's hooks mark what they draw from a recorded output; typed into a page "
               "it hides the numbers inside from the prose check. Remove it: show the number in a "
               "recorded output (nox -s outputs) and include that, or say it without the number.")

    class Finder(HTMLParser):
        def __init__(self, first: int):
            super().__init__(convert_charrefs=True)
            self.first = first  # (not "offset": HTMLParser keeps the column there)

        def where(self) -> str:
            return f"{rel(page)}:{self.first + self.getpos()[0] - 1}"

        def handle_starttag(self, tag, attrs):
            if tag == "script":
                problems.append(f"{self.where()}: a <script> element. {fix}")
            if tag in HOOK_ELEMENTS:
                problems.append(f"{self.where()}: an <{tag}> element typed into the page. {trusted}")
            for name, value in attrs:
                if name.startswith("on"):
                    problems.append(f"{self.where()}: an event attribute {name}= on <{tag}>. {fix}")
                elif value and _SCHEME.match(value.strip()):
                    problems.append(f"{self.where()}: a javascript: link in {name}= on <{tag}>. {fix}")
                if name in HOOK_ATTRIBUTES:
                    problems.append(f"{self.where()}: a {name} attribute on <{tag}>. {trusted}")
                for mark in set((value or "").split()) & set(HOOK_CLASSES) if name == "class" else ():
                    problems.append(f"{self.where()}: the class {mark} on <{tag}>. {trusted}")

        handle_startendtag = handle_starttag

    for start, text in _page_text(page):
        finder = Finder(start)
        finder.feed(text)
        finder.close()
        for number, line in enumerate(text.splitlines(), start):
            seen = any(f"{rel(page)}:{number}:" in p for p in problems)
            if _SCHEME.search(line) and not seen:
                problems.append(f"{rel(page)}:{number}: a javascript: link. {fix}")
            elif "<script" in line.lower() and not seen:
                problems.append(f"{rel(page)}:{number}: a <script> element. {fix}")
            for attributes in _ATTR_LIST.findall(line):
                names = {token.lstrip(".").split("=")[0] for token in attributes.split()}
                for mark in sorted(names & set(HOOK_ATTRIBUTES + HOOK_CLASSES)):
                    problems.append(f"{rel(page)}:{number}: {mark} in Markdown attributes {{{attributes.strip()}}}. "
                                    f"{trusted}")
            for mark in HOOK_ATTRIBUTES:  # however it got past the parsers above
                if mark in line.lower() and not any(f"{rel(page)}:{number}:" in p for p in problems):
                    problems.append(f"{rel(page)}:{number}: {mark} typed into the page. {trusted}")
    return problems
