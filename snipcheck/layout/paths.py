"""Where things live, and the small rules every other part of the layout uses: paths as
contributors type them, the refresh hint, the environment presets, hashes and the atomic write."""

from __future__ import annotations

import difflib
import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"

# The fast content check (nox -s check, and the bench that times it): every test but those
# that check the checker, drive Chromium, or run every snippet or notebook a second way.
FAST_CHECK = "not selftest and not browser and not other_cpu and not page_notebooks"
# Every process the checks start: TensorFlow's C++ log lines off, one hash seed, no MkDocs 2 notice.
PRESETS = {"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0", "NO_MKDOCS_2_WARNING": "1",
           "KERAS_BACKEND": "tensorflow"}


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


class SnippetError(Exception):
    """A problem a contributor can fix; the message says where and how."""


def rel(path) -> str:
    """A path as contributors type it: relative to the repository root."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)
