"""MkDocs hook: what the version matrix found, under every output and on one page.

``nox -s versions`` runs every snippet on each TensorFlow that ``versions/versions.toml``
lists and records, in ``versions/<minor>/checked-on.json``, whether it printed the recorded
output (``matches``), printed something else (``differs``, the text kept) or did not run
(``fails``, the error kept). From those files, and nothing typed by hand, this hook:

* adds to each output's version line (``hooks/recorded_with.py``, which runs first) the
  versions it was checked on, and those where it differs or fails::

      Output · TensorFlow 2.21.0 · Linux x86_64 · oneDNN off · checked on TensorFlow 2.16–2.21

* puts under an output that differs (or fails) on a version a closed ``<details>`` with that
  version's output (or error), one per text, naming the versions that printed it and marked
  ``data-recorded="versions/<minor>/checked-on.json ..."`` (their result files).
  Its text is not in a ``<pre>``: every code block on a topic page must be a snippet's or a
  ``.out`` file's lines (snipcheck/rules/prose.py), and this text is a result file's;
* writes the matrix, snippets by versions with the count of each outcome, on the page
  holding the line ``<!-- version-matrix -->``.

Only results that are current count (``snipcheck.layout.current_results``: the snippet, its
recording and the version's lock are those that were run, and the entry was not edited by
hand); the checks fail on the others. Only the standard library, MkDocs and
``snipcheck.layout`` are used.
"""

from __future__ import annotations

import html
import re
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

from snipcheck.layout import OUTPUT_BLOCK, Recording, checked_on, current_results, find_included, matrix_versions, page_source

LIST = "versions/versions.toml"
MARKER = "<!-- version-matrix -->"
TITLE = re.compile(r'\btitle="(?P<title>[^"]*TensorFlow[^"]*)"')
SEPARATOR = " · "
PLACEHOLDER = "versionoutputs{}x"  # a word Markdown leaves alone, replaced once the page is HTML
NAMES = {"matches": "matches", "differs": "differs", "fails": "fails"}


def spans(minors: list[str], order: list[str]) -> str:
    """'2.16–2.18, 2.20' for versions, consecutive ones in ``order`` joined by a dash."""
    runs: list[list[str]] = []
    for minor in sorted(minors, key=order.index):
        if runs and order.index(minor) == order.index(runs[-1][-1]) + 1:
            runs[-1].append(minor)
        else:
            runs.append([minor])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def checked_phrase(results: dict[str, dict], order: list[str]) -> str:
    """'checked on TensorFlow 2.17–2.21 · differs on 2.16' from one output's results."""
    by = {o: [m for m, e in results.items() if e.get("outcome") == o] for o in NAMES}
    parts = [f"checked on TensorFlow {spans(by['matches'], order)}"] if by["matches"] else []
    parts += [f"{o} on {spans(by[o], order)}" for o in ("differs", "fails") if by[o]]
    return SEPARATOR.join(parts)


def other_outputs(results: dict[str, dict], order: list[str]) -> str:
    """The closed boxes that show an output's text (or error) where it differs (or fails):
    one box per text, naming every version that printed it."""
    shown: dict[tuple[str, str], list[str]] = {}
    for minor, entry in results.items():
        if entry.get("outcome") in ("differs", "fails"):
            text = entry.get("output") if entry["outcome"] == "differs" else entry.get("error")
            shown.setdefault((entry["outcome"], (text or "").rstrip()), []).append(minor)
    boxes = []
    for (outcome, text), minors in shown.items():
        summary = f"On TensorFlow {spans(minors, order)} this code " + (
            "prints something else" if outcome == "differs" else "fails")
        files = " ".join(f"versions/{m}/checked-on.json" for m in minors)
        boxes.append(
            f'<details class="info version-output" data-recorded="{files}"><summary>{summary}</summary>'
            f'<div class="version-output-text" tabindex="0" role="region" aria-label="{summary}">'
            f"<code>{html.escape(text)}</code></div></details>")
    return "\n".join(boxes)


def matrix_table(root: Path) -> str:
    """The matrix page's table: one row per output, one column per version, and the counts."""
    versions = list(matrix_versions(root))
    files = {m: checked_on(m, root) for m in versions}
    outputs = sorted({o for data in files.values() for o in data.get("results") or {}})
    current = {o: current_results(o, root) for o in outputs}
    head = [f"TensorFlow {files[m].get('tensorflow', m)}" for m in versions]
    rows = ["| Snippet | " + " | ".join(head) + " |", "|---|" + "---|" * len(versions)]
    for output in outputs:
        cells = [NAMES.get(current[output].get(m, {}).get("outcome"), "not checked") for m in versions]
        rows.append(f"| `{Recording(PurePosixPath(output)).snippet.name}` | " + " | ".join(cells) + " |")
    for outcome in NAMES:
        counts = [str(sum(current[o].get(m, {}).get("outcome") == outcome for o in outputs)) for m in versions]
        rows.append(f"| **{outcome}** | " + " | ".join(counts) + " |")
    return ('<div class="version-matrix" data-recorded="versions" markdown>\n\n' + "\n".join(rows)
            + "\n\n</div>")


def on_page_markdown(markdown, page, config, files):
    listing = find_included(LIST, config)
    if listing is None:
        if MARKER in markdown:
            raise PluginError(f"{page_source(config, page.file.src_uri)} shows the version matrix, but {LIST} is missing.")
        return markdown
    root = listing.parents[1]
    order = list(matrix_versions(root))
    boxes: dict[str, str] = {}

    def add(match: re.Match) -> str:
        block = match.group(0)
        if find_included(match["path"], config) is None or not TITLE.search(match["info"]):
            return block  # hooks/recorded_with.py has reported it
        results = current_results(match["path"], root)
        phrase = checked_phrase(results, order)
        if phrase:
            block = TITLE.sub(lambda m: f'title="{m["title"]}{SEPARATOR}{phrase}"', block, count=1)
        if other := other_outputs(results, order):
            key = PLACEHOLDER.format(len(boxes))
            boxes[key] = other
            block += f"\n\n{match['indent']}{key}"
        return block

    markdown = OUTPUT_BLOCK.sub(add, markdown)
    page.version_outputs = boxes
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, matrix_table(root))
    return markdown


def on_page_content(html_text, page, config, files):
    for key, box in getattr(page, "version_outputs", {}).items():
        html_text = html_text.replace(f"<p>{key}</p>", box)
    return html_text
