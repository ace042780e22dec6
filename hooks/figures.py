"""MkDocs hook: every figure drawn at build time from a recorded output, never by hand.

A page asks for a figure with one line of its own::

    :figure: KIND snippets/<topic>/<name>.out [NAME=PATH ...]

The hook reads that recorded output (written by ``nox -s outputs``), takes the numbers from
it, and puts the figure in place of the line. No value in a figure is typed anywhere: when a
run prints other numbers, the picture changes with them. One table, ``KINDS``, maps each kind
to the function that reads its output and the one that draws it, and every kind draws with
the one SVG builder below (``Plot``: axes, ticks, paths, a title and a description for screen
readers, written from the same numbers). Axes and text use the theme's colours (CSS custom
properties), so every figure follows light and dark mode.

Kinds of figure:

* ``loss-curve``: a one-weight loss curve, the gradient at the current weight (pointing
  uphill) and the optimizer's step (going downhill). Reads ``curve:`` rows of ``w loss``,
  then ``current: w = W, loss = L``, ``gradient: G`` and ``step: ... new w = W2, loss = L2``.
* ``epoch-loss``: the loss per epoch. Reads lines ``mean loss during epoch N: L``.
* ``explorer-runs``: the explorer page's recorded Keras runs, so the page shows real numbers
  without JavaScript: the loss per step of the full-batch runs whose loss falls (log scale)
  and a table of w, b and the loss at a few steps of every run. Reads what
  snippets/training-weights/explorer_keras.py prints: ``# <optimizer> learning_rate=<r>
  batch_size=<n> seed=<s>`` before each run, then ``<step> <w> <b> <loss>`` per step. It
  needs ``data=PATH``, the data set those runs trained on (a JSON file whose list ``x`` holds
  one entry per example): a batch that holds every example is a full batch.

What a figure draws carries ``data-recorded="PATH"`` (snipcheck/rules/prose.py reads it as output,
not as prose). A figure line the hook cannot use (an unknown kind, a path that is not a
recorded output, a missing file, a missing or unknown option, a line of the output it cannot
read) fails the build, naming the page, the file and the fix. Only the standard library,
MkDocs and ``snipcheck.layout`` are used: the docs build never imports TensorFlow.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from pathlib import PurePosixPath
from typing import Callable, NamedTuple

from mkdocs.exceptions import PluginError

from snipcheck.layout import Recording, find_included, page_source, refresh_hint

LINE = re.compile(r"^:figure:.*$", re.MULTILINE)
DIRECTIVE = re.compile(r":figure:[ \t]+(?P<kind>[\w-]+)[ \t]+(?P<path>\S+)(?P<options>(?:[ \t]+\S+)*)[ \t]*")
OPTION = re.compile(r"(?P<name>[\w-]+)=(?P<value>\S+)")
USAGE = ":figure: KIND snippets/<topic>/<name>.out"
NUM = r"([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"


class FigureError(Exception):
    """An output (or a file an option names) the figure cannot be drawn from."""

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.fix = fix  # None: fix the snippet's printing and record it again


# ---------------------------------------------------------------------- the SVG builder

# Colours of the theme, so every figure follows light and dark mode.
FG = "var(--md-default-fg-color)"
MUTED = "var(--md-default-fg-color--light)"
LIGHTER = "var(--md-default-fg-color--lighter)"
CURVE = "var(--md-typeset-a-color)"
UPHILL = "var(--md-accent-fg-color)"
SMALL_TICKS = f'fill="{MUTED}" font-size="12"'


class Plot:
    """One chart: maps data to its view box and draws the parts every figure shares."""

    def __init__(self, x_range, y_range, size=(560, 300), margins=(64, 16, 16, 44)):
        (self.x0, self.x1), (self.y0, self.y1) = x_range, y_range
        self.width, self.height = size
        self.left, self.right, self.top, self.bottom = margins
        self.base = self.height - self.bottom  # where the x axis runs

    def x(self, value: float) -> float:
        return self.left + (value - self.x0) / (self.x1 - self.x0) * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        return self.base - (value - self.y0) / (self.y1 - self.y0) * (self.base - self.top)

    def frame(self, xlabel: str, ylabel: str, xticks, yticks, box=False, ticks=SMALL_TICKS) -> list[str]:
        """The axes (or a box round the plot), their labels and the ticks, ``(value, label)``."""
        right, middle = self.width - self.right, (self.top + self.base) / 2
        if box:
            parts = [f'<rect x="{self.left}" y="{self.top}" width="{right - self.left}" '
                     f'height="{self.base - self.top}" fill="none" stroke="{LIGHTER}"/>']
        else:
            parts = [f'<line x1="{self.left}" y1="{self.base}" x2="{right}" y2="{self.base}" stroke="{MUTED}"/>',
                     f'<line x1="{self.left}" y1="{self.top}" x2="{self.left}" y2="{self.base}" stroke="{MUTED}"/>']
        parts += [
            f'<text x="{(self.left + right) / 2:.1f}" y="{self.height - 6}" text-anchor="middle" '
            f'fill="{FG}">{xlabel}</text>',
            f'<text x="13" y="{middle:.1f}" text-anchor="middle" fill="{FG}" '
            f'transform="rotate(-90 13 {middle:.1f})">{ylabel}</text>',
        ]
        parts += [f'<text x="{self.x(value):.1f}" y="{self.base + 16}" text-anchor="middle" {ticks}>{label}</text>'
                  for value, label in xticks]
        parts += [f'<text x="{self.left - 6}" y="{self.y(value) + 4:.1f}" text-anchor="end" {ticks}>{label}</text>'
                  for value, label in yticks]
        return parts

    def path(self, points, attrs=f'fill="none" stroke="{CURVE}" stroke-width="2.5"', title="") -> str:
        """A line through ``(x, y)`` points; ``title`` is its tooltip."""
        d = " ".join(f"{'M' if i == 0 else 'L'}{self.x(a):.1f} {self.y(b):.1f}" for i, (a, b) in enumerate(points))
        return f'<path d="{d}" {attrs}>' + (f"<title>{html.escape(title)}</title>" if title else "") + "</path>"

    def svg(self, fig_id: str, title: str, desc: str, body: list[str], style="font-size:14px") -> str:
        """The figure's SVG, named for screen readers by its title and description. ``style``:
        its size, unless the page's CSS sets it (``None``)."""
        sizing = (f' style="width:100%;max-width:{self.width}px;height:auto;font-family:inherit;{style}"'
                  if style is not None else "")
        return (
            f'<svg class="run-figure" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{fig_id}-title {fig_id}-desc"{sizing}>'
            f'<title id="{fig_id}-title">{html.escape(title)}</title>'
            f'<desc id="{fig_id}-desc">{html.escape(desc)}</desc>' + "".join(body) + "</svg>"
        )


