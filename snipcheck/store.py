"""One store for results worth keeping between runs: atomic, signed JSON entries.

Every kind of kept result (verified snippet runs, the same runs as another CPU, the browser
gate's page views, the HTML checker's messages) is a ``Store`` of its own kind, a folder
under one root. An entry is written to a temporary file and renamed (``atomic_write``), so a
stopped run never leaves half an entry, and it is signed with a key kept in the root (readable
by its owner only), so an entry written or edited by hand is not trusted.

One switch, the environment variable ``SNIPCHECK_CACHE``, read here and nowhere else:

* unset: the store is on, in ``.cache/snipcheck/``;
* ``off``: nothing is read from it and nothing is written to it;
* any other value: the folder to keep it in.

``.ci/run`` sets ``SNIPCHECK_CACHE=off`` unless the caller chose a value, so CI executes every
snippet and drives every page; the hosting CI workflow names a folder and restores it between
runs. Only the standard library is used.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from snipcheck.layout import ROOT, atomic_write

SWITCH = "SNIPCHECK_CACHE"
DEFAULT_ROOT = ROOT / ".cache" / "snipcheck"


def root() -> Path | None:
    """The folder ``SNIPCHECK_CACHE`` names (None when it is off)."""
    value = os.environ.get(SWITCH, "").strip()
    if value.lower() == "off":
        return None
    return Path(value) if value else DEFAULT_ROOT


_SWITCHED = object()


class Store:
    """Signed JSON entries of one ``kind``, each under a name (any string), in ``folder``
    (default: where ``SNIPCHECK_CACHE`` says). A store that is off reads nothing and writes
    nothing."""

    def __init__(self, kind: str, folder=_SWITCHED):
        folder = root() if folder is _SWITCHED else folder
        self.root = Path(folder) if folder is not None else None
        self.folder = self.root / kind if self.root else None
        self._key: bytes | None = None

    @property
    def on(self) -> bool:
        return self.root is not None

    def key(self, create: bool = False) -> bytes | None:
        """The secret that signs entries, made on first use."""
        if self._key is None:
            path = self.root / ".key"
            try:
                self._key = path.read_bytes()
            except OSError:
                if not create:
                    return None
                self.root.mkdir(parents=True, exist_ok=True)
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as f:
                        f.write(os.urandom(32))
                except FileExistsError:  # another process made it first
                    pass
                self._key = path.read_bytes()
        return self._key

    def _sign(self, name: str, value, key: bytes) -> str:
        body = json.dumps([name, value], sort_keys=True)
        return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()

    def file(self, name: str) -> Path:
        return self.folder / (hashlib.sha256(name.encode()).hexdigest()[:24] + ".json")

    def get(self, name: str):
        """The value stored under ``name``; None when there is none or its signature fails."""
        if not self.on:
            return None
        key = self.key()
        try:
            entry = json.loads(self.file(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if key is None or not isinstance(entry, dict) or not hmac.compare_digest(
                str(entry.get("signature", "")), self._sign(name, entry.get("value"), key)):
            return None
        return entry["value"]

    def put(self, name: str, value) -> None:
        if not self.on:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {"name": name, "value": value, "signature": self._sign(name, value, self.key(create=True))}
        atomic_write(self.file(name), json.dumps(entry, indent=1))
