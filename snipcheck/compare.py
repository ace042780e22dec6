"""Is this the recorded output? Normalising, the tolerance compare, and the diff.

Text must match exactly (runs of spaces count as one, trailing spaces and blank lines do not
count); numbers match within a tolerance, so that another CPU's last-digit rounding is not a
failure; integers must match exactly. ``mismatch`` is the one function every checker calls to
compare a snippet's text with its recorded output.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from snipcheck.layout import DEFAULTS, Snippet, rel

# A number as Python, NumPy and Keras print it: 3, -0.25, 1e-05, 7.925e+00, .5
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# Wall-clock figures that change every run: "12ms/step", "0s", "1.2s/epoch", "345us/sample".
CLOCK = re.compile(r"\b\d+(?:\.\d+)?(?:s|ms|us|µs)(?=\b|/)(?:/(?:step|epoch|sample))?")


def normalise(text: str) -> str:
    """Mask wall-clock figures, drop trailing spaces and trailing blank lines."""
    lines = [CLOCK.sub("<time>", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).rstrip("\n")


def _tokens(text: str) -> list[str | tuple[float, float]]:
    """Split text into plain pieces and (value, resolution) numbers."""
    parts: list = []
    pos = 0
    for m in NUMBER.finditer(text):
        token = m.group()
        mantissa, _, exponent = token.lower().partition("e")
        if "." in mantissa or exponent:
            decimals = len(mantissa.partition(".")[2])
            resolution = 10.0 ** (int(exponent or 0) - decimals)
        else:  # an integer is a count or an index: it must match exactly
            resolution = 0.0
        parts.append(text[pos : m.start()])
        parts.append((float(token), resolution))
        pos = m.end()
    parts.append(text[pos:])
    # Runs of spaces collapse: NumPy re-pads its columns when a sign flips near zero.
    return [re.sub(r"[ \t]+", " ", p) if isinstance(p, str) else p for p in parts]


def same_output(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """True when the texts match exactly and every number matches within tolerance.

    A printed number stands for any value that rounds to it, so two numbers match
    when values they could stand for lie within ``max(atol, rtol * |value|)``:
    a last-digit rounding flip (0.615 vs 0.616) on another CPU is not a failure,
    a real change is. Integers must match exactly; runs of spaces count as one.
    """
    want, got = _tokens(normalise(expected)), _tokens(normalise(actual))
    if len(want) != len(got):
        return False
    for a, b in zip(want, got):
        if isinstance(a, tuple) and isinstance(b, tuple):
            (x, rx), (y, ry) = a, b
            slack = max(atol, rtol * max(abs(x), abs(y))) + (rx + ry) / 2
            if abs(x - y) > slack * (1 + 1e-9):
                return False
        elif a != b:
            return False
    return True


def diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        normalise(expected).splitlines(),
        normalise(actual).splitlines(),
        f"{name} (recorded)",
        f"{name} (this run)",
        lineterm="",
    )
    return "\n".join(lines)


def matches(snippet: Path, text: str, *, one_line: bool = False) -> bool:
    """``text`` shows the snippet's recorded output (with ``one_line``: the whole output or
    any one line of it), numbers compared with the snippet's tolerance."""
    s = Snippet(Path(snippet))
    if not s.output.exists():
        return False
    cfg = s.settings if s.path.exists() else DEFAULTS
    recorded = s.output.read_text(encoding="utf-8")
    candidates = [recorded]
    if one_line:
        candidates += [line for line in normalise(recorded).splitlines() if line.strip()]
    return any(same_output(c, text, cfg["rtol"], cfg["atol"]) for c in candidates)


def mismatch(snippet: Path, text: str, shown_by: str | None = None) -> str | None:
    """None when ``text`` matches the snippet's recorded output, else the message: what
    differs (a diff), where the output is shown, and the command that refreshes it."""
    s = Snippet(Path(snippet))
    who = shown_by or s.name
    if not s.output.exists():
        return f"{who} has no recorded output ({rel(s.output)} is missing).\nRecord it with: {s.hint}"
    if matches(s.path, text):
        return None
    cfg = s.settings
    return (
        f"{who}: output differs from {rel(s.output)} "
        f"(numbers compared with rtol={cfg['rtol']:g}, atol={cfg['atol']:g}).\n"
        f"Shown on: {', '.join(s.pages) or 'no page yet'}\n"
        f"{diff(s.output.read_text(encoding='utf-8'), text, rel(s.output))}\n"
        f"If the new output is right, refresh it with: {s.hint}"
    )
