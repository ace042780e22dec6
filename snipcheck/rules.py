"""The static rules a page or a snippet must follow, checked without running anything.

Each function returns a list of problems; each problem names the file and the fix.

* every code block on a page is an inclusion from ``snippets/`` (Python of a runnable
  snippet, output of a ``.out``); only command and configuration fences may type text;
* every snippet has its recorded output, and every output its snippet;
* every output has an entry in its folder's ``recorded-with.json``, and every entry an output;
* a snippet that uses Keras or TensorFlow seeds itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from snipcheck.layout import INCLUDE, RECORDED_WITH, ROOT, SNIPPETS, discover, output_path, refresh_hint, rel

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
        try:
            entries = json.loads((folder / RECORDED_WITH).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        for output in sorted(folder.glob("*.out")):
            if output.name not in entries:
                problems.append(
                    f"{rel(output)} has no entry in {where}, so its page cannot say which "
                    f"TensorFlow recorded it. Record it with: {refresh_hint(rel(output.with_suffix('.py')))}"
                )
        for name in sorted(entries):
            if (folder / name).exists():
                continue
            snippet = (folder / name).with_suffix(".py")
            if snippet.exists():  # a deleted output: missing_outputs says how to record it
                continue
            problems.append(
                f"{where} has an entry for {name}, but {rel(folder / name)} and its snippet "
                f"do not exist. Run: nox -s outputs -- {rel(folder)} (it removes entries "
                "whose output is gone)."
            )
    return problems


def seed_problems(snippet: Path) -> list[str]:
    """Readers must get the same numbers at home: a snippet using Keras seeds itself."""
    source = Path(snippet).read_text(encoding="utf-8")
    if ("import keras" in source or "import tensorflow" in source) and "keras.utils.set_random_seed(" not in source:
        return [
            f"{rel(snippet)} uses Keras but never calls keras.utils.set_random_seed(...). "
            "Seed it near the top so readers get the recorded numbers."
        ]
    return []
