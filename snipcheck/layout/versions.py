"""The version matrix's files: the list of TensorFlow versions (``versions/versions.toml``), each
version's project, and its results (``checked-on.json``), sealed by the run that wrote them."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath

from snipcheck.layout.paths import ROOT, digest
from snipcheck.layout.recording import Recording

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
