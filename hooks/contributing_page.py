"""MkDocs hook: the site's "Contribute" page shows CONTRIBUTING.md, with its examples kept literal.

The guide has one source, CONTRIBUTING.md at the repository root (GitHub shows it beside every
pull request). docs/contributing.md includes it with one line, ``--8<-- "CONTRIBUTING.md"``.

pymdownx.snippets cannot include that file as it is: the guide's examples are inclusion lines
and section markers, which it would execute (reading, or dropping, the very lines the guide
shows). So this hook replaces that one line with the file's text in which every such example is
escaped with a leading ``;``, which pymdownx.snippets turns back into the literal line. The guide
on GitHub and on the site read the same, with no escape characters in the source.

Only the standard library and MkDocs are used.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

GUIDE = "CONTRIBUTING.md"
INCLUDE_GUIDE = re.compile(r'^[ \t]*-+8<-+[ \t]+"CONTRIBUTING\.md"[ \t]*$', re.MULTILINE)
# A line that pymdownx.snippets reads as an inclusion: --8<-- "file" (or a bare --8<-- block line).
INCLUSION = re.compile(r'^(?P<indent>[ \t]*)(?=-+8<-+(?:[ \t]+(?:"[^"\n]*"|\'[^\'\n]*\'))?$)')
# A section marker anywhere in a line: --8<-- [start:name] or [end:name].
SECTION = re.compile(r"(?<![;-])(?=-+8<-+[ \t]+\[[ \t]*(?:start|end)[ \t]*:)", re.IGNORECASE)


def escape(text: str) -> str:
    """The guide's text with every inclusion and section marker shown, not executed."""
    lines = []
    for line in text.splitlines():
        if INCLUSION.match(line):
            line = INCLUSION.sub(r"\g<indent>;", line, count=1)
        else:
            # pymdownx.snippets reads one marker per line: escaping the first keeps the line.
            line = SECTION.sub(";", line, count=1)
        lines.append(line)
    return "\n".join(lines) + "\n"


def base_paths(config) -> list[Path]:
    """Where pymdownx.snippets looks for included files (relative to the working directory)."""
    options = (config.get("mdx_configs") or {}).get("pymdownx.snippets") or {}
    bases = options.get("base_path", ["."])
    return [Path(b) for b in ([bases] if isinstance(bases, str) else bases)]


def on_page_markdown(markdown, page, config, files):
    if not INCLUDE_GUIDE.search(markdown):
        return markdown
    guide = next((base / GUIDE for base in base_paths(config) if (base / GUIDE).is_file()), None)
    if guide is None:
        raise PluginError(f"docs/{page.file.src_uri} includes {GUIDE}, which is missing at the "
                          "repository root. Restore it (git checkout -- CONTRIBUTING.md).")
    text = escape(guide.read_text(encoding="utf-8"))
    return INCLUDE_GUIDE.sub(lambda _: text, markdown)
