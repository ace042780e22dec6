"""Turn jupytext sources in snippets/ into executed notebooks in docs/.

A notebook page has one source of truth: a jupytext percent-format script under
``snippets/`` (``# %%`` code cells, ``# %% [markdown]`` cells). That script is also an
ordinary snippet, so ``python -m snipcheck check`` runs it and compares its stdout with its ``.out``.
This module executes the same script as a notebook, in a Python kernel from this
environment, and writes the result, outputs and figures included, to ``docs/``. The
notebook's metadata records a hash of the source, so the checks can tell a stale notebook.

* the kernel runs under the same guards as every snippet: the audit hooks of
  ``snipcheck.guards``, and the namespaces of ``snipcheck.confinement`` (no network, the
  repository read-only, a PID namespace that ends with the kernel, so no process it started
  outlives it). It talks to this process over Unix sockets, since it has no network. A
  network attempt, a change to the repository, a fork or a Python warning fails generation
  with the snippet's message, from Python code, C++ code or a subprocess alike;
* a cell that raises fails generation, naming the cell and its line in the source;
* so does a cell that writes to stderr (readers would see it);
* the old notebook is replaced only after a clean run (temp file, then rename);
* a notebook whose hash matches its source and whose text outputs still match the
  recorded ``.out`` is left byte-identical (pass ``--force`` to re-run it anyway);
* a notebook whose code cells are those of its source (only Markdown cells changed) and
  whose text outputs still match the recorded ``.out`` is not executed again: its Markdown
  cells are patched from the source, in a second or two instead of a full run.

``python -m snipcheck refresh`` (``nox -s outputs``) generates the notebook of a notebook
source and takes that source's recorded output from the same run, so the experiment runs
once per refresh, not twice.

It then writes the notebook of each page that shows code (``snipcheck.page_notebooks``).

Command line (to regenerate a notebook by hand, ``--force`` even when it is up to date)::

    python -m snipcheck notebooks [--force] [SNIPPET ...]
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from snipcheck import confinement
from snipcheck.compare import matches
from snipcheck.guards import namespace_refusals
from snipcheck.layout import (NOTEBOOK_META as META, ROOT, SnippetError, atomic_write, notebook_path, preset_env,
                              refresh_hint, rel, settings, snippets_named)
from snipcheck.layout import source_digest as source_hash
from snipcheck.status import Status

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookError(Exception):
    """Generation failed; the message names the notebook cell and what to do."""


# --------------------------------------------------------------------------- reading


def stored_hash(notebook) -> str | None:
    """The source hash recorded in a notebook (a path or a loaded notebook)."""
    nb = _load(notebook)
    return (nb.get("metadata", {}).get(META) or {}).get("sha256")


def text_output(notebook) -> str:
    """What the script prints, as the notebook holds it: stdout streams, plus the
    Markdown a cell displays (the script prints that same text), in cell order."""
    nb = _load(notebook)
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream" and output["name"] == "stdout":
                parts.append(_text(output["text"]))
            elif output["output_type"] in ("display_data", "execute_result"):
                markdown = output.get("data", {}).get("text/markdown")
                if markdown is not None:
                    parts.append(_text(markdown) + "\n")
    return "".join(parts)


def outputs_of_type(notebook, kind: str) -> list[tuple[int, dict]]:
    """(code cell number, output) pairs; kind is an output_type or a MIME type."""
    nb = _load(notebook)
    found = []
    for number, cell in enumerate(_code_cells(nb), start=1):
        for output in cell.get("outputs", []):
            if output["output_type"] == kind or kind in output.get("data", {}):
                found.append((number, output))
    return found


def _load(notebook):
    if isinstance(notebook, (str, Path)):
        import nbformat

        return nbformat.read(str(notebook), as_version=4)
    return notebook


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _code_cells(nb) -> list:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


# --------------------------------------------------------------------------- naming cells


def _cell_lines(source: Path, nb) -> list[int | None]:
    """The line of the source where each notebook cell starts (None when unknown)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    markers = [n for n, line in enumerate(lines, start=1) if line.startswith("# %%")]
    if len(markers) == len(nb["cells"]):
        return markers
    return [None] * len(nb["cells"])


