"""MkDocs hook for notebook pages (mkdocs-jupyter renders them; this file guards and links them).

* The build fails when a notebook under docs/ holds an error output. mkdocs-jupyter
  renders stored outputs as they are when it does not execute notebooks (our case: the
  docs build never runs TensorFlow), so a cell that raised would otherwise be published.
  The message names the notebook and the cell.
* Every notebook page gets two links under its title: download the notebook (the file
  mkdocs-jupyter copies beside the page with ``include_source: true``) and open it in
  Google Colab, built from ``extra.repository`` and ``extra.branch`` in mkdocs.yml.

* A notebook whose source under snippets/ changed since it was generated
  (``snipcheck.layout.stale_notebook``) fails the strict build; the live preview shows a
  "stale output" banner on its page instead.

Only the standard library, MkDocs and ``snipcheck.layout`` are used: the docs environment has
no TensorFlow.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import PurePosixPath

from mkdocs.exceptions import PluginError

from snipcheck.layout import page_source, previewing, read_notebook, stale_notebook


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_errors(path: str, label: str) -> list[str]:
    """One line per error output in the notebook at ``path``, naming the cell."""
    nb = read_notebook(path)
    problems = []
    code_cells = [cell for cell in nb.get("cells", []) if cell.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            first = next((ln for ln in _text(cell.get("source", "")).splitlines() if ln.strip()), "")
            problems.append(
                f"{label}: code cell {number}, which starts `{first.strip()}`, has a stored error "
                f"output ({output.get('ename', 'Error')}: {output.get('evalue', '')})."
            )
    return problems


def stale(file, config) -> str | None:
    return stale_notebook(file.abs_src_path, os.path.dirname(config["config_file_path"]) or ".")


def on_files(files, config):
    problems = []
    for file in files:
        if file.src_uri.endswith(".ipynb") and file.abs_src_path:
            problems += notebook_errors(file.abs_src_path, page_source(config, file.src_uri))
    if problems:
        raise PluginError(
            "A notebook cell raised when the notebook was generated:\n"
            + "\n".join(problems)
            + "\nFix the cell in the notebook's source under snippets/, then regenerate the "
            "notebook with: nox -s outputs"
        )
    if not previewing():
        outdated = [f"{page_source(config, f.src_uri)}: {message}" for f in files
                    if f.src_uri.endswith(".ipynb") and f.abs_src_path and (message := stale(f, config))]
        if outdated:
            raise PluginError("\n".join(outdated))
    return files


def colab_url(config, src_uri: str) -> str | None:
    """https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/<docs>/<page>."""
    extra = config.get("extra") or {}
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", str(extra.get("repository", "")))
    if not match:
        return None
    path = page_source(config, src_uri)
    branch = extra.get("branch", "main")
    return f"https://colab.research.google.com/github/{match[1]}/{match[2]}/blob/{branch}/{path}"


def on_page_content(content, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return content
    name = html.escape(PurePosixPath(page.file.src_uri).name)
    links = [f'<a class="md-button" href="{name}" download>Download the notebook</a>']
    url = colab_url(config, page.file.src_uri)
    if url:
        links.append(f'<a class="md-button" href="{html.escape(url)}">Open in Colab</a>')
    bar = f'<p class="notebook-links">{" ".join(links)}</p>'
    message = stale(page.file, config) if previewing() else None
    if message:
        bar = (f'<div class="admonition danger"><p class="admonition-title">Stale output</p>'
               f"<p>{html.escape(message)}</p></div>" + bar)
    head, found, tail = content.partition("</h1>")
    return head + found + bar + tail if found else bar + content
