"""MkDocs hook for notebooks: the notebook pages (mkdocs-jupyter renders them) and the notebook
of every topic page that shows code (``notebooks/<topic>/<page>.ipynb``, which
``snipcheck.page_notebooks`` generates). One mechanism for both:

* Every page that has a notebook gets three links under its title, Material buttons with
  Material's icons: "Open in Colab" (``https://colab.research.google.com/github/<owner>/<repo>/
  blob/<branch>/<notebook>``, from ``repo_url`` and ``extra.branch`` in mkdocs.yml), "Download
  notebook" (the file the site serves, with the ``download`` attribute) and "View source" (the
  page's source on the repository: the Markdown page, or a notebook page's jupytext source).
  They are plain links: nothing is fetched from another host until the reader follows one,
  and docs/stylesheets/print.css keeps them off paper.
* A page's notebook is served at ``notebooks/<topic>/<page>.ipynb`` (never rendered as a page).
* The build fails when a notebook page holds an error output. mkdocs-jupyter renders stored
  outputs as they are when it does not execute notebooks (our case: the docs build never runs
  TensorFlow), so a cell that raised would otherwise be published. The message names the
  notebook and the cell.
* A notebook whose source under snippets/ changed since it was generated
  (``snipcheck.layout.stale_notebook``), or a page's notebook whose page or snippets changed
  since (``snipcheck.layout.stale_page_notebook``), fails the strict build; the live preview
  shows a banner on the page instead.

Only the standard library, MkDocs and ``snipcheck.layout`` are used: the docs environment has
no TensorFlow.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from snipcheck.layout import (page_cells, page_notebook_path, page_source, previewing, read_notebook, stale_notebook,
                              stale_page_notebook)


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


def _root(config) -> Path:
    return Path(os.path.dirname(config["config_file_path"]) or ".").resolve()


def stale(file, config) -> str | None:
    return stale_notebook(file.abs_src_path, _root(config))


def _page(file, config) -> Path | None:
    """The repository path of a Markdown page that has a notebook of its own, else None."""
    if not file.src_uri.endswith(".md") or not file.abs_src_path:
        return None
    page = Path(file.abs_src_path).resolve()
    try:
        page.relative_to(_root(config) / "docs")
    except ValueError:
        return None
    return page if page_cells(page.read_text(encoding="utf-8")) else None


_served: dict[str, str] = {}  # page src_uri -> its notebook's src_uri in the site


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
    root = _root(config)
    _served.clear()
    outdated = []
    for file in list(files):
        page = _page(file, config)
        if page is None:
            continue
        notebook = page_notebook_path(page.relative_to(root), root)
        if notebook.is_file():
            uri = notebook.relative_to(root).as_posix()
            files.append(File.generated(config, uri, abs_src_path=str(notebook)))
            _served[file.src_uri] = uri
    if not previewing():
        outdated += [f"{page_source(config, f.src_uri)}: {message}" for f in files
                     if f.src_uri.endswith(".ipynb") and f.abs_src_path and (message := stale(f, config))]
        if outdated:
            raise PluginError("\n".join(outdated))
    return files


def _repository(config) -> str | None:
    """https://github.com/<owner>/<repo>, from repo_url (or extra.repository)."""
    extra = config.get("extra") or {}
    url = config.get("repo_url") or extra.get("repository") or ""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", str(url))
    return f"{match[1]}/{match[2]}" if match else None


def colab_url(config, path: str) -> str | None:
    """https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/<path>."""
    repository = _repository(config)
    branch = (config.get("extra") or {}).get("branch", "main")
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{path}" if repository else None


def source_url(config, path: str) -> str | None:
    """The file at ``path`` on the repository's site, at the branch the site is built from."""
    repository = _repository(config)
    branch = (config.get("extra") or {}).get("branch", "main")
    return f"https://github.com/{repository}/blob/{branch}/{path}" if repository else None


def icon(config, name: str) -> str:
    """One of the theme's icons (``material/download``) as inline SVG, or ''."""
    for folder in config["theme"].dirs:
        path = Path(folder) / ".icons" / f"{name}.svg"
        if path.is_file():
            return f'<span class="twemoji" aria-hidden="true">{path.read_text(encoding="utf-8").strip()}</span> '
    return ""


def button(config, href: str, label: str, icon_name: str, download: str | None = None) -> str:
    """A Material button; ``download``: the attribute's value ('' for the file's own name)."""
    saved = "" if download is None else " download" + (f'="{html.escape(download)}"' if download else "")
    return f'<a class="md-button" href="{html.escape(href)}"{saved}>{icon(config, icon_name)}{label}</a>'


def on_page_content(content, page, config, files):
    src = page.file.src_uri
    if src.endswith(".ipynb"):  # a notebook page: the notebook is the page itself
        notebook, download, saved_as = page_source(config, src), PurePosixPath(src).name, ""
        source = f"snippets/{src[: -len('.ipynb')]}.py"
        message = stale(page.file, config) if previewing() else None
    elif src in _served:
        notebook = _served[src]
        served = files.get_file_from_path(notebook)
        download = served.url_relative_to(page.file) if served else notebook
        saved_as = "-".join(PurePosixPath(notebook).parts[1:])  # training-weights-index.ipynb
        source = page_source(config, src)
        message = stale_page_notebook(page.file.abs_src_path, _root(config))
        if message and not previewing():  # after the page's own checks (a stale output first)
            raise PluginError(message)
    elif _page(page.file, config):
        message = stale_page_notebook(page.file.abs_src_path, _root(config))
        raise PluginError(message or f"{page_source(config, src)}: its notebook is missing. Run: nox -s outputs")
    else:
        return content
    links = []
    colab = colab_url(config, notebook)
    if colab:
        links.append(button(config, colab, "Open in Colab", "simple/googlecolab"))
    links.append(button(config, download, "Download notebook", "material/download", download=saved_as))
    view = source_url(config, source)
    if view:
        links.append(button(config, view, "View source", "material/file-code-outline"))
    bar = f'<p class="notebook-links">{" ".join(links)}</p>'
    if message:
        bar = (f'<div class="admonition danger"><p class="admonition-title">Stale notebook</p>'
               f"<p>{html.escape(message)}</p></div>" + bar)
    head, found, tail = content.partition("</h1>")
    return head + found + bar + tail if found else bar + content
