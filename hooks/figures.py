"""MkDocs hook: figures drawn at build time from recorded outputs, never by hand.

A page asks for a figure with one line of its own::

    :figure: loss-curve snippets/training-weights/loss_curve.out

The hook reads that recorded output (written by ``nox -s outputs``), takes the numbers from
it, and puts an inline SVG in place of the line. No value in a figure is typed anywhere: when
a run prints other numbers, the picture changes with them. The SVG draws with the theme's
colours (CSS custom properties), so it follows light and dark mode, and it carries a title
and a description, written from the same numbers, for screen readers.

Kinds of figure:

* ``loss-curve``: a one-weight loss curve, the gradient at the current weight (pointing
  uphill) and the optimizer's step (going downhill). Reads ``curve:`` rows of ``w loss``,
  then ``current: w = W, loss = L``, ``gradient: G`` and ``step: ... new w = W2, loss = L2``.
* ``epoch-loss``: the loss per epoch. Reads lines ``mean loss during epoch N: L``.

A missing file or a line the hook cannot read fails the build, naming the page, the file
and the fix. Only the standard library, MkDocs and ``snipcheck.layout`` are used.
"""

from __future__ import annotations

import html
import re
from mkdocs.exceptions import PluginError

from snipcheck.layout import find_included, refresh_hint

DIRECTIVE = re.compile(r"^:figure:[ \t]+(?P<kind>[\w-]+)[ \t]+(?P<path>\S+)[ \t]*$", re.MULTILINE)
NUM = r"([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"

# Colours of the theme, so the figure follows light and dark mode.
FG = "var(--md-default-fg-color)"
MUTED = "var(--md-default-fg-color--light)"
CURVE = "var(--md-typeset-a-color)"
UPHILL = "var(--md-accent-fg-color)"

W, H = 560, 300  # view box
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44


class FigureError(Exception):
    pass


def _find(pattern: str, text: str, what: str) -> re.Match:
    match = re.search(pattern, text, re.MULTILINE)
    if not match:
        raise FigureError(f"it has no line for {what} (expected a line matching {pattern!r})")
    return match


def read_loss_curve(text: str) -> dict:
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


def read_epoch_loss(text: str) -> dict:
    rows = re.findall(rf"^mean loss during epoch\s+(\d+): {NUM}$", text, re.MULTILINE)
    if len(rows) < 2:
        raise FigureError("it has fewer than two lines 'mean loss during epoch N: L'")
    return {"points": [(int(e), float(v)) for e, v in rows], "texts": rows}


class Axes:
    """Maps data to the view box."""

    def __init__(self, xs, ys):
        self.x0, self.x1 = min(xs), max(xs)
        self.y0, self.y1 = min(0.0, min(ys)), max(ys)

    def x(self, value: float) -> float:
        return LEFT + (value - self.x0) / (self.x1 - self.x0) * (W - LEFT - RIGHT)

    def y(self, value: float) -> float:
        return H - BOTTOM - (value - self.y0) / (self.y1 - self.y0) * (H - TOP - BOTTOM)

    def frame(self, xlabel: str, ylabel: str, xticks, yticks) -> list[str]:
        parts = [
            f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="{MUTED}"/>',
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="{MUTED}"/>',
            f'<text x="{(LEFT + W - RIGHT) / 2:.1f}" y="{H - 8}" text-anchor="middle" fill="{FG}">{xlabel}</text>',
            f'<text x="12" y="{(TOP + H - BOTTOM) / 2:.1f}" text-anchor="middle" fill="{FG}" '
            f'transform="rotate(-90 12 {(TOP + H - BOTTOM) / 2:.1f})">{ylabel}</text>',
        ]
        for value, label in xticks:
            parts.append(f'<text x="{self.x(value):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" '
                         f'fill="{MUTED}" font-size="12">{label}</text>')
        for value, label in yticks:
            parts.append(f'<text x="{LEFT - 6}" y="{self.y(value) + 4:.1f}" text-anchor="end" '
                         f'fill="{MUTED}" font-size="12">{label}</text>')
        return parts


def _arrow(x1, y1, x2, y2, colour, marker, dash="") -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="2.5"{extra} marker-end="url(#{marker})"/>')


def _markers(prefix: str) -> str:
    heads = "".join(
        f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{colour}"/></marker>'
        for name, colour in (("up", UPHILL), ("down", FG))
    )
    return f"<defs>{heads}</defs>"


