"""Pages show code and output only by inclusion from snippets/, and the two stay paired."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_codeblocks import extract_from_file

from tests import snipcheck

ROOT, DOCS, SNIPPETS = snipcheck.ROOT, snipcheck.DOCS, snipcheck.SNIPPETS
PAGES = sorted(DOCS.rglob("*.md"))
# --8<-- "snippets/topic/file.py" or "snippets/topic/file.py:section"
INCLUDE = re.compile(r'^-+8<-+\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"$')
# Fences that may hold text typed on the page: commands and configuration, never Python.
FREE = {"bash", "sh", "shell", "console", "yaml", "toml", "markdown", "md", "mermaid"}


def blocks(page: Path):
    for block in extract_from_file(page):
        language = (block.syntax or "").split(" ")[0].strip("{}.").lower()
        lines = [line.strip() for line in block.code.splitlines() if line.strip()]
        yield block.lineno, language, lines


def fix_for(language: str) -> str:
    if language in {"python", "py", "python3", "pycon"}:
        return (
            "Move the code into a runnable file under snippets/<topic>/ and include it with "
            '--8<-- "snippets/<topic>/<name>.py" (or a marked section: "<name>.py:<section>").'
        )
    return (
        'Output blocks must include a recorded output: --8<-- "snippets/<topic>/<name>.out". '
        "Record it with nox -s outputs."
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: snipcheck.rel(p))
def test_code_and_output_blocks_are_inclusions(page):
    problems = []
    for lineno, language, lines in blocks(page):
        if language in FREE:
            continue
        wanted = ".py" if language in {"python", "py", "python3", "pycon"} else ".out"
        where = f"{snipcheck.rel(page)}:{lineno}"
        for line in lines:
            m = INCLUDE.match(line)
            if not m:
                problems.append(f"{where}: ```{language} block has inline content {line!r}. {fix_for(language)}")
                break
            target = Path(m["path"])
            if target.parts[0] != "snippets" or target.suffix != wanted:
                problems.append(
                    f"{where}: ```{language} block includes {m['path']}; it must include a "
                    f"{wanted} file under snippets/. {fix_for(language)}"
                )
            elif wanted == ".py" and (ROOT / target) not in snipcheck.discover():
                problems.append(
                    f"{where}: {m['path']} is not a runnable snippet (missing, or its name starts "
                    "with '_'), so the checks would not execute what this page shows."
                )
    assert not problems, "\n".join(problems)


def test_every_snippet_has_a_recorded_output():
    missing = [s for s in snipcheck.discover() if not snipcheck.output_path(s).exists()]
    assert not missing, "\n".join(
        f"{snipcheck.rel(s)} has no recorded output. Record it with: nox -s outputs -- {snipcheck.rel(s)}"
        for s in missing
    )


def test_every_recorded_output_has_its_snippet():
    orphans = [o for o in sorted(SNIPPETS.rglob("*.out")) if not o.with_suffix(".py").exists()]
    assert not orphans, "\n".join(
        f"{snipcheck.rel(o)} has no snippet beside it ({o.with_suffix('.py').name} is missing). "
        "Delete the output, or restore the snippet."
        for o in orphans
    )


def included_outputs(page: Path) -> list[Path]:
    found = []
    for _, _, lines in blocks(page):
        for line in lines:
            m = INCLUDE.match(line)
            if m and m["path"].endswith(".out"):
                found.append(ROOT / m["path"])
    return found


@pytest.mark.parametrize(
    "page", [p for p in PAGES if included_outputs(p)], ids=lambda p: snipcheck.rel(p)
)
def test_built_page_shows_recorded_outputs_byte_for_byte(page, built_site):
    html = built_site / page.relative_to(DOCS).with_suffix("") / "index.html"
    if page.name == "index.md":
        html = built_site / page.relative_to(DOCS).parent / "index.html"
    shown = {code.get_text() for code in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select("pre code")}
    for output in included_outputs(page):
        recorded = output.read_text(encoding="utf-8")
        assert recorded in shown or recorded.rstrip("\n") + "\n" in shown, (
            f"{snipcheck.rel(html)} does not show {snipcheck.rel(output)} byte for byte."
        )
