"""MkDocs hook: every recorded output on the site says which TensorFlow and platform made it.

``nox -s outputs`` (``python -m snipcheck refresh``) writes ``snippets/<topic>/recorded-with.json``
beside the outputs: for each output file, the TensorFlow, Keras and Python versions and the
platform of the run that recorded or confirmed it, and its numeric settings
(``snipcheck.numeric``). For every output block on a page, a fence whose only line is an
inclusion of ``snippets/<topic>/<name>.out``, this hook adds that version line to the
block's title::

    ```text title="Output"  ->  ```text title="Output · TensorFlow 2.21.0 · Linux x86_64 · oneDNN off"

so a reader with another version knows why their numbers may differ. A page that shows
outputs ends with one "Why your numbers may differ" note: what they were recorded with, the
settings that make a reader's CPU print the same (the entry's ``reader_line``), and a link to
the guide's section on it. An output block whose
file is missing, or has no entry in its folder's recorded-with.json, fails the build with the
page, the output file and the command that fixes it.

A snippet whose source changed since its output was recorded (the sha256 that
``nox -s outputs`` stores in the output's entry, ``snipcheck.layout.Recording.stale``) fails the
strict build with the command that refreshes it. In the live preview (``nox -s serve``) the
page shows a "stale output" banner instead, so the preview keeps working while you edit.

It also checks every code inclusion (``--8<-- "snippets/<topic>/<name>.py"`` or
``"....py:section"``) before pymdownx.snippets reads it, so a wrong path or section name fails
the build with the page, what is missing and how to fix it, instead of a traceback.

Only the standard library, MkDocs and ``snipcheck.layout`` (the one home of the inclusion grammar)
are used: the docs build never imports TensorFlow.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from mkdocs.exceptions import PluginError

from snipcheck.layout import (
    NUMERIC_KEY,
    OUTPUT_BLOCK,
    READER_KEY,
    RECORDED_WITH,
    Recording,
    base_paths,
    did_you_mean,
    find_included,
    includes,
    page_source,
    previewing,
    refresh_hint,
    sections,
)

SEPARATOR = " · "
TITLE = re.compile(r'\btitle="(?P<title>[^"]*)"')


ONEDNN = "TF_ENABLE_ONEDNN_OPTS"
GUIDE_SECTION = "contributing.md#why-a-number-differs-on-my-machine"


def numeric_setting(entry: dict, name: str) -> str | None:
    """The value of one numeric setting (``snipcheck.numeric``) an entry was recorded with."""
    for pair in str(entry.get(NUMERIC_KEY, "")).split():
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return None


def version_line(entry: dict) -> str:
    """'TensorFlow 2.21.0 · Linux x86_64 · oneDNN off' from one recorded-with.json entry."""
    tensorflow = entry.get("tensorflow", "not installed")
    made_by = f"TensorFlow {tensorflow}" if tensorflow != "not installed" else f"Python {entry.get('python', '?')}"
    onednn = {"0": "oneDNN off", "1": "oneDNN on"}.get(numeric_setting(entry, ONEDNN) or "", "")
    return SEPARATOR.join(part for part in (made_by, entry.get("platform", ""), onednn) if part)


def numbers_note(entry: dict, output: str, page_uri: str) -> str:
    """The page's one note on what its outputs were recorded with and what a reader running
    the code elsewhere should expect, drawn from the first output's entry (so it carries
    ``data-recorded``: its words state no result of their own)."""
    guide = "../" * page_uri.count("/") + GUIDE_SECTION
    settings = " and ".join(f"`{pair}`" for pair in str(entry.get(READER_KEY, "")).split())
    match = (f"To see these numbers on your CPU, set {settings} in the environment before "
             "TensorFlow is imported." if settings else "")
    return (
        f'\n<details class="info numbers-note" data-recorded="{output}" markdown>\n'
        "<summary>Why your numbers may differ</summary>\n\n"
        f"The outputs on this page were printed by their code, on a CPU, with "
        f"{version_line(entry).replace(SEPARATOR, ', ')}. {match}\n\n"
        "On another TensorFlow version, on a GPU or in Colab, the last digits may differ, "
        f"and training can make a small difference grow. [Why a number differs]({guide})\n\n"
        "</details>\n"
    )


def existing(config, suffix: str) -> list[str]:
    """Every file under snippets/ with this suffix, named as pages name them."""
    found = set()
    for base in base_paths(config):
        found.update(p.relative_to(base).as_posix() for p in (base / "snippets").rglob(f"*{suffix}"))
    return sorted(found)


def banner(stale: list[str]) -> str:
    """The preview's warning at the top of a page that shows a stale output: one line per
    snippet (as the page names it) whose source changed since its output was recorded."""
    lines = ['!!! danger "Stale output"']
    for name in stale:
        lines += [f"    stale output: run `{refresh_hint(name)}`. {name} changed since its output "
                  "was recorded, so the output shown may not be what it prints now.", ""]
    return "\n".join(lines) + "\n"


def with_banner(markdown: str, text: str) -> str:
    """``text`` just below the page's first heading (or at the top)."""
    heading = re.search(r"^# .*\n", markdown, re.MULTILINE)
    at = heading.end() if heading else 0
    return markdown[:at] + "\n" + text + "\n" + markdown[at:]


