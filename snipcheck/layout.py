"""Where things live and how pages name them: every rule that ties pages to snippets.

* a snippet is any ``snippets/<topic>/*.py`` whose name does not start with ``_``; its
  recorded stdout sits beside it as ``<name>.out``, and ``recorded-with.json`` in the same
  folder says which versions recorded each output;
* a snippet in jupytext's percent format (its first line opens a cell with ``# %%``) is also
  the source of the notebook page of the same name in ``docs/<topic>/``;
* a page shows a snippet by an inclusion line, ``--8<-- "snippets/<topic>/<name>.py"`` (or
  ``...py:section`` for the lines between ``# --8<-- [start:section]`` and ``[end:section]``),
  and its output by a fence whose only line includes the ``.out``;
* ``nox -s outputs -- PATH`` is the one command that records or refreshes an output; it
  stamps each output's ``recorded-with.json`` entry with the sha256 of the snippet source it
  ran, so an output whose snippet changed since is known to be stale without running anything
  (``Recording.stale``: the preview shows a banner, the strict build and the checks fail).

Standard library only: the MkDocs hooks import this module, and the docs build never imports
TensorFlow.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
import os
import re
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"

RECORDED_WITH = "recorded-with.json"  # per snippet folder: output file -> versions that recorded it
SOURCE_KEY = "source_sha256"  # in a recorded-with.json entry: the snippet source that was run
NUMERIC_KEY = "numeric"  # in a recorded-with.json entry: the numeric settings it ran with (snipcheck.numeric)
READER_KEY = "reader_line"  # ...and those a reader needs to print the same on their CPU (shown on pages)
NOTEBOOK_MARK = "# %%"  # a snippet that starts with this is a notebook source
# The fast content check (nox -s check, and the bench that times it): every test but those
# that check the checker, drive Chromium, or run every snippet or notebook a second way.
FAST_CHECK = "not selftest and not browser and not other_cpu and not page_notebooks"
# Every process the checks start: TensorFlow's C++ log lines off, one hash seed, no MkDocs 2 notice.
PRESETS = {"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0", "NO_MKDOCS_2_WARNING": "1",
           "KERAS_BACKEND": "tensorflow"}
DEFAULTS = {"rtol": 1e-3, "atol": 1e-6, "timeout": 120.0}
SETTINGS = re.compile(r"^#\s*snipcheck:(.*)$", re.MULTILINE)

# ---------------------------------------------------------------------- the inclusion grammar

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


PREVIEW = "SNIPCHECK_PREVIEW"  # set to "1" by hooks/preview.py while `mkdocs serve` runs


def previewing() -> bool:
    """True inside the live preview (``nox -s serve``): hooks show problems on the page
    instead of failing the build."""
    return os.environ.get(PREVIEW) == "1"


def refresh_hint(path) -> str:
    """The one command that records or refreshes the output of the snippet at ``path``."""
    return f"nox -s outputs -- {path}"


def did_you_mean(path: str, candidates) -> str:
    """' Did you mean snippets/a/b.py?' for the closest existing path, or ''. A file name is
    compared with the names in the same folder first (a typo in the name), then the whole
    path with every candidate (a typo in the folder)."""
    candidates = sorted(candidates)
    folder, _, name = path.rpartition("/")
    beside = {c.rpartition("/")[2]: c for c in candidates if c.rpartition("/")[0] == folder}
    close = difflib.get_close_matches(name, list(beside), n=1, cutoff=0.75)
    if close:
        return f" Did you mean {beside[close[0]]}?"
    close = difflib.get_close_matches(path, candidates, n=1, cutoff=0.9)
    return f" Did you mean {close[0]}?" if close else ""


# ---------------------------------------------------------------------- staleness


def preset_env(**extra: str) -> dict[str, str]:
    """This process's environment with the ``PRESETS`` its own settings leave unset, and
    ``extra`` on top: the environment of every process the checks start."""
    return {**PRESETS, **os.environ, **extra}


def source_digest(snippet) -> str:
    """The sha256 of a snippet's source, as ``recorded-with.json`` stores it."""
    return hashlib.sha256(Path(snippet).read_bytes()).hexdigest()


