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

# A number as Python, NumPy and Keras print it: 3, -0.25, 1e-05, 7.925e+00, .5 (not the
# digits inside a word such as "v2" or "dense_1", which are compared as text).
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# A hexadecimal token, compared as text: "0x7fb5c812e700" is not the number 0 and then more.
HEX = re.compile(r"(?<![\w.])0[xX][0-9a-fA-F]+\b")
# A memory address, as in "<object at 0x7fb5c812e700>": different on every run.
ADDRESS = re.compile(r"\b0[xX][0-9a-fA-F]{6,}\b")
# Wall-clock figures: "12ms/step", "0s", "1.2s/epoch", "345us/sample", "0.417s".
CLOCK = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:s|ms|us|µs)(?=\b|/)(?:/(?:step|epoch|sample))?")
# A Keras progress line ("1/1 ━━━━ 0s 12ms/step - loss: ..." or "1/1 - 0s - 12ms/step - ..."):
# the only place where a printed time is expected, and masked.
PROGRESS = re.compile(r"^\s*\d+/\d+ (?:[━─=>.\[\]]+|-) ")


def normalise(text: str) -> str:
    """Mask wall-clock figures on Keras progress lines, drop trailing spaces and blank lines."""
    lines = [(CLOCK.sub("<time>", line) if PROGRESS.match(line) else line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).rstrip("\n")


def unstable(text: str) -> list[str]:
    """Printed things that change on every run, so no recording can ever match them: memory
    addresses, and times the snippet prints itself (Keras progress lines are masked)."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for m in ADDRESS.finditer(line):
            found.append(f"line {number} prints a memory address ({m.group()}), which changes on every "
                         "run. Print the value itself (for example print(x.numpy()) or a name), not the object.")
        if not PROGRESS.match(line):
            for m in CLOCK.finditer(line):
                found.append(f"line {number} prints a time ({m.group()}), which changes on every run. "
                             "Do not print timings; print the numbers the reader should compare.")
    return found


def _number(token: str) -> tuple[float, float] | None:
    """(value, resolution) of a printed number; resolution 0.0 for an integer, which must
    match exactly. None for a number too large to compare as a float."""
    mantissa, _, exponent = token.lower().partition("e")
    try:
        value = float(token)
        if "." in mantissa or exponent:
            decimals = len(mantissa.partition(".")[2])
            resolution = 10.0 ** (int(exponent or 0) - decimals)
        else:
            resolution = 0.0
    except (OverflowError, ValueError):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value, resolution


def _tokens(text: str) -> list[str | tuple[float, float, str]]:
    """Split text into plain pieces and (value, resolution, token) numbers."""
    parts: list = []
    pos = 0
    hexes = [(m.start(), m.end()) for m in HEX.finditer(text)]
    for m in NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in hexes):
            continue
        number = _number(m.group())
        if number is None:  # kept as text: compared exactly
            continue
        parts.append(text[pos : m.start()])
        parts.append((*number, m.group()))
        pos = m.end()
    parts.append(text[pos:])
    # Runs of spaces collapse: NumPy re-pads its columns when a sign flips near zero.
    return [re.sub(r"[ \t]+", " ", p) if isinstance(p, str) else p for p in parts]


def same_output(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """True when the texts match exactly and every number matches within tolerance.

    Two numbers match when they differ by at most ``max(atol, rtol * |value|)`` plus half
    a unit of the finer of the two printed resolutions: a last-digit rounding flip
    (0.615 vs 0.616 at rtol 1e-3) on another CPU is not a failure, but a change of a whole
    printed unit (``0.`` to ``1.``, ``1e-03`` to ``2e-03``, ``0.5`` to ``0.6``) is.
    Integers must match exactly, whatever their size; runs of spaces count as one.
    """
    want, got = _tokens(normalise(expected)), _tokens(normalise(actual))
    if len(want) != len(got):
        return False
    for a, b in zip(want, got):
        if isinstance(a, tuple) and isinstance(b, tuple):
            (x, rx, _), (y, ry, _) = a, b
            if rx == 0.0 or ry == 0.0:  # an integer is a count or an index: exact, any size
                if rx != ry or x != y:
                    return False
                continue
            slack = max(atol, rtol * max(abs(x), abs(y))) + min(rx, ry) / 2
            if abs(x - y) > slack * (1 + 1e-9):
                return False
        elif a != b:
            return False
    return True


def diff(expected: str, actual: str, name: str, labels: tuple[str, str] = ("recorded", "this run")) -> str:
    lines = difflib.unified_diff(
        normalise(expected).splitlines(),
        normalise(actual).splitlines(),
        f"{name} ({labels[0]})",
        f"{name} ({labels[1]})",
        lineterm="",
    )
    return "\n".join(lines)


def matches(snippet: Path, text: str, *, one_line: bool = False) -> bool:
    """``text`` shows the snippet's recorded output (with ``one_line``: the whole output or
    any one line of it), numbers compared with the snippet's tolerance."""
    s = Snippet.of(snippet)
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
    s = Snippet.of(snippet)
    who = shown_by or s.rel
    if not s.output.exists():
        return f"{who} has no recorded output ({rel(s.output)} is missing).\nRecord it with: {s.hint}"
    if moving := unstable(text):
        return (f"{who} prints something that changes on every run, so it can never match "
                f"{rel(s.output)}:\n  " + "\n  ".join(moving) + f"\nFix the snippet, then run: {s.hint}")
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