def retitle(info: str, line: str) -> str:
    """The fence's info string with the version line added to its title."""
    if TITLE.search(info):
        return TITLE.sub(lambda m: f'title="{m["title"]}{SEPARATOR}{line}"', info, count=1)
    return f'{info.rstrip()} title="Output{SEPARATOR}{line}"'


def on_page_markdown(markdown, page, config, files):
    page_name = page_source(config, page.file.src_uri)
    problems: list[str] = []
    stale: dict[str, str] = {}
    first: dict = {}  # the page's first output: its entry and path

    def check_stale(path: str) -> None:
        """``path``: a snippet as the page names it."""
        snippet = find_included(path, config)
        message = Recording.of(snippet).stale(path) if snippet else None
        if message:
            stale[path] = message

    def add_version(match: re.Match) -> str:
        path = match["path"]
        snippet = Recording(PurePosixPath(path)).snippet.as_posix()
        fix = f"Record it with: {refresh_hint(snippet)}"
        output = find_included(path, config)
        if output is None:
            if find_included(snippet, config) is None:
                fix = "Fix the path." + (did_you_mean(path, existing(config, ".out")) or f" {fix}")
            problems.append(f"{page_name} shows {path}, which does not exist. {fix}")
            return match.group(0)
        entry = Recording(output).entry()
        if entry is None:
            folder = PurePosixPath(path).parent
            problems.append(
                f"{page_name} shows {path}, but {folder}/{RECORDED_WITH} has no entry for "
                f"{output.name}, so the page cannot say which TensorFlow recorded it. {fix}"
            )
            return match.group(0)
        check_stale(snippet)
        head = f'{match["indent"]}{match["fence"]}{retitle(match["info"], version_line(entry))}'
        first.setdefault("entry", (entry, path))
        return head + match.group(0)[match.end("info") - match.start(0):]

    for match in includes(markdown):
        path, section = match["path"], match["section"]
        if not (path.startswith("snippets/") and path.endswith(".py")):
            continue
        snippet = find_included(path, config)
        folder = PurePosixPath(path).parent
        if snippet is None:
            topic = folder.name
            name = PurePosixPath(path).stem
            guess = did_you_mean(path, existing(config, ".py"))
            problems.append(
                f"{page_name} includes {path}, which does not exist."
                + (guess or f" Fix the path, or create the snippet with: nox -s new -- {topic}/{name}")
            )
            continue
        check_stale(path)
        if section:
            marked = sections(snippet.read_text(encoding="utf-8"))
            if section not in marked:
                problems.append(
                    f"{page_name} includes the section '{section}' of {path}, which has no such "
                    f"section (it has: {', '.join(marked) or 'none'}). Fix the name, or mark the "
                    f"lines in the snippet with '# --8<-- [start:{section}]' and "
                    f"'# --8<-- [end:{section}]'."
                )
    markdown = OUTPUT_BLOCK.sub(add_version, markdown)
    if first:  # one note per page that shows outputs, at its end
        markdown = markdown.rstrip("\n") + "\n\n" + numbers_note(*first["entry"], page.file.src_uri)
    if stale and previewing():
        markdown = with_banner(markdown, banner(list(stale)))
    elif stale:
        problems += [f"{page_name} shows a {message}" for message in stale.values()]
    if problems:
        raise PluginError("\n".join(problems))
    return markdown
