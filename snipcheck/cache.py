"""The cache of verified runs: a snippet whose run is still valid is not executed again.

One entry per snippet, in the project's one store (``snipcheck.store``: atomic, signed, behind
the ``SNIPCHECK_CACHE`` switch), keyed on the snippet's source, every repository file it read
or imported, its topic folder (the names in it, and the content of every data file in it, so
a file read from C++ such as ``tf.io.read_file`` or a new file in a folder the snippet lists
runs it again), and the environment fingerprint: Python, the platform, the numeric settings,
the confinement the runs get (``snipcheck.confinement``: a run verified with less confinement
is not taken for one with more), the version of every distribution a snippet can import (the
``snippets`` dependency group and everything it requires, which the ``outputs`` and ``tests``
environments share, so ``nox -s outputs`` then ``nox -s tests`` runs a changed snippet once),
and every file of this package. Only passing runs are stored. Runs as another CPU (``snipcheck.detector``) are a
kind of their own.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from snipcheck import confinement, numeric
from snipcheck.layout import ROOT, digest as _digest, rel
from snipcheck.run import Result, run_many
from snipcheck.store import DEFAULT_ROOT, Store, root as store_root

PACKAGE = Path(__file__).resolve().parent


def configured(other_cpu: bool = False) -> Cache | None:
    """The cache as ``SNIPCHECK_CACHE`` sets it (None when it is off); with ``other_cpu``,
    the one for the detector's runs as another CPU (``snipcheck.detector``)."""
    folder = store_root()
    if folder is None:
        return None
    return Cache(folder, numeric.other_cpu(), kind="other-cpu") if other_cpu else Cache(folder)


def output_distributions() -> list[str]:
    """``name==version`` of every installed distribution a snippet can import: the
    ``snippets`` dependency group of pyproject.toml and everything those require."""
    import re
    import tomllib
    from importlib import metadata

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    installed = {norm(d.metadata["Name"]): d for d in metadata.distributions() if d.metadata["Name"]}
    try:
        groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
        todo = [g for g in groups.get("snippets", []) if isinstance(g, str)]
    except (OSError, ValueError, KeyError):
        todo = []
    found: dict[str, str] = {}
    while todo:
        requirement = todo.pop()
        if not _applies(requirement):
            continue
        name = norm(re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1))
        dist = installed.get(name)
        if dist is None or name in found:
            continue
        found[name] = dist.version
        todo.extend(getattr(dist, "requires", None) or [])
    return sorted(f"{name}=={version}" for name, version in found.items())


def _applies(requirement: str) -> bool:
    """Whether a requirement applies here: its environment marker holds on this machine, and
    it is not for an extra (``colorama; sys_platform == "win32"`` does not, so a package that
    only another environment installs for another reason does not count)."""
    if ";" not in requirement:
        return True
    try:
        from packaging.requirements import Requirement
    except ImportError:  # no packaging: count only unconditional requirements
        return False
    try:
        marker = Requirement(requirement).marker
    except ValueError:
        return False
    return marker is None or marker.evaluate({"extra": ""})


def environment_fingerprint(settings: dict[str, str] | None = None) -> str:
    """Everything outside the snippet's own files that can change an output or its verdict:
    the Python version, the platform, the numeric settings (``snipcheck.numeric``), the
    confinement a run gets (which namespaces), the version of every distribution a snippet can
    import, and every file of this package (a change to any part of the runner invalidates
    cached runs). Tools that only the tests use (pytest, Playwright,
    MkDocs) are not part of it."""
    import platform

    h = hashlib.sha256()
    confined = ", ".join(confinement.probe()["applied"])
    for part in (sys.version, platform.platform(), numeric.label(settings), confined, *output_distributions()):
        h.update(part.encode() + b"\0")
    for source in sorted(PACKAGE.rglob("*.py")):
        h.update(source.relative_to(PACKAGE).as_posix().encode() + b"\0" + source.read_bytes() + b"\0")
    return h.hexdigest()


# Files of a topic folder that are not data a snippet reads: outputs and what records them.
_NOT_DATA = {".out", ".ipynb"}


def folder_digest(folder: Path) -> str:
    """The names in a snippet's topic folder, and the content of every data file in it (not
    the snippets' sources, whose imports are tracked one by one, nor the recorded outputs)."""
    from snipcheck.layout import RECORDED_WITH

    h = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if "__pycache__" in path.parts or path.suffix in _NOT_DATA or path.name == RECORDED_WITH:
            continue
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file() and path.suffix != ".py":
            h.update(_digest(path).encode())
    return h.hexdigest()


class Cache:
    """Verified runs of one kind in the store at ``folder`` (the store's root)."""

    def __init__(self, folder: Path | None = None, settings: dict[str, str] | None = None, kind: str = "runs"):
        self.store = Store(kind, folder if folder is not None else DEFAULT_ROOT)
        self.folder = self.store.root
        self.env = environment_fingerprint(settings)

    def _file(self, snippet: Path) -> Path:
        return self.store.file(rel(snippet))

    def get(self, snippet: Path) -> Result | None:
        entry = self.store.get(rel(snippet))
        if not isinstance(entry, dict) or entry.get("env") != self.env or entry.get("source") != _digest(snippet):
            return None
        if entry.get("folder") != folder_digest(Path(snippet).parent):
            return None
        if any(_digest(ROOT / name) != digest for name, digest in entry["reads"].items()):
            return None
        return Result(snippet, "ok", stdout=entry["stdout"], seconds=entry["seconds"],
                      reads=sorted(entry["reads"]), cached=True)

    def put(self, result: Result) -> None:
        if not result.ok or result.cached:
            return
        self.store.put(rel(result.snippet), {
            "env": self.env,
            "source": _digest(result.snippet),
            "reads": {rel(Path(name)): _digest(Path(name)) for name in result.reads},
            "folder": folder_digest(Path(result.snippet).parent),
            "stdout": result.stdout,
            "seconds": result.seconds,
        })


def run_checked(snippets: list[Path], jobs: int = 1, cache: Cache | None = None,
                runner=run_many) -> dict[Path, Result]:
    """Like ``runner`` (``run_many``, or ``detector.elsewhere``), but a snippet with a valid
    verified run in ``cache`` is not executed. Without a cache every snippet runs, and
    nothing is stored."""
    results: dict[Path, Result] = {}
    todo = []
    for snippet in snippets:
        hit = cache.get(snippet) if cache else None
        if hit:
            results[snippet] = hit
        else:
            todo.append(snippet)
    if todo:
        fresh = runner(todo, jobs)
        results.update(fresh)
        if cache:
            for result in fresh.values():
                cache.put(result)
    return results