def digest(path) -> str:
    """The sha256 of a file, or ``missing``."""
    try:
        return source_digest(path)
    except (OSError, TypeError):
        return "missing"


def atomic_write(path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: a reader sees the old
    file or the new one, never half of one, and a stopped run leaves the old one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@dataclasses.dataclass(frozen=True)
class Recording:
    """A snippet's recorded output: the ``.out`` file, and its entry in the folder's
    ``recorded-with.json`` (the versions and numeric settings that recorded it, and the
    sha256 of the source that ran). The only code that reads or writes that file's format."""

    output: Path

    @classmethod
    def of(cls, snippet) -> Recording:
        return cls(Path(snippet).with_suffix(".out"))

    @property
    def snippet(self) -> Path:
        """The snippet that prints this output."""
        return self.output.with_suffix(".py")

    @property
    def ledger(self) -> Path:
        return self.output.parent / RECORDED_WITH

    def exists(self) -> bool:
        return self.output.is_file()

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8")

    def write(self, text: str) -> None:
        atomic_write(self.output, text)

    @staticmethod
    def entries(folder) -> dict:
        """A snippet folder's ``recorded-with.json``: output name -> entry ({} when absent)."""
        try:
            data = json.loads((Path(folder) / RECORDED_WITH).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def entry(self) -> dict | None:
        """This output's ``recorded-with.json`` entry, or None."""
        entry = self.entries(self.output.parent).get(self.output.name)
        return entry if isinstance(entry, dict) else None

    def stale(self, name: str | None = None) -> str | None:
        """None when this output was recorded from its snippet's current source, else the
        message. The rule: the entry names the sha256 of the source that ``nox -s outputs``
        ran (``SOURCE_KEY``), and it must equal the source's sha256 now. An output that is
        missing or has no entry is reported by other checks, not here."""
        name = name or rel(self.snippet)
        entry = self.entry()
        if entry is None or not self.snippet.exists() or entry.get(SOURCE_KEY) == source_digest(self.snippet):
            return None
        return (
            f"stale output: {name} changed since {self.output.name} was recorded, so the "
            f"output shown may not be what it prints now. Run: {refresh_hint(name)}"
        )

    @classmethod
    def stamp(cls, outputs: list[Path], stamp: dict, echo=print) -> None:
        """Record, beside each folder's outputs, ``stamp`` (what produced or checked them) and
        the sha256 of each snippet source that was run. An entry whose output no longer
        exists is removed (say, the scaffold's first example was replaced), so no one
        deletes entries by hand."""
        for folder in sorted({Path(o).parent for o in outputs}):
            ledger = folder / RECORDED_WITH
            data = cls.entries(folder)
            for name in [n for n in data if not (folder / n).exists()]:
                del data[name]
                echo(f"pruned    {rel(ledger)}: the entry for {name} (that output no longer exists)")
            data.update({Path(o).name: {**stamp, SOURCE_KEY: source_digest(cls(Path(o)).snippet)}
                         for o in outputs if Path(o).parent == folder})
            text = json.dumps(dict(sorted(data.items())), indent=2) + "\n"
            if not ledger.exists() or ledger.read_text(encoding="utf-8") != text:
                atomic_write(ledger, text)


NOTEBOOK_META = "generated_from"  # notebook metadata: {"source": path, "sha256": its hash}


def read_notebook(path) -> dict:
    """A notebook file's JSON (OSError or ValueError when it cannot be read)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a notebook (its JSON is not an object)")
    return data


def stale_notebook(notebook, root=ROOT) -> str | None:
    """None when a notebook page was generated from its source as it is now, else the
    message (the same rule as ``Recording.stale``: the stored sha256 of the source)."""
    try:
        meta = read_notebook(notebook).get("metadata", {}).get(NOTEBOOK_META)
    except (OSError, ValueError):
        return None
    source = Path(root) / (meta or {}).get("source", "\0")
    if not meta or not source.is_file() or meta.get("sha256") == source_digest(source):
        return None
    return (
        f"stale notebook: {meta['source']} changed since this notebook was generated from it. "
        f"Run: {refresh_hint(meta['source'])}"
    )


# ---------------------------------------------------------------------- snippets


class SnippetError(Exception):
    """A problem a contributor can fix; the message says where and how."""


def rel(path) -> str:
    """A path as contributors type it: relative to the repository root."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


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


# ---------------------------------------------------------------------- MkDocs configuration


def base_paths(config) -> list[Path]:
    """Where pymdownx.snippets looks for included files (relative to the working directory)."""
    options = (config.get("mdx_configs") or {}).get("pymdownx.snippets") or {}
    bases = options.get("base_path", ["."])
    return [Path(b) for b in ([bases] if isinstance(bases, str) else bases)]


def page_source(config, src_uri: str) -> str:
    """A page as every message names it: its source file from the repository root (the folder
    of mkdocs.yml), e.g. ``docs/training-weights/notes.md`` for ``training-weights/notes.md``."""
    docs, config_file = config.get("docs_dir"), config.get("config_file_path")
    folder = os.path.relpath(docs, os.path.dirname(config_file) or ".") if docs and config_file else "docs"
    return PurePosixPath(*PurePosixPath(folder.replace(os.sep, "/")).parts, src_uri).as_posix()


def find_included(path: str, config) -> Path | None:
    """The file an inclusion line names, as pymdownx.snippets would find it."""
    return next((base / path for base in base_paths(config) if (base / path).is_file()), None)


def built_page(site: Path, page: Path, docs: Path = DOCS) -> Path:
    """Where MkDocs writes a page: a/b.md -> a/b/index.html, a/index.md -> a/index.html
    (``page`` is relative to ``docs``, or a path inside it)."""
    relative = Path(page).resolve().relative_to(Path(docs).resolve()) if Path(page).is_absolute() else Path(page)
    if relative.stem == "index":
        return Path(site) / relative.parent / "index.html"
    return Path(site) / relative.with_suffix("") / "index.html"


# ---------------------------------------------------------------------- page notebooks
#
# Every topic page that shows code has a notebook of its own, notebooks/<topic>/<page>.ipynb,
# generated by ``nox -s outputs`` (snipcheck.page_notebooks) and served by the site as a
# download (hooks/notebook_pages.py). Its plan comes from the page alone: the snippets it
# includes, in page order, each under the heading it sits under. A snippet the page shows
# only in part (a section) is a whole cell, once: a section alone does not run.

PAGE_NOTEBOOKS = "notebooks"  # beside docs/ and snippets/: generated, never a page of the site
NO_NOTEBOOK = re.compile(r"^notebook:[ \t]*false[ \t]*(?:#.*)?$", re.MULTILINE)  # front matter
HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.+?)(?:[ \t]*\{[^}]*\})?[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")


@dataclasses.dataclass(frozen=True)
class Cell:
    """One code cell of a page's notebook: the snippet (as the page names it), the headings
    above it on the page (outermost first), and whether the page shows its recorded output."""

    snippet: str
    headings: tuple[tuple[int, str], ...]
    shows_output: bool


def front_matter(text: str) -> str:
    """A page's YAML front matter (between the opening and closing ``---``), or ''."""
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---", 3)
    return text[4:end] if end > 0 else ""


def page_cells(text: str) -> list[Cell]:
    """The code cells of a page's notebook, in page order (``[]``: the page shows no code, or
    its front matter says ``notebook: false``). A snippet shown whole and in sections is one
    cell where the page shows it whole; shown only in sections, one cell where the first is."""
    matter = front_matter(text)
    if NO_NOTEBOOK.search(matter):
        return []
    body_start = len(matter) + 8 if matter else 0
    lines, stack, fence, at = text[body_start:].split("\n"), [], None, []
    offset = body_start
    for line in lines:  # the headings in force at each line's start (outside fenced blocks)
        at.append((offset, tuple(stack)))
        offset += len(line) + 1
        opened = FENCE.match(line)
        if opened:
            mark = opened["fence"]
            fence = mark if fence is None else (None if mark[0] == fence[0] and len(mark) >= len(fence) else fence)
            continue
        heading = HEADING.match(line) if fence is None else None
        if heading:
            level = len(heading["level"])
            stack[:] = [h for h in stack if h[0] < level] + [(level, heading["text"].strip())]

    def headings_at(position: int) -> tuple:
        found = ()
        for start, stack_here in at:
            if start > position:
                break
            found = stack_here
        return found

    whole, part, shown = {}, {}, set()
    for match in includes(text):
        path = match["path"]
        if match.start() < body_start or not path.startswith("snippets/"):
            continue
        if path.endswith(".out"):
            shown.add(Recording(PurePosixPath(path)).snippet.as_posix())
        elif path.endswith(".py") and not PurePosixPath(path).name.startswith("_"):
            (part if match["section"] else whole).setdefault(path, match.start())
    chosen = {path: whole.get(path, position) for path, position in part.items()} | whole
    return [Cell(path, headings_at(position), path in shown)
            for path, position in sorted(chosen.items(), key=lambda item: item[1])]


def page_snippets(page) -> list[Path]:
    """The snippets a page includes (whole or in part), in page order."""
    text = Path(page).read_text(encoding="utf-8")
    return [ROOT / cell.snippet for cell in page_cells(text)]


def page_notebook_path(page, root=ROOT) -> Path:
    """docs/<topic>/<page>.md -> notebooks/<topic>/<page>.ipynb (``page`` relative to ``root``
    or a path inside its docs/)."""
    page = Path(page)
    relative = page.resolve().relative_to((Path(root) / "docs").resolve()) if page.is_absolute() else \
        Path(*Path(page).parts[1:])
    return Path(root) / PAGE_NOTEBOOKS / relative.with_suffix(".ipynb")


def notebook_pages(root=ROOT) -> dict[Path, Path]:
    """Every topic page that gets a notebook (it shows code), and that notebook's path."""
    docs = Path(root) / "docs"
    return {page: page_notebook_path(page.relative_to(root), root) for page in sorted(docs.glob("*/*.md"))
            if page_cells(page.read_text(encoding="utf-8"))}


def stale_page_notebook(page, root=ROOT) -> str | None:
    """None when a page's notebook was generated from the page's snippets as they are now,
    else the message naming the fix. The rule of ``Recording.stale``: the notebook's metadata
    stores each snippet it holds, in page order, with its sha256 (a list of pairs: a notebook
    writer sorts the keys of a mapping)."""
    root = Path(root).resolve()
    page = (Path(page) if Path(page).is_absolute() else root / page).resolve()
    name = page.relative_to(root).as_posix()
    cells = page_cells(page.read_text(encoding="utf-8"))
    if not cells:
        return None
    notebook = page_notebook_path(page.relative_to(root), root)
    made = notebook.relative_to(root).as_posix()
    try:
        meta = read_notebook(notebook).get("metadata", {}).get(NOTEBOOK_META) or {}
    except (OSError, ValueError):
        return f"missing notebook: {name} shows code, but {made} does not exist. Run: {refresh_hint(name)}"
    sources = dict(pair for pair in meta.get("sources") or [] if len(pair) == 2)  # [[path, sha256], ...]
    if list(sources) != [cell.snippet for cell in cells]:
        return (f"stale notebook: {name} includes other snippets (or in another order) than when "
                f"{made} was generated. Run: {refresh_hint(name)}")
    changed = [path for path, sha in sources.items() if digest(root / path) != sha]
    if changed:
        return (f"stale notebook: {', '.join(changed)} changed since {made} was generated from it. "
                f"Run: {refresh_hint(changed[0] if len(changed) == 1 else name)}")
    return None


# ---------------------------------------------------------------------- the version matrix

VERSIONS = ROOT / "versions"  # versions.toml (the list) and one folder per TensorFlow minor version
CHECKED_ON = "checked-on.json"  # in a version's folder: every output's result on that version
SEAL_KEY = "seal"  # in a checked-on.json entry: the sha256 of the rest of the entry (``matrix_seal``)


def matrix_versions(root=ROOT) -> dict[str, dict[str, str]]:
    """The TensorFlow minor versions every snippet is checked on, oldest first: minor ->
    the pins of that version's environment that differ from the snippets group
    (``versions/versions.toml``, the one list; {} when it is missing)."""
    import tomllib

    try:
        data = tomllib.loads((Path(root) / "versions" / "versions.toml").read_text(encoding="utf-8"))
    except OSError:  # a copy of the repository without the matrix
        return {}
    return dict(sorted(data.get("versions", {}).items(), key=lambda item: [int(p) for p in item[0].split(".")]))


def version_project(minor: str, root=ROOT) -> str:
    """The text of ``versions/<minor>/pyproject.toml``: pyproject.toml's snippets group, with
    the pins ``versions.toml`` changes for that version; uv locks it beside it."""
    import tomllib

    main = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))
    changed = matrix_versions(root)[minor]
    pins = []
    for requirement in main["dependency-groups"]["snippets"]:
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
        pins.append(f"{name}=={changed[name]}" if name in changed else requirement)
    pins += [f"{name}=={version}" for name, version in changed.items()
             if not any(re.match(rf"{re.escape(name)}\b", p) for p in pins)]
    lines = ",\n".join(f"    {json.dumps(p)}" for p in pins)
    return (
        f"# Made by `nox -s versions` from versions/versions.toml and pyproject.toml's snippets group:\n"
        f"# edit those, never this file. uv.lock beside it pins every package; the session installs it.\n"
        f"[project]\nname = \"snippets-on-tensorflow-{minor.replace('.', '-')}\"\nversion = \"0\"\n"
        f"requires-python = {json.dumps(main['project']['requires-python'] + ', <3.13')}  # 2.16 to 2.19: no wheels for 3.13\n"
        f"dependencies = [\n{lines},\n]\n\n"
        f"[tool.uv]\npackage = false\nenvironments = {json.dumps(main['tool']['uv']['environments'])}\n"
    )