def _describe(source: Path, nb, index: int) -> str:
    """'code cell 3 (line 42 of snippets/...py), which starts `x = ...`'."""
    cell = nb["cells"][index]
    number = _code_cells(nb).index(cell) + 1
    line = _cell_lines(source, nb)[index]
    first = next((ln for ln in _text(cell["source"]).splitlines() if ln.strip()), "")
    where = f"line {line} of {rel(source)}" if line else rel(source)
    return f"code cell {number} ({where}), which starts `{first.strip()}`"


# --------------------------------------------------------------------------- running


GUARD = "import snipcheck.guards\nsnipcheck.guards.guard_kernel()"
REPORT = "import snipcheck.guards\nprint(snipcheck.guards.kernel_report())"


def read_source(source: Path):
    """The unexecuted notebook a jupytext percent-format source describes."""
    import jupytext

    nb = jupytext.read(Path(source), fmt="py:percent")
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for number, cell in enumerate(nb.cells, start=1):
        cell["id"] = f"cell-{number}"  # stable ids: regenerating does not churn the file
    return nb


def _shape(nb) -> list[tuple[str, str]]:
    """Each cell's kind, and its source when it is code (what an execution depends on)."""
    return [(c["cell_type"], _text(c["source"]) if c["cell_type"] == "code" else "") for c in nb["cells"]]


def code_unchanged(source: Path, notebook: Path) -> bool:
    """The stored notebook has exactly the source's cells, code cells identical: only
    Markdown differs, so executing again would print and draw exactly what it holds."""
    return notebook.exists() and _shape(_load(notebook)) == _shape(read_source(source))


def patch_markdown(source: Path, notebook: Path):
    """The stored notebook with its Markdown cells taken from the source (outputs kept)."""
    stored, fresh = _load(notebook), read_source(source)
    for old, new in zip(stored["cells"], fresh["cells"]):
        if old["cell_type"] == "markdown":
            old["source"] = new["source"]
    stored["metadata"][META] = {"source": rel(source), "sha256": source_hash(source)}
    return stored


def execute(source: Path, timeout: float | None = None, *, nb=None, cwd: Path = ROOT, describe=None):
    """Run a jupytext source as a notebook in a kernel of this Python, under the snippet
    guards; return the notebook. Raises NotebookError naming the cell and the fix.

    With ``nb``, run that notebook instead (a page's notebook, ``snipcheck.page_notebooks``):
    ``source`` is then what messages and the fix name, ``cwd`` the kernel's working folder,
    and ``describe(nb, index)`` names a cell."""
    import json

    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    source = Path(source).resolve()
    made_here = nb is None
    nb = read_source(source) if made_here else nb
    if describe is None:
        def describe(nb, index):
            return _describe(source, nb, index)
    if timeout is None:
        timeout = settings(source)["timeout"]

    class ConfinedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return confinement.command(super().format_kernel_cmd(extra_arguments))

    # kernel_dirs=[]: always the native kernel of *this* interpreter, never a python3
    # kernelspec registered elsewhere on the machine. On Linux (namespaces), confined, over
    # Unix sockets in a temporary folder, which a kernel without network reaches.
    sockets = tempfile.TemporaryDirectory(prefix="snipcheck-kernel-")
    linux = sys.platform.startswith("linux")
    km = (ConfinedKernelManager if linux else AsyncKernelManager)(
        kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]),
        **({"transport": "ipc", "ip": os.path.join(sockets.name, "ipc")} if linux else {}))
    client = NotebookClient(
        nb,
        km=km,
        timeout=int(timeout),
        allow_errors=False,
        record_timing=False,
        # Library log lines written straight to the process's stderr (TensorFlow's C++
        # logging) stay out of the notebook; Python warnings are caught by the guards.
        extra_arguments=["--IPKernelApp.capture_fd_output=False"],
        resources={"metadata": {"path": str(cwd)}},
    )
    env = preset_env()
    guard, report = nbformat.v4.new_code_cell(GUARD), nbformat.v4.new_code_cell(REPORT)
    cells = nb.cells
    nb.cells = [guard, *cells, report]  # executed around the real cells, then removed
    raised = None
    with sockets, tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as kernel_stderr:
        # (what C++ code and subprocesses write to stderr: the namespaces' refusals show there)
        try:
            with client.setup_kernel(env=env, stderr=kernel_stderr):
                client.execute_cell(guard, 0)
                for index, cell in enumerate(cells, start=1):
                    try:
                        client.execute_cell(cell, index)
                    except CellExecutionError:
                        raised = index - 1
                        break
                client.execute_cell(report, len(nb.cells) - 1)
        except (DeadKernelError, TimeoutError, RuntimeError) as exc:
            kernel_stderr.seek(0)
            raise NotebookError(
                f"{rel(source)}: the notebook kernel failed: {exc}\n"
                f"{kernel_stderr.read()[-2000:]}\n"
                "The old notebook was left as it was."
            ) from None
        finally:
            nb.cells = cells
        kernel_stderr.seek(0)
        stderr = kernel_stderr.read()
    for number, cell in enumerate(_code_cells(nb), start=1):  # as if the guards were not there
        if cell.get("execution_count"):
            cell["execution_count"] = number
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = number

    printed = "".join(_text(o.get("text", "")) for o in report.get("outputs", []) if o.get("name") == "stdout")
    guards = json.loads(printed or '{"status": "ok", "detail": ""}')
    left = "The old notebook was left as it was."
    error = trace = None
    if raised is not None:
        error = next(o for o in nb.cells[raised]["outputs"] if o["output_type"] == "error")
        trace = ANSI.sub("", "\n".join(error.get("traceback", [])))
    if guards["status"] not in ("network", "wrote", "forked"):  # refused where no audit hook sees
        refused = namespace_refusals(f"{trace or ''}\n{stderr}")
        status = "network" if refused["network"] else "wrote" if refused["wrote"] else None
        if status:
            where = f"\nin {describe(nb, raised)}: {error['ename']}: {error['evalue']}" if error else ""
            guards = {"status": status, "detail": refused[status][0] + where}
    status = Status(guards["status"])
    if status not in (Status.OK, Status.RAISED):  # every other outcome reads as a snippet's does
        raise NotebookError(status.explain(rel(source), guards["detail"]) + "\n" + left)
    if raised is not None:
        raise NotebookError(
            f"{describe(nb, raised)}, raised {error['ename']}: {error['evalue']}\n"
            f"{trace[-2000:]}\n"
            f"{left} Fix the cell, then run: {refresh_hint(rel(source))}"
        )
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream" and output["name"] == "stderr":
                raise NotebookError(
                    f"{describe(nb, index)}, wrote to stderr (readers would see it):\n"
                    f"{_text(output['text']).strip()[-2000:]}\n"
                    f"Notebooks, like snippets, must not write to stderr. {left} Fix the cell, "
                    f"then run: {refresh_hint(rel(source))}"
                )
    if made_here:
        nb.metadata[META] = {"source": rel(source), "sha256": source_hash(source)}
    return nb


