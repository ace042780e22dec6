"""The inclusion grammar: how a page shows a snippet, a section of one, or its recorded output,
and how a snippet marks its sections and its settings."""

from __future__ import annotations

import re

SETTINGS = re.compile(r"^#\s*snipcheck:(.*)$", re.MULTILINE)

# A line that pymdownx.snippets reads as an inclusion: --8<-- "file", --8<-- "file:section",
# or a bare --8<-- line that opens or closes a block of inclusions. An escaped ";--8<--" line
# is text, not an inclusion.
INCLUDE = re.compile(
    r'^(?P<indent>[ \t]*)-+8<-+'
    r'(?:[ \t]+(?P<quote>["\'])(?P<path>[^"\':\n]*)(?::(?P<section>[^"\'\n]*))?(?P=quote))?[ \t]*$',
    re.MULTILINE,
)
# A section marker in a snippet: # --8<-- [start:name] ... # --8<-- [end:name]
SECTION = re.compile(r"-+8<-+[ \t]+\[[ \t]*(?P<kind>start|end)[ \t]*:[ \t]*(?P<name>[\w-]*)[ \t]*\]", re.IGNORECASE)
# An output block: a fence (any indent, ``` or ~~~) whose only line includes a recorded output.
OUTPUT_BLOCK = re.compile(
    r'^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n'
    r'(?P=indent)-+8<-+[ \t]+"(?P<path>snippets/[^"\n]+\.out)"[ \t]*\n'
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE,
)


def includes(text: str) -> list[re.Match]:
    """Every inclusion line in ``text`` that names a file."""
    return [m for m in INCLUDE.finditer(text) if m["path"]]


def sections(source: str) -> list[str]:
    """The names of the sections a snippet marks."""
    return [m["name"] for m in SECTION.finditer(source) if m["kind"].lower() == "start"]


def shown_code(source: str) -> str:
    """A snippet's source as a page shows it: section-marker lines removed."""
    return "\n".join(line for line in source.splitlines() if not SECTION.search(line))
