"""MkDocs hook: the Glossary page, made from the one glossary file.

includes/abbreviations.md defines each term once, as ``*[term]: meaning`` (the syntax of
Python-Markdown's abbreviations). pymdownx.snippets appends it to every page (auto_append in
mkdocs.yml), so a term shows its meaning as a tooltip wherever it appears. On a page holding
the line ``<!-- glossary -->`` this hook writes the same terms as a definition list; forms
of one term with the same meaning (weight, weights) are listed together.

The marker is not a ``:figure:`` line (hooks/figures.py): every figure line names the
recorded output it draws from, and what it draws is marked ``data-recorded`` (a run's words,
which snipcheck/rules/prose.py does not read as prose). The glossary draws from no output: its words
are written by hand, and must not carry that mark.

A line of the file that is neither a comment nor a definition fails the build, naming the
file, the line and the form to use; a page that shows the glossary while the file is missing
fails it naming the page (``snipcheck.layout.page_source``). Only the standard library, MkDocs
and ``snipcheck.layout`` are used.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from snipcheck.layout import find_included, page_source

GLOSSARY = "includes/abbreviations.md"
MARKER = "<!-- glossary -->"
DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:[ \t]*(?P<meaning>\S.*)$")


def terms(path: Path) -> dict[str, list[str]]:
    """meaning -> its terms, in file order."""
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m[0].count("\n"), path.read_text(encoding="utf-8"), flags=re.S)
    found: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = DEFINITION.match(line)
        if not match:
            raise PluginError(f"{GLOSSARY}, line {number}: {line.strip()!r} is not a definition. "
                              "Write each term as: *[term]: what it means")
        found.setdefault(match["meaning"].strip(), []).append(match["term"].strip())
    return found


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    path = find_included(GLOSSARY, config)  # where pymdownx.snippets finds it
    if path is None:
        raise PluginError(f"{page_source(config, page.file.src_uri)} shows the glossary, but {GLOSSARY} is missing.")
    entries = sorted(terms(path).items(), key=lambda item: item[1][0].lower())
    listing = "\n\n".join(f"**{', '.join(names)}**\n:   {meaning}" for meaning, names in entries)
    return markdown.replace(MARKER, listing)