def arrow(x1, y1, x2, y2, colour, marker) -> str:
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="2.5" marker-end="url(#{marker})"/>')


def markers(prefix: str) -> str:
    """Arrow heads ``PREFIX-up`` (the accent colour) and ``PREFIX-down`` (the text colour)."""
    heads = "".join(
        f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{colour}"/></marker>'
        for name, colour in (("up", UPHILL), ("down", FG))
    )
    return f"<defs>{heads}</defs>"


RUN_FIGURE = "width:100%;max-width:560px;margin:1em auto"


def framed(source: str, content: str, css_class="run-figure", style=RUN_FIGURE) -> str:
    """The ``<figure>`` around what was drawn from ``source``."""
    sizing = f' style="{style}"' if style else ""
    return f'<figure class="{css_class}" data-recorded="{source}"{sizing}>{content}</figure>'


# ---------------------------------------------------------------------- loss-curve


def _find(pattern: str, text: str, what: str) -> re.Match:
    match = re.search(pattern, text, re.MULTILINE)
    if not match:
        raise FigureError(f"it has no line for {what} (expected a line matching {pattern!r})")
    return match


def read_loss_curve(text: str, files: dict) -> dict:
    rows = [(float(a), float(b)) for a, b in re.findall(rf"^\s+{NUM}\s+{NUM}\s*$", text, re.MULTILINE)]
    if len(rows) < 3:
        raise FigureError("it has fewer than three curve rows (lines of two numbers: w and loss)")
    current = _find(rf"^current: w = {NUM}, loss = {NUM}$", text, "the current weight")
    gradient = _find(rf"^gradient: {NUM}$", text, "the gradient")
    step = _find(rf"^step: learning rate {NUM}, new w = {NUM}, loss = {NUM}$", text, "the step")
    return {
        "curve": rows,
        "w": float(current[1]), "loss": float(current[2]),
        "gradient": float(gradient[1]),
        "rate": float(step[1]), "new_w": float(step[2]), "new_loss": float(step[3]),
        "texts": {"w": current[1], "loss": current[2], "gradient": gradient[1],
                  "rate": step[1], "new_w": step[2], "new_loss": step[3]},
    }


