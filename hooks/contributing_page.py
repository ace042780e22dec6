"""MkDocs hook: the site's "Contribute" page shows CONTRIBUTING.md, with its examples kept literal.

The guide has one source, CONTRIBUTING.md at the repository root (GitHub shows it beside every
pull request). docs/contributing.md includes it with one line, ``--8<-- "CONTRIBUTING.md"``.

pymdownx.snippets cannot include that file as it is: the guide's examples are inclusion lines
and section markers, which it would execute (reading, or dropping, the very lines the guide
shows). So this hook replaces that one line with the file's text in which every such example is
escaped with a leading ``;``, which pymdownx.snippets turns back into the literal line. The guide
on GitHub and on the site read the same, with no escape characters in the source.

Only the standard library, MkDocs and ``snipcheck.layout`` (the inclusion grammar) are used.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from snipcheck.layout import INCLUDE, SECTION, find_included, page_source

GUIDE = "CONTRIBUTING.md"
# The one line of docs/contributing.md that includes the guide.
INCLUDE_GUIDE = re.compile(r'^[ \t]*-+8<-+[ \t]+"CONTRIBUTING\.md"[ \t]*$', re.MULTILINE)
# Where to put the escape ";" before a section marker (one per line; an escaped one stays).
BEFORE_SECTION = re.compile(r"(?<![;-])(?=" + SECTION.pattern + ")", re.IGNORECASE)


def escape(text: str) -> str:
    """The guide's text with every inclusion and section marker shown, not executed."""
    lines = []
    for line in text.splitlines():
        found = INCLUDE.match(line)
        if found:
            line = found["indent"] + ";" + line[len(found["indent"]):]
        else:
            # pymdownx.snippets reads one marker per line: escaping the first keeps the line.
            line = BEFORE_SECTION.sub(";", line, count=1)
        lines.append(line)
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown, page, config, files):
    if not INCLUDE_GUIDE.search(markdown):
        return markdown
    guide = find_included(GUIDE, config)
    if guide is None:
        raise PluginError(f"{page_source(config, page.file.src_uri)} includes {GUIDE}, which is missing at the "
                          "repository root. Restore it (git checkout -- CONTRIBUTING.md).")
    text = escape(guide.read_text(encoding="utf-8"))
    return INCLUDE_GUIDE.sub(lambda _: text, markdown)