def checked_on(minor: str, root=ROOT) -> dict:
    """``versions/<minor>/checked-on.json`` ({} when there is none): the versions that ran
    (``tensorflow``, ``keras``, ...) and ``results``: output (``snippets/<topic>/<name>.out``)
    -> its result on that version."""
    try:
        data = json.loads((Path(root) / "versions" / minor / CHECKED_ON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def matrix_seal(output: str, minor: str, entry: dict) -> str:
    """The checksum a result carries: the sha256 of the output's name, the version and every
    other field of the entry. The matrix writes it; a result typed or edited by hand fails."""
    body = {k: v for k, v in entry.items() if k != SEAL_KEY}
    return hashlib.sha256(json.dumps([output, minor, body], sort_keys=True).encode()).hexdigest()


def matrix_problem(output: str, minor: str, entry, root=ROOT) -> str | None:
    """None when ``entry``, the result of ``output`` on TensorFlow ``minor``, is the matrix's
    own and still current; else the message. Current means: the snippet source, its recorded
    output and the version's lock are those the run used (the sha256 of each)."""
    root = Path(root)
    snippet = Recording(PurePosixPath(output)).snippet.as_posix()
    where = f"versions/{minor}/{CHECKED_ON}"
    hint = f"nox -s versions -- --record {minor} {snippet}"
    if not isinstance(entry, dict) or entry.get(SEAL_KEY) != matrix_seal(output, minor, entry):
        return (f"{snippet} on TensorFlow {minor}: its result in {where} was not written by the matrix "
                f"(the entry was edited by hand: its seal does not match). Results come from runs only. Run: {hint}")
    for key, path, what in (("source_sha256", snippet, f"{snippet} changed since it was checked"),
                            ("recorded_sha256", output, f"{output} was recorded again since {snippet} was checked"),
                            ("lock_sha256", f"versions/{minor}/uv.lock", f"versions/{minor}/uv.lock changed since {snippet} was checked")):
        if entry.get(key) != digest(root / path):
            return f"stale result: {what} on TensorFlow {minor} ({where}). Run: {hint}"
    return None


def current_results(output: str, root=ROOT) -> dict[str, dict]:
    """The results of one output (``snippets/<topic>/<name>.out``) that are the matrix's own
    and current, oldest version first: minor -> entry (``matrix_problem`` says why one is not)."""
    found = {}
    for minor in matrix_versions(root):
        entry = (checked_on(minor, root).get("results") or {}).get(output)
        if entry is not None and matrix_problem(output, minor, entry, root) is None:
            found[minor] = entry
    return found
