"""A notebook for every topic page that shows code: generated from the page, checked in a kernel.

``notebooks/<topic>/<page>.ipynb`` holds, in page order, every snippet the page includes,
each under the heading it sits under on the page (``snipcheck.layout.page_cells``), after a
short opening cell that names the page and the versions its outputs were recorded with, and
one code cell that sets the reader's numeric settings (``reader_line``) before TensorFlow is
imported. A snippet the page shows only in part (a section) is the whole file, once: a
section alone does not run. A cell carries its snippet's recorded output when the page shows
that output (a quiz question's does not: it is the answer).

* ``generate`` writes it, without running anything: code and outputs come from the snippets
  and their recordings, which ``nox -s outputs`` has just checked. A page whose snippets
  have a stale or missing recording is left as it was (its notebook then stays stale and is
  reported). The metadata stores the sha256 of every snippet, so the build, the preview and
  the checks see a stale notebook without running anything (``layout.stale_page_notebook``).
* ``check`` executes the stored notebook top to bottom in a fresh kernel, under the guards,
  the confinement and the numeric settings of every snippet (``snipcheck.notebooks.execute``),
  in an empty working folder, as a downloaded notebook runs. Each cell must print its
  snippet's recorded output within the usual tolerance. Each cell must also run alone: a cell
  that is its snippet ran alone already, as the snippet check runs every snippet in a fresh
  process (that run is taken, usually from the cache); any other cell is run alone in a fresh
  kernel. So a cell that needs a variable an earlier cell made fails, as does one whose output
  an earlier cell changes (a global setting, a random state); each message names the page,
  the cell and the snippet.

Command line: ``python -m snipcheck notebooks`` regenerates them with the notebook pages;
``nox -s outputs`` does it after every refresh.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from snipcheck.layout import (NOTEBOOK_META, READER_KEY, ROOT, Recording, atomic_write, digest, notebook_pages,
                              page_cells, page_notebook_path, refresh_hint, rel, settings, shown_code)

SETUP = "setup"  # cell metadata: {"snipcheck": {"setup": true}} or {"snipcheck": {"snippet": path}}
# The one cell that is no snippet: what every cell below needs from the kernel, and nothing a
# snippet could print differently alone (the checks run every cell alone too).
SETUP_CODE = """\
# Run this cell first. The outputs were recorded with these settings: set before
# TensorFlow is imported, they make your CPU print the same numbers.
import logging
import os

os.environ.update({settings!r})

# Each cell below is a whole program, and here they all run in one kernel. TensorFlow
# would then warn that it traces its training function again for each new model: true,
# and harmless. This drops that one warning, which no program prints on its own.
logging.getLogger("tensorflow").addFilter(lambda record: "tf.function retracing" not in record.getMessage())"""
SITE_URL = re.compile(r"^site_url:[ \t]*(\S+)", re.MULTILINE)


class PageNotebookError(Exception):
    """A page's notebook cannot be written; the message says why and what to run."""


def _title(text: str, page: Path) -> str:
    found = re.search(r"^# +(.+?)[ \t]*$", text, re.MULTILINE)
    return found[1] if found else page.stem