def draw_loss_curve(data: dict, fig_id: str, source: str) -> str:
    rows, t = data["curve"], data["texts"]
    weights, losses = [w for w, _ in rows], [v for _, v in rows]
    plot = Plot((min(weights), max(weights)), (min(0.0, *losses), max(losses)))
    w, loss, g = data["w"], data["loss"], data["gradient"]
    px, py = plot.x(w), plot.y(loss)
    # Uphill: along the tangent, toward where the loss grows (the sign of the gradient).
    span = (plot.x1 - plot.x0) / 6
    up_w = w + span * (1 if g > 0 else -1)
    up_x, up_y = plot.x(up_w), plot.y(loss + g * (up_w - w))
    nx, ny = plot.x(data["new_w"]), plot.y(data["new_loss"])
    base = plot.base - 12
    ticks = [(v, f"{v:g}") for v, _ in rows[:: max(1, len(rows) // 4)]]
    yt = [(v, f"{v:.3g}") for v in (plot.y0, (plot.y0 + plot.y1) / 2, plot.y1)]
    key_x, key_y = plot.width - plot.right - 250, plot.top + 16
    body = [markers(fig_id)] + plot.frame("weight w", "loss", ticks, yt) + [
        plot.path(rows),
        f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{px:.1f}" y2="{base:.1f}" stroke="{MUTED}" stroke-dasharray="3 3"/>',
        f'<line x1="{nx:.1f}" y1="{ny:.1f}" x2="{nx:.1f}" y2="{base:.1f}" stroke="{MUTED}" stroke-dasharray="3 3"/>',
        arrow(px, py, up_x, up_y, UPHILL, f"{fig_id}-up"),
        arrow(px, base, nx, base, FG, f"{fig_id}-down"),
        f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{FG}"/>',
        f'<circle cx="{nx:.1f}" cy="{ny:.1f}" r="5" fill="none" stroke="{FG}" stroke-width="2"/>',
        f'<text x="{px - 10:.1f}" y="{py + 18:.1f}" text-anchor="end" fill="{FG}">w = {t["w"]}</text>',
        # The key, in a corner the curve leaves free.
        arrow(key_x, key_y, key_x + 26, key_y, UPHILL, f"{fig_id}-up"),
        f'<text x="{key_x + 34}" y="{key_y + 5}" fill="{FG}">gradient {t["gradient"]}: uphill</text>',
        arrow(key_x, key_y + 24, key_x + 26, key_y + 24, FG, f"{fig_id}-down"),
        f'<text x="{key_x + 34}" y="{key_y + 29}" fill="{FG}">step to w = {t["new_w"]}: downhill</text>',
        f'<circle cx="{key_x + 13}" cy="{key_y + 48}" r="5" fill="{FG}"/>',
        f'<text x="{key_x + 34}" y="{key_y + 53}" fill="{FG}">loss {t["loss"]} before</text>',
        f'<circle cx="{key_x + 13}" cy="{key_y + 72}" r="5" fill="none" stroke="{FG}" stroke-width="2"/>',
        f'<text x="{key_x + 34}" y="{key_y + 77}" fill="{FG}">loss {t["new_loss"]} after</text>',
    ]
    title = "The loss over one weight, the gradient and one step"
    desc = (f"A curve of the loss as the weight w varies. At the current weight w = {t['w']} the "
            f"loss is {t['loss']}. The gradient there is {t['gradient']}: an arrow along the curve "
            f"points the way the loss grows. The optimizer steps the other way, with learning rate "
            f"{t['rate']}, to w = {t['new_w']}, where the loss is {t['new_loss']}.")
    return framed(source, plot.svg(fig_id, title, desc, body))


# ---------------------------------------------------------------------- epoch-loss


def read_epoch_loss(text: str, files: dict) -> dict:
    rows = re.findall(rf"^mean loss during epoch\s+(\d+): {NUM}$", text, re.MULTILINE)
    if len(rows) < 2:
        raise FigureError("it has fewer than two lines 'mean loss during epoch N: L'")
    return {"points": [(int(e), float(v)) for e, v in rows], "texts": rows}


def trend(points) -> str:
    """How a series moves, in words, from its numbers: whether it falls or rises, and whether
    most of that happens in the first quarter of its span."""
    (x0, first), (x1, last) = points[0], points[-1]
    if first == last:
        return "stays level"
    way = "falls" if last < first else "rises"
    early = next(v for x, v in points if x >= x0 + (x1 - x0) / 4)
    return f"{way} quickly and then levels off" if (early - first) / (last - first) > 0.75 else f"{way} steadily"


def draw_epoch_loss(data: dict, fig_id: str, source: str) -> str:
    points = data["points"]
    values = [v for _, v in points]
    plot = Plot((0, max(e for e, _ in points)), (min(0.0, *values), max(values)))
    dots = [f'<circle cx="{plot.x(e):.1f}" cy="{plot.y(v):.1f}" r="4" fill="{CURVE}"/>' for e, v in points]
    xt = sorted({(e, str(e)) for e, _ in points[:: max(1, len(points) // 5)] + [points[-1]]})
    yt = [(v, f"{v:g}") for v in (plot.y0, plot.y1)]
    body = plot.frame("epoch", "mean loss during the epoch", xt, yt) + [plot.path(points)] + dots
    first, last = data["texts"][0], data["texts"][-1]
    title = "Mean loss per epoch"
    desc = (f"The mean loss during each epoch {trend(points)}: {first[1]} in epoch {first[0]}, "
            f"{last[1]} in epoch {last[0]}. Points: "
            + ", ".join(f"epoch {e}: {v}" for e, v in data["texts"]) + ".")
    return framed(source, plot.svg(fig_id, title, desc, body))


# ---------------------------------------------------------------------- explorer-runs

RUN_HEADER = re.compile(
    r"^# (?P<optimizer>\w+) learning_rate=(?P<rate>\S+) batch_size=(?P<batch>\d+) seed=(?P<seed>\d+)$")
NAMES = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}
LINE_STYLES = {"sgd": "solid line", "momentum": "long dashes", "adam": "short dashes"}  # explorer.css


def read_explorer_runs(text: str, files: dict) -> dict:
    """Every run in the recorded output: its settings and its rows (w, b, loss) by step; and
    how many examples the data set holds."""
    data = files["data"]
    try:
        examples = len(json.loads(data.read_text(encoding="utf-8"))["x"])
    except (ValueError, KeyError, TypeError):
        raise FigureError(f"the data set {data.as_posix()} has no list 'x' of examples",
                          fix="Name the JSON file the recorded program trained on") from None
    runs: list[dict] = []
    for number, line in enumerate(text.splitlines(), 1):
        header = RUN_HEADER.match(line)
        if header:
            runs.append({**header.groupdict(), "rows": []})
            continue
        parts = line.split()
        try:
            if not runs or len(parts) != 4 or int(parts[0]) != len(runs[-1]["rows"]):
                raise ValueError
            runs[-1]["rows"].append(tuple(float(p) for p in parts[1:]))
        except ValueError:
            raise FigureError(f"line {number} is not '<step> <w> <b> <loss>' after a "
                              f"'# <optimizer> learning_rate=...' line: {line!r}") from None
    if not runs:
        raise FigureError("it holds no run")
    for run in runs:
        run["full"] = int(run["batch"]) >= examples
    shown = [r for r in runs if r["full"] and r["rows"][-1][2] <= r["rows"][0][2]]
    if not shown or not any(row[2] > 0 for r in shown for row in r["rows"]):
        raise FigureError(f"it has no full-batch run (batch_size of {examples} or more) whose loss falls, to draw")
    return {"runs": runs, "shown": shown}


def run_label(run: dict) -> str:
    batch = "full batch" if run["full"] else f"batches of {run['batch']}"
    return f"{NAMES.get(run['optimizer'], run['optimizer'])}, learning rate {run['rate']}, {batch}, seed {run['seed']}"


def draw_explorer_runs(data: dict, fig_id: str, source: str) -> str:
    """log10(loss) per step of the full-batch runs that do not diverge, then a table of w, b
    and the loss at a few steps of every run."""
    shown = data["shown"]
    logs = [math.log10(row[2]) for r in shown for row in r["rows"] if row[2] > 0]
    lo, hi = math.floor(min(logs)), math.ceil(max(logs))
    steps = max(len(r["rows"]) for r in shown) - 1
    plot = Plot((0, steps), (lo, hi), size=(640, 300), margins=(56, 12, 12, 40))
    body = plot.frame("step", "loss (log scale)", [(s, str(s)) for s in (0, steps // 2, steps)],
                      [(p, f"{10.0 ** p:g}") for p in range(lo, hi + 1)], box=True, ticks=f'fill="{FG}"')
    body += [plot.path([(i, math.log10(row[2])) for i, row in enumerate(r["rows"])],
                       attrs=f'class="run-{r["optimizer"]}"', title=run_label(r)) for r in shown]
    title = "The loss per step that Keras recorded"
    desc = (f"The loss over {steps} steps, on a logarithmic scale from {10.0 ** lo:g} to {10.0 ** hi:g}. "
            + "; ".join(f"{run_label(r)}: {r['rows'][0][2]:.4g} at step 0, {r['rows'][-1][2]:.4g} at step "
                        f"{len(r['rows']) - 1}" for r in shown) + ".")
    legend = "; ".join(f"{LINE_STYLES.get(r['optimizer'], 'solid')}: {run_label(r)}" for r in shown)
    caption = f"The loss per step that Keras recorded, on a logarithmic scale ({legend})."
    svg = plot.svg(fig_id, title, desc, body, style=None)  # sized by explorer.css
    figure = framed(source, f"\n{svg}\n<figcaption>{caption}</figcaption>\n", css_class="explorer-static", style="")
    rows = f'<div class="explorer-table" data-recorded="{source}" markdown>\n\n{table(data["runs"])}\n\n</div>'
    return f"{figure}\n\n{rows}\n"


def table(runs: list[dict]) -> str:
    """w, b and the loss of every run at its first steps, a tenth, half and all of its length."""
    lines = ["| Run | Step | w | b | Loss |", "|---|---:|---:|---:|---:|"]
    for run in runs:
        last = len(run["rows"]) - 1
        for step in sorted({0, min(1, last), last // 10, last // 2, last}):
            w, b, loss = run["rows"][step]
            lines.append(f"| {run_label(run)} | {step} | {w:.4g} | {b:.4g} | {loss:.4g} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------- one dispatch


class Kind(NamedTuple):
    read: Callable[[str, dict], dict]  # (the output's text, {option: file}) -> data
    draw: Callable[[dict, str, str], str]  # (data, figure id, the output's path) -> HTML
    options: dict = {}  # required NAME=PATH options: what each file is


KINDS = {
    "loss-curve": Kind(read_loss_curve, draw_loss_curve),
    "epoch-loss": Kind(read_epoch_loss, draw_epoch_loss),
    "explorer-runs": Kind(read_explorer_runs, draw_explorer_runs,
                          {"data": "the data set the run trained on (JSON with a list 'x' of examples)"}),
}


def figure(kind: str, path: str, page_name: str, config, number: int, options: dict | None = None) -> str:
    """The HTML for one figure line: ``kind`` drawn from the recorded output at ``path``."""
    options = options or {}
    line = " ".join([":figure:", kind, path, *(f"{k}={v}" for k, v in options.items())])
    snippet = Recording(PurePosixPath(path)).snippet.as_posix() if path.endswith(".out") else path
    if kind not in KINDS:
        raise PluginError(f"{page_name}: unknown figure kind {kind!r} in '{line}'. Use one of: {', '.join(KINDS)}.")
    spec = KINDS[kind]
    file = find_included(path, config)
    if not path.startswith("snippets/") or not path.endswith(".out"):
        raise PluginError(f"{page_name}: '{line}' must name a recorded output snippets/<topic>/<name>.out. "
                          f"Fix the path: {USAGE}")
    if file is None:
        raise PluginError(f"{page_name}: '{line}' must name a recorded output that exists, but {path} is "
                          f"missing. Record it with: {refresh_hint(snippet)}")
    if set(options) != set(spec.options):
        wanted = " ".join(f"{name}=PATH" for name in spec.options)
        needs = "; ".join(f"{name}=PATH: {what}" for name, what in spec.options.items()) or "no options"
        raise PluginError(f"{page_name}: '{line}': the {kind} figure takes {needs}. "
                          f"Write: :figure: {kind} {path}{' ' + wanted if wanted else ''}")
    files = {}
    for name, value in options.items():
        files[name] = find_included(value, config)
        if files[name] is None:
            raise PluginError(f"{page_name}: '{line}' names {value} as {name}, which does not exist. "
                              f"Fix the path: {spec.options[name]}.")
    try:
        data = spec.read(file.read_text(encoding="utf-8"), files)
    except FigureError as error:
        fix = error.fix or f"Fix the snippet's printing, then record it with: {refresh_hint(snippet)}"
        raise PluginError(f"{page_name}: cannot draw the {kind} figure from {path}: {error}. {fix}") from None
    return spec.draw(data, f"fig-{kind}-{number}", path)


def on_page_markdown(markdown, page, config, files):
    if ":figure:" not in markdown:
        return markdown
    name = page_source(config, page.file.src_uri)
    counter = itertools.count(1)

    def replace(found: re.Match) -> str:
        match = DIRECTIVE.fullmatch(found[0].rstrip())
        words = match["options"].split() if match else []
        options = [OPTION.fullmatch(word) for word in words]
        if not match or not all(options):
            raise PluginError(f"{name}: {found[0].strip()!r} is not a figure line. Write {USAGE}, "
                              f"with a kind of: {', '.join(KINDS)}.")
        return figure(match["kind"], match["path"], name, config, next(counter),
                      {o["name"]: o["value"] for o in options})

    return LINE.sub(replace, markdown)