def _svg(fig_id: str, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg class="run-figure" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{fig_id}-title {fig_id}-desc" '
        f'style="width:100%;max-width:{W}px;height:auto;font-family:inherit;font-size:14px">'
        f'<title id="{fig_id}-title">{html.escape(title)}</title>'
        f'<desc id="{fig_id}-desc">{html.escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def draw_loss_curve(data: dict, fig_id: str) -> str:
    rows, t = data["curve"], data["texts"]
    axes = Axes([w for w, _ in rows], [loss for _, loss in rows])
    path = " ".join(f"{'M' if i == 0 else 'L'}{axes.x(w):.1f} {axes.y(v):.1f}" for i, (w, v) in enumerate(rows))
    w, loss, g = data["w"], data["loss"], data["gradient"]
    new_w, new_loss = data["new_w"], data["new_loss"]
    px, py = axes.x(w), axes.y(loss)
    # Uphill: along the tangent, toward where the loss grows (the sign of the gradient).
    span = (axes.x1 - axes.x0) / 6
    up_w = w + span * (1 if g > 0 else -1)
    up_x, up_y = axes.x(up_w), axes.y(loss + g * (up_w - w))
    nx, ny = axes.x(new_w), axes.y(new_loss)
    base = H - BOTTOM - 12
    ticks = [(v, f"{v:g}") for v, _ in rows[:: max(1, len(rows) // 4)]]
    yt = [(v, f"{v:.3g}") for v in (axes.y0, (axes.y0 + axes.y1) / 2, axes.y1)]
    key_x, key_y = W - RIGHT - 250, TOP + 16
    body = [_markers(fig_id)] + axes.frame("weight w", "loss", ticks, yt) + [
        f'<path d="{path}" fill="none" stroke="{CURVE}" stroke-width="2.5"/>',
        f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{px:.1f}" y2="{base:.1f}" stroke="{MUTED}" stroke-dasharray="3 3"/>',
        f'<line x1="{nx:.1f}" y1="{ny:.1f}" x2="{nx:.1f}" y2="{base:.1f}" stroke="{MUTED}" stroke-dasharray="3 3"/>',
        _arrow(px, py, up_x, up_y, UPHILL, f"{fig_id}-up"),
        _arrow(px, base, nx, base, FG, f"{fig_id}-down"),
        f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{FG}"/>',
        f'<circle cx="{nx:.1f}" cy="{ny:.1f}" r="5" fill="none" stroke="{FG}" stroke-width="2"/>',
        f'<text x="{px - 10:.1f}" y="{py + 18:.1f}" text-anchor="end" fill="{FG}">w = {t["w"]}</text>',
        # The key, in a corner the curve leaves free.
        _arrow(key_x, key_y, key_x + 26, key_y, UPHILL, f"{fig_id}-up"),
        f'<text x="{key_x + 34}" y="{key_y + 5}" fill="{FG}">gradient {t["gradient"]}: uphill</text>',
        _arrow(key_x, key_y + 24, key_x + 26, key_y + 24, FG, f"{fig_id}-down"),
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
    return _svg(fig_id, title, desc, body)


def draw_epoch_loss(data: dict, fig_id: str) -> str:
    points = data["points"]
    axes = Axes([e for e, _ in points], [v for _, v in points])
    axes.x0 = 0
    path = " ".join(f"{'M' if i == 0 else 'L'}{axes.x(e):.1f} {axes.y(v):.1f}" for i, (e, v) in enumerate(points))
    dots = [f'<circle cx="{axes.x(e):.1f}" cy="{axes.y(v):.1f}" r="4" fill="{CURVE}"/>' for e, v in points]
    xt = sorted({(e, str(e)) for e, _ in points[:: max(1, len(points) // 5)] + [points[-1]]})
    yt = [(v, f"{v:g}") for v in (axes.y0, axes.y1)]
    body = axes.frame("epoch", "mean loss during the epoch", xt, yt) + [
        f'<path d="{path}" fill="none" stroke="{CURVE}" stroke-width="2.5"/>'] + dots
    first, last = data["texts"][0], data["texts"][-1]
    title = "Mean loss per epoch"
    desc = (f"The mean loss during each epoch falls quickly and then levels off: {first[1]} in "
            f"epoch {first[0]}, {last[1]} in epoch {last[0]}. Points: "
            + ", ".join(f"epoch {e}: {v}" for e, v in data["texts"]) + ".")
    return _svg(fig_id, title, desc, body)


KINDS = {"loss-curve": (read_loss_curve, draw_loss_curve), "epoch-loss": (read_epoch_loss, draw_epoch_loss)}


def figure(kind: str, path: str, page_name: str, config, number: int) -> str:
    snippet = path[:-4] + ".py" if path.endswith(".out") else path
    if kind not in KINDS:
        raise PluginError(f"{page_name}: unknown figure kind {kind!r} in ':figure: {kind} {path}'. "
                          f"Use one of: {', '.join(KINDS)}.")
    file = find_included(path, config)
    if not path.startswith("snippets/") or not path.endswith(".out") or file is None:
        raise PluginError(f"{page_name}: ':figure: {kind} {path}' must name a recorded output "
                          f"snippets/<topic>/<name>.out that exists; record it with: {refresh_hint(snippet)}")
    read, draw = KINDS[kind]
    try:
        data = read(file.read_text(encoding="utf-8"))
    except FigureError as error:
        raise PluginError(f"{page_name}: cannot draw the {kind} figure from {path}: {error}. "
                          f"Fix the snippet's printing, then record it with: {refresh_hint(snippet)}") from None
    style = f"width:100%;max-width:{W}px;margin:1em auto"
    return (f'<figure class="run-figure" data-recorded="{path}" style="{style}">'
            f'{draw(data, f"fig-{kind}-{number}")}</figure>')


def on_page_markdown(markdown, page, config, files):
    if ":figure:" not in markdown:
        return markdown
    counter = iter(range(1, 1000))
    name = f"docs/{page.file.src_uri}"
    return DIRECTIVE.sub(lambda m: figure(m["kind"], m["path"], name, config, next(counter)), markdown)