def up_to_date(source: Path, notebook: Path) -> bool:
    """The notebook was made from this source and still shows its recorded output."""
    if not notebook.exists() or stored_hash(notebook) != source_hash(source):
        return False
    return matches(source, text_output(notebook))


def generate(source: Path, notebook: Path, force: bool = False) -> str:
    """Write the notebook; returns 'unchanged', 'patched' (Markdown cells only, nothing run)
    or 'updated' (executed). Raises NotebookError."""
    source, notebook = Path(source), Path(notebook)
    if not force and up_to_date(source, notebook):
        return "unchanged"
    if not force and code_unchanged(source, notebook) and matches(source, text_output(notebook)):
        _write(patch_markdown(source, notebook), notebook)
        return "patched"
    _write(execute(source), notebook)
    return "updated"


def _write(nb, notebook: Path) -> None:
    """Replace the notebook file only once the new one is fully written."""
    import nbformat

    notebook.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb)
    atomic_write(notebook, text if text.endswith("\n") else text + "\n")


def main(argv: list[str]) -> int:
    force = "--force" in argv
    try:
        named = snippets_named([a for a in argv if a != "--force"])
    except SnippetError as exc:
        print(exc)
        return 2
    chosen = {source: notebook for source in named if (notebook := notebook_path(source))}
    failed = 0
    for source, notebook in chosen.items():
        try:
            status = generate(source, notebook, force=force)
        except NotebookError as exc:
            failed += 1
            print(f"FAILED    {rel(notebook)}\n{exc}\n")
            continue
        print(f"{status:9} {rel(notebook)}")
    if failed:
        print(f"{failed} notebook(s) failed; the old notebooks were left as they were.")
    from snipcheck import page_notebooks  # and each page's notebook (nothing runs)

    kept = page_notebooks.generate_all(named if any(a != "--force" for a in argv) else None)
    return 1 if failed or kept else 0