def _page_url(page: Path) -> str:
    """The page on the published site (site_url in mkdocs.yml, directory URLs)."""
    found = SITE_URL.search((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    base = found[1].rstrip("/") + "/" if found else ""
    relative = page.relative_to(ROOT / "docs").with_suffix("")
    path = relative.parent.as_posix() + "/" if relative.name == "index" else relative.as_posix() + "/"
    return base + path.lstrip("./")


def _versions(entries: list[dict]) -> str:
    lines = []
    for entry in entries:
        line = (f"TensorFlow {entry.get('tensorflow', '?')}, Keras {entry.get('keras', '?')} and Python "
                f"{entry.get('python', '?')} on {entry.get('platform', '?')}")
        if line not in lines:
            lines.append(line)
    return "; ".join(lines)


def build(page: Path):
    """The notebook of ``page`` as generation makes it now. Raises PageNotebookError when a
    snippet's recording is missing or stale (its output would not be what the code prints)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    page = Path(page).resolve()
    text = page.read_text(encoding="utf-8")
    cells = page_cells(text)
    name = rel(page)
    problems = []
    for cell in cells:
        recording = Recording.of(ROOT / cell.snippet)
        if not recording.exists() or recording.entry() is None:
            problems.append(f"{cell.snippet} has no recorded output. Run: {refresh_hint(cell.snippet)}")
        elif message := recording.stale(cell.snippet):
            problems.append(message)
    if problems:
        raise PageNotebookError(f"{rel(page_notebook_path(page))}: not generated, since\n  " + "\n  ".join(problems))
    entries = [Recording.of(ROOT / cell.snippet).entry() for cell in cells]
    reader = dict(pair.split("=", 1) for entry in entries[:1] for pair in str(entry.get(READER_KEY, "")).split())
    title = _title(text, page)
    nb = new_notebook()
    nb.cells.append(new_markdown_cell(
        f"# {title}\n\n"
        f"The code of the page [{title}]({_page_url(page)}) (`{name}`), as a notebook: each program "
        "the page shows, in page order, under the heading it sits under there. Each code cell is a "
        "whole program that runs on its own: after the first cell, run them in any order.\n\n"
        f"Verified with {_versions(entries)}: the outputs below are the ones the page shows, and "
        "the site's checks run this notebook top to bottom and compare every cell with them. "
        "Generated by `nox -s outputs` from the page and its snippets; edit those, not this file."))
    nb.cells.append(new_code_cell(SETUP_CODE.format(settings=reader), metadata={"snipcheck": {SETUP: True}}))
    shown: tuple = ()
    for cell in cells:
        headings = [h for h in cell.headings if h[0] > 1]
        common = 0
        while common < min(len(headings), len(shown)) and headings[common] == shown[common]:
            common += 1
        if headings[common:]:
            nb.cells.append(new_markdown_cell("\n\n".join(f"{'#' * level} {words}"
                                                          for level, words in headings[common:])))
        shown = tuple(headings)
        snippet = ROOT / cell.snippet
        code = new_code_cell(shown_code(snippet.read_text(encoding="utf-8")).strip("\n"),
                             metadata={"snipcheck": {"snippet": cell.snippet}})
        if cell.shows_output:
            code.outputs = [new_output("stream", name="stdout", text=Recording.of(snippet).text())]
        nb.cells.append(code)
    number = 0
    for index, cell in enumerate(nb.cells, start=1):
        cell["id"] = f"cell-{index}"  # stable ids: regenerating does not churn the file
        if cell.cell_type == "code":
            number += 1
            cell["execution_count"] = number if cell.outputs else None
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata[NOTEBOOK_META] = {"page": name, "sources": [[c.snippet, digest(ROOT / c.snippet)] for c in cells]}
    nbformat.validate(nb)
    return nb


def render(page: Path) -> str:
    import nbformat

    text = nbformat.writes(build(page))
    return text if text.endswith("\n") else text + "\n"


def generate(page: Path) -> str:
    """Write the page's notebook; 'unchanged' or 'updated'. Raises PageNotebookError."""
    notebook = page_notebook_path(Path(page).resolve())
    text = render(page)
    if notebook.exists() and notebook.read_text(encoding="utf-8") == text:
        return "unchanged"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(notebook, text)
    return "updated"


def generate_all(snippets=None, echo=print) -> int:
    """The notebook of every page that includes one of ``snippets`` (every page when None),
    written when it changed; with None, a notebook that no page makes any more is deleted.
    A page whose other snippets have a stale recording is left as it was ("kept": the checks
    then report it). Returns the number of notebooks kept."""
    kept = 0
    made = notebook_pages()
    wanted = None if snippets is None else {Path(s).resolve() for s in snippets}
    for page, notebook in made.items():
        if wanted is not None and not wanted & {(ROOT / c.snippet).resolve() for c in
                                                page_cells(page.read_text(encoding="utf-8"))}:
            continue
        try:
            status = generate(page)
        except PageNotebookError as exc:
            kept += 1
            echo(f"kept      {exc}")
            continue
        echo(f"{status:9} {rel(notebook)}")
    folder = ROOT / "notebooks"
    for orphan in sorted(folder.rglob("*.ipynb")) if snippets is None and folder.is_dir() else []:
        if orphan not in made.values():
            orphan.unlink()
            echo(f"deleted   {rel(orphan)} (no page makes it any more)")
    return kept


# --------------------------------------------------------------------------- checking


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def printed(cell) -> str:
    """What a code cell printed: its stdout streams."""
    return "".join(_text(o.get("text", "")) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def _code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def describe(page: Path, nb, index: int) -> str:
    """'docs/t/index.md, notebook cell 4 (snippets/t/x.py), which starts `...`'."""
    cell = nb.cells[index]
    number = _code_cells(nb).index(cell) + 1
    snippet = (cell.metadata.get("snipcheck") or {}).get("snippet")
    first = next((ln for ln in _text(cell.source).splitlines() if ln.strip() and not ln.startswith("#")), "")
    what = f" ({snippet})" if snippet else " (the settings cell)"
    return f"{rel(page)}, notebook cell {number}{what}, which starts `{first.strip()}`"


def _run(page: Path, nb, cwd: Path):
    from snipcheck import notebooks

    timeout = max([settings(ROOT / s)["timeout"] for s in _snippets(nb)] or [120.0])
    return notebooks.execute(page, timeout=timeout, nb=nb, cwd=cwd,
                             describe=lambda nb, index: describe(page, nb, index))


def _snippets(nb) -> list[str]:
    return [s for cell in _code_cells(nb) if (s := (cell.metadata.get("snipcheck") or {}).get("snippet"))]


def check(page: Path, alone: dict, notebook: Path | None = None) -> list[str]:
    """Every problem of the page's stored notebook, each naming the page, the cell and the
    snippet: it does not run top to bottom in a fresh kernel, a cell prints something else
    than its snippet's recorded output, or a cell does not run alone. ``alone`` maps a
    snippet (absolute path) to its own run (``snipcheck.run.Result``); ``notebook``: another
    copy of the page's notebook to check (the self-tests break one)."""
    import nbformat

    from snipcheck import notebooks
    from snipcheck.compare import mismatch

    page = Path(page).resolve()
    notebook = Path(notebook) if notebook else page_notebook_path(page)
    fix = f"Keep each snippet independent of the others (see the guide), then run: {refresh_hint(rel(page))}"
    stored = nbformat.read(str(notebook), as_version=4)
    problems = []
    with tempfile.TemporaryDirectory(prefix="snipcheck-page-notebook-") as folder:
        try:
            ran = _run(page, nbformat.from_dict(stored), Path(folder))
        except notebooks.NotebookError as exc:
            return [f"{rel(notebook)} does not run top to bottom in a fresh kernel:\n{exc}"]
    for index, cell in enumerate(ran.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("snipcheck") or {}
        where = describe(page, ran, index)
        if meta.get(SETUP):
            if printed(cell):
                problems.append(f"{where}: printed {printed(cell)!r}; the settings cell prints nothing.")
            continue
        snippet = ROOT / meta.get("snippet", "")
        if not snippet.is_file():
            problems.append(f"{where}: names no snippet that exists. Run: {refresh_hint(rel(page))}")
            continue
        own = alone.get(snippet)
        is_snippet = _text(cell.source) == shown_code(snippet.read_text(encoding="utf-8")).strip("\n")
        if not is_snippet:
            own = _alone(page, ran, index)
        if isinstance(own, str):  # run alone in a fresh kernel, it failed
            problems.append(f"{where}, depends on state left by an earlier cell: in the notebook it "
                            f"runs, but alone in a fresh kernel it fails:\n{own}\n{fix}")
            continue
        if own is not None and not own.ok:
            problems.append(f"{where}, depends on state left by an earlier cell: in the notebook it "
                            f"runs, but {rel(snippet)} alone fails:\n{own.explain()}\n{fix}")
            continue
        message = mismatch(snippet, printed(cell), shown_by=f"{where} (run after the cells above it)")
        if message:
            problems.append(f"{where}, prints something else in the notebook than alone (its recorded "
                            f"output): a cell above it changed a state it depends on (a global "
                            f"setting, a random state, a variable).\n{message}\n{fix}")
    return problems


def _alone(page: Path, nb, index: int):
    """A cell that is not its snippet, run alone (after the settings cell) in a fresh kernel:
    None when it runs, else the message."""
    import nbformat

    from snipcheck import notebooks

    single = nbformat.from_dict(nb)
    keep = [c for c in single.cells if (c.metadata.get("snipcheck") or {}).get(SETUP)] + [single.cells[index]]
    single.cells = [nbformat.from_dict({**c, "outputs": []}) for c in keep]
    with tempfile.TemporaryDirectory(prefix="snipcheck-page-notebook-") as folder:
        try:
            _run(page, single, Path(folder))
        except notebooks.NotebookError as exc:
            return str(exc)
    return None


def main(snippets=None, echo=print) -> int:
    kept = generate_all(snippets, echo)
    if kept:
        echo(f"{kept} page notebook(s) left as they were: refresh the outputs named above.")
    return 1 if kept else 0
