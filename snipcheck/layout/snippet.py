"""The ``Snippet`` value, made once at discovery, and the ways a command line or a page names
snippets."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from snipcheck.layout.grammar import SETTINGS
from snipcheck.layout.mkdocs_pages import page_snippets
from snipcheck.layout.paths import DOCS, SNIPPETS, SnippetError, refresh_hint, rel
from snipcheck.layout.recording import Recording

NOTEBOOK_MARK = "# %%"  # a snippet that starts with this is a notebook source
DEFAULTS = {"rtol": 1e-3, "atol": 1e-6, "timeout": 120.0}  # a snippet's settings, unless its "# snipcheck:" line says otherwise


def discover(root: Path = SNIPPETS) -> list[Snippet]:
    """Every runnable snippet, in a stable order: the one place ``Snippet`` values are made."""
    return [Snippet(p) for p in sorted(Path(root).rglob("*.py")) if not p.name.startswith("_")]


def snippets_named(args: list[str]) -> list[Path]:
    """The snippets a command line names: snippet files, their outputs, the notebooks made
    from them, pages (the snippets they include), or folders; every snippet when it names
    none. Raises SnippetError."""
    if not args:
        return discover()
    made_by = {notebook: source for source, notebook in notebook_sources().items()}
    chosen = []
    for arg in args:
        path = Path(arg)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        path = made_by.get(path, path.with_suffix(".py") if path.suffix == ".out" else path)
        if path.suffix == ".md" and path.is_file():  # a page: the snippets it includes
            chosen.extend(page_snippets(path))
        elif path.is_dir():
            chosen.extend(discover(path))
        elif path.suffix == ".py" and path.exists():
            chosen.append(path)
        else:
            raise SnippetError(f"{arg}: no such snippet. Give a path under snippets/ to a .py file.")
    return chosen


def output_path(snippet) -> Path:
    """Where a snippet's output is recorded (``Recording.of(snippet).output``)."""
    return Recording.of(snippet).output


def settings(snippet) -> dict[str, float]:
    """A snippet's settings (``Snippet.settings``)."""
    return Snippet.of(snippet).settings


def notebook_path(snippet) -> Path | None:
    """The notebook page made from this snippet, if it is a notebook source (``Snippet.notebook``)."""
    return Snippet.of(snippet).notebook


def notebook_sources() -> dict[Path, Path]:
    """Every notebook source under snippets/ and the notebook page it becomes."""
    return {s: nb for s in discover() if (nb := notebook_path(s))}


def pages() -> list[Path]:
    """Every page source under docs/ (Markdown and notebooks)."""
    return sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")])


class Snippet(os.PathLike):
    """One snippet, made once at discovery and handed to everything that deals with it: the
    scheduler, the cache, compare, refresh, notebooks, rules and the pytest plugin.

    * ``path``: its file; ``rel``: the path as contributors type it; ``hint``: the command
      that records its output;
    * ``source`` and ``settings`` (``# snipcheck: key=value``): read once, when first asked;
    * ``recording`` (its ``.out`` and recorded-with entry, a ``Recording``), ``output``,
      ``notebook`` (the notebook page it is the source of, or None), ``pages`` (the pages
      that show it).

    It stands for its file wherever a path is expected (``open``, ``Path(snippet)``), is
    equal to and hashed as its path, and answers a path's own questions (``.name``,
    ``.parent``, ``.exists()``) as its file would.
    """

    def __init__(self, path):
        self.path = Path(path)

    @classmethod
    def of(cls, snippet) -> Snippet:
        return snippet if isinstance(snippet, Snippet) else cls(snippet)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"Snippet({self.rel!r})"

    def __eq__(self, other) -> bool:
        return self.path == (other.path if isinstance(other, Snippet) else other)

    def __hash__(self) -> int:
        return hash(self.path)

    def __lt__(self, other) -> bool:
        return self.path < Path(other)

    def __gt__(self, other) -> bool:
        return self.path > Path(other)

    def __getattr__(self, name: str):
        if name == "path" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.path, name)

    @property
    def rel(self) -> str:
        return rel(self.path)

    @property
    def hint(self) -> str:
        return refresh_hint(self.rel)

    @functools.cached_property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @functools.cached_property
    def settings(self) -> dict[str, float]:
        """Defaults, overridden by a ``# snipcheck: key=value`` comment in the snippet."""
        found = dict(DEFAULTS)
        for line in SETTINGS.findall(self.source):
            for item in line.split():
                key, _, value = item.partition("=")
                if key not in DEFAULTS or not value:
                    raise SnippetError(
                        f"{self.rel}: unknown setting {item!r} in '# snipcheck:' comment. "
                        f"Use key=value with keys {', '.join(DEFAULTS)}."
                    )
                found[key] = float(value)
        return found

    @property
    def recording(self) -> Recording:
        return Recording.of(self.path)

    @property
    def output(self) -> Path:
        return self.recording.output

    @functools.cached_property
    def notebook(self) -> Path | None:
        try:
            relative = self.path.resolve().relative_to(SNIPPETS)
        except ValueError:
            return None
        return DOCS / relative.with_suffix(".ipynb") if self.source.startswith(NOTEBOOK_MARK) else None

    @functools.cached_property
    def pages(self) -> list[str]:
        """Pages whose source names this snippet or its recorded output (a notebook page
        names the snippet it was generated from in its metadata)."""
        names = {self.rel, rel(self.output)}
        return [rel(page) for page in pages() if any(n in page.read_text(encoding="utf-8") for n in names)]
