"""A recorded output and the files that say how it was recorded: ``recorded-with.json`` beside
the outputs, and a notebook page's ``generated_from`` metadata. The only code that knows their
format."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from snipcheck.layout.paths import ROOT, atomic_write, refresh_hint, rel, source_digest

RECORDED_WITH = "recorded-with.json"  # per snippet folder: output file -> versions that recorded it
SOURCE_KEY = "source_sha256"  # in a recorded-with.json entry: the snippet source that was run
NUMERIC_KEY = "numeric"  # in a recorded-with.json entry: the numeric settings it ran with (snipcheck.numeric)
READER_KEY = "reader_line"  # ...and those a reader needs to print the same on their CPU (shown on pages)


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
