"""MkDocs hook: the explorer page's figure and table, drawn from Keras's recorded run.

A page line of the form::

    <!-- recorded run: snippets/training-weights/explorer_keras.out -->

is replaced, at build time, by a figure (an inline SVG of the loss per step of the
full-batch runs) and a Markdown table (w, b and the loss at a few steps of every run), both
made from that recorded output. So the page shows real Keras numbers without JavaScript, and
no number is typed by hand. The output's format is what snippets/training-weights/
explorer_keras.py prints: a line ``# <optimizer> learning_rate=<r> batch_size=<n> seed=<s>``
before each run, then one line ``<step> <w> <b> <loss>`` per step.

Only the standard library and MkDocs are used: the docs build never imports TensorFlow.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from snipcheck.layout import find_included, refresh_hint

MARKER = re.compile(r"^<!-- recorded run: (?P<path>snippets/\S+\.out) -->[ \t]*$", re.MULTILINE)
HEADER = re.compile(r"^# (?P<optimizer>\w+) learning_rate=(?P<rate>\S+) batch_size=(?P<batch>\d+) seed=(?P<seed>\d+)$")
NAMES = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}
STYLES = {"sgd": "solid line", "momentum": "long dashes", "adam": "short dashes"}  # explorer.css
TABLE_STEPS = (0, 1, 10, 50, 100)
WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 640, 300, 56, 40, 12, 12


def parse(path: Path, page: str) -> list[dict]:
    """Every run in the recorded output: its settings and its rows (w, b, loss) by step."""
    fix = f"Record it with: {refresh_hint(path.with_suffix('.py').as_posix())}"
    if not path.is_file():
        raise PluginError(f"{page}: the recorded run {path.as_posix()} is missing. {fix}")
    runs: list[dict] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        header = HEADER.match(line)
        if header:
            runs.append({**header.groupdict(), "rows": []})
            continue
        parts = line.split()
        try:
            if not runs or len(parts) != 4 or int(parts[0]) != len(runs[-1]["rows"]):
                raise ValueError
            runs[-1]["rows"].append(tuple(float(p) for p in parts[1:]))
        except ValueError:
            raise PluginError(
                f"{page}: {path.as_posix()} line {number} is not '<step> <w> <b> <loss>' "
                f"after a '# <optimizer> learning_rate=...' line: {line!r}. {fix}"
            ) from None
    if not runs:
        raise PluginError(f"{page}: {path.as_posix()} holds no run. {fix}")
    return runs


def label(run: dict) -> str:
    batch = "full batch" if run["batch"] == "32" else f"batches of {run['batch']}"
    return f"{NAMES.get(run['optimizer'], run['optimizer'])}, learning rate {run['rate']}, {batch}, seed {run['seed']}"


def figure(runs: list[dict], source: str) -> str:
    """An SVG of log10(loss) per step for the full-batch runs that do not diverge."""
    shown = [r for r in runs if r["batch"] == "32" and r["rows"][-1][2] <= r["rows"][0][2]]
    logs = [math.log10(row[2]) for r in shown for row in r["rows"] if row[2] > 0]
    if not shown or not logs:
        raise PluginError(f"{source}: no full-batch run whose loss falls, to draw")
    lo, hi = math.floor(min(logs)), math.ceil(max(logs))
    steps = max(len(r["rows"]) for r in shown) - 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(step: float) -> float:
        return LEFT + step / steps * inner_w

    def y(log: float) -> float:
        return TOP + inner_h - (log - lo) / (hi - lo) * inner_h

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="recorded-run-caption">',
        f'<rect class="frame" x="{LEFT}" y="{TOP}" width="{inner_w}" height="{inner_h}" fill="none"/>',
    ]
    for power in range(lo, hi + 1):
        parts.append(f'<text x="{LEFT - 6}" y="{y(power) + 4:.1f}" text-anchor="end">{10.0 ** power:g}</text>')
    for step in (0, steps // 2, steps):
        parts.append(f'<text x="{x(step):.1f}" y="{TOP + inner_h + 16}" text-anchor="middle">{step}</text>')
    parts.append(f'<text x="{LEFT + inner_w / 2}" y="{HEIGHT - 4}" text-anchor="middle">step</text>')
    parts.append(f'<text x="14" y="{TOP + inner_h / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {TOP + inner_h / 2})">loss (log scale)</text>')
    for run in shown:
        points = " ".join(
            f"{'M' if i == 0 else 'L'}{x(i):.1f} {y(math.log10(row[2])):.1f}" for i, row in enumerate(run["rows"])
        )
        parts.append(f'<path class="run-{run["optimizer"]}" d="{points}"><title>{label(run)}</title></path>')
    parts.append("</svg>")
    legend = "; ".join(f"{STYLES.get(r['optimizer'], 'solid')}: {label(r)}" for r in shown)
    return (
        f'<figure class="explorer-static" data-recorded="{source}">\n' + "".join(parts) + "\n"
        f'<figcaption id="recorded-run-caption">The loss per step that Keras recorded, on a '
        f"logarithmic scale ({legend}).</figcaption>\n</figure>"
    )


def table(runs: list[dict]) -> str:
    lines = ["| Run | Step | w | b | Loss |", "|---|---:|---:|---:|---:|"]
    for run in runs:
        for step in TABLE_STEPS:
            if step < len(run["rows"]):
                w, b, loss = run["rows"][step]
                lines.append(f"| {label(run)} | {step} | {w:.4g} | {b:.4g} | {loss:.4g} |")
    return "\n".join(lines)


def on_page_markdown(markdown: str, page, config, files) -> str:
    def replace(match: re.Match) -> str:
        path = find_included(match["path"], config) or Path(match["path"])
        runs = parse(path, page.file.src_uri)
        # data-recorded marks what was drawn from a recorded output (snipcheck/prose.py reads
        # it as output, not as prose).
        return (figure(runs, match["path"]) + f'\n\n<div class="explorer-table" data-recorded="{match["path"]}" '
                f'markdown>\n\n{table(runs)}\n\n</div>\n')

    return MARKER.sub(replace, markdown)
