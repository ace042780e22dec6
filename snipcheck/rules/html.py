"""Every built HTML file is valid HTML, by the Nu Html Checker (vnu.jar, run with Java).

``html_messages`` runs the checker (or reuses its stored messages for unchanged bytes);
``html_problems`` turns its messages into problems, each naming the page and the line, and
leaves out the errors ``snipcheck.rules.theme_owned`` allows.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from snipcheck.rules.theme_owned import vnu_allowed
from snipcheck.site import page_of
from snipcheck.store import Store


def html_messages(files: list[Path], vnu_jar: Path) -> list[dict]:
    """The Nu Html Checker's messages for ``files``. A file whose bytes were checked before
    by the same vnu.jar and this module gets its stored messages instead of a new run
    (snipcheck.store: never when SNIPCHECK_CACHE=off, as in CI)."""
    import hashlib

    store = Store("html-check")
    gate = hashlib.sha256(vnu_jar.read_bytes()[:1 << 20] + Path(__file__).read_bytes()).hexdigest()
    keys = {f: hashlib.sha256(gate.encode() + f.read_bytes()).hexdigest() for f in files}
    messages, todo = [], []
    for file in files:
        stored = store.get(keys[file])
        if stored is None:
            todo.append(file)
        else:
            messages += [{**m, "url": file.as_uri()} for m in stored]
    if todo:
        done = subprocess.run(["java", "-jar", str(vnu_jar), "--format", "json", "--exit-zero-always",
                               *map(str, todo)], capture_output=True, text=True)
        fresh = json.loads(done.stderr or done.stdout)["messages"]
        messages += fresh
        by_file = {f: [] for f in todo}
        for m in fresh:
            file = Path(unquote(urlsplit(m["url"]).path)) if m.get("url") else None
            if file in by_file:
                by_file[file].append(m)
        for file, found in by_file.items():
            store.put(keys[file], found)
    return messages


def html_problems(site: Path, messages: list[dict]) -> tuple[list[str], dict[str, int]]:
    """(problems, {THEME_OWNED key: errors it allowed}) from the checker's messages on the
    built ``site``: every warning and error, info left out."""
    problems, allowed = [], {}
    for message in messages:
        if message["type"] == "info":
            continue
        file = Path(unquote(urlsplit(message.get("url", "")).path)) if message.get("url") else None
        page = page_of(site, file) if file else "?"
        key = vnu_allowed(message["message"], page) if message["type"] == "error" else None
        if key:
            allowed[key] = allowed.get(key, 0) + 1
            continue
        problems.append(f"{page}:{message.get('lastLine', '?')}: {message['type']}: {message['message']}"
                        f"\n    {message.get('extract', '').strip()[:200]}")
    return problems, allowed
