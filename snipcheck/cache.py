"""The cache of verified runs: a snippet whose run is still valid is not executed again.

One JSON file per snippet, keyed on the snippet's source, every repository file it read or
imported, and the environment fingerprint (Python, platform, every installed distribution's
version, and every file of this package). Only passing runs are stored.

One switch, the environment variable ``SNIPCHECK_CACHE``:

* unset: the cache is on, in ``.cache/snipcheck/``;
* ``off``: nothing is read from the cache and nothing is written to it;
* any other value: the folder to keep the cache in.

``.ci/run`` sets ``SNIPCHECK_CACHE=off`` unless the caller chose a value, so CI executes every
snippet; the hosting CI workflow names a folder that it restores between runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from snipcheck.layout import ROOT, rel
from snipcheck.run import Result, run_many

SWITCH = "SNIPCHECK_CACHE"
DEFAULT_FOLDER = ROOT / ".cache" / "snipcheck"
PACKAGE = Path(__file__).resolve().parent


def configured() -> Cache | None:
    """The cache as ``SNIPCHECK_CACHE`` sets it (None when it is off)."""
    value = os.environ.get(SWITCH, "").strip()
    if value.lower() == "off":
        return None
    return Cache(Path(value) if value else DEFAULT_FOLDER)


def environment_fingerprint() -> str:
    """Everything outside the snippet's own files that can change an output: the Python
    version, the platform, every installed distribution's version, and every file of this
    package (a change to any part of the runner invalidates cached runs)."""
    import platform
    from importlib import metadata

    dists = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()})
    h = hashlib.sha256()
    for part in (sys.version, platform.platform(), *dists):
        h.update(part.encode() + b"\0")
    for source in sorted(PACKAGE.glob("*.py")):
        h.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return h.hexdigest()


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


class Cache:
    """Verified runs, one JSON file per snippet, in ``folder``."""

    def __init__(self, folder: Path = DEFAULT_FOLDER):
        self.folder = Path(folder)
        self.env = environment_fingerprint()

    def _file(self, snippet: Path) -> Path:
        return self.folder / (hashlib.sha256(rel(snippet).encode()).hexdigest()[:20] + ".json")

    def get(self, snippet: Path) -> Result | None:
        try:
            entry = json.loads(self._file(snippet).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("env") != self.env or entry.get("source") != _digest(snippet):
            return None
        if any(_digest(ROOT / name) != digest for name, digest in entry["reads"].items()):
            return None
        return Result(snippet, "ok", stdout=entry["stdout"], seconds=entry["seconds"],
                      reads=sorted(entry["reads"]), cached=True)

    def put(self, result: Result) -> None:
        if not result.ok or result.cached:
            return
        entry = {
            "snippet": rel(result.snippet),
            "env": self.env,
            "source": _digest(result.snippet),
            "reads": {rel(Path(name)): _digest(Path(name)) for name in result.reads},
            "stdout": result.stdout,
            "seconds": result.seconds,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._file(result.snippet).with_suffix(".tmp")
        tmp.write_text(json.dumps(entry, indent=1), encoding="utf-8")
        tmp.replace(self._file(result.snippet))


def run_checked(snippets: list[Path], jobs: int = 1, cache: Cache | None = None) -> dict[Path, Result]:
    """Like ``run_many``, but a snippet with a valid verified run in ``cache`` is not executed.
    Without a cache every snippet runs, and nothing is stored."""
    results: dict[Path, Result] = {}
    todo = []
    for snippet in snippets:
        hit = cache.get(snippet) if cache else None
        if hit:
            results[snippet] = hit
        else:
            todo.append(snippet)
    if todo:
        fresh = run_many(todo, jobs)
        results.update(fresh)
        if cache:
            for result in fresh.values():
                cache.put(result)
    return results
