"""What a page's own words and blocks may show: numbers a run printed, code a snippet holds.

(a) Numbers. On every topic page (docs/<topic>/*.md, built) and in every notebook's Markdown
cells, a number typed in the prose must appear, within tolerance, in a recorded output or in
the code shown on that page. A quiz question is stricter: its legend and explanation may only
use the numbers shown in that question's own code and output.

Exempt, because they label the page rather than state a result (keep this list short):

* numbers in headings (``Problem 3``, ``Step 1``);
* numbers that name a part of the site right after one of LABELS (``practice problem 4``);
* answer options of the quiz and of practice problems: wrong options are meant to be wrong,
  and the quiz and practice checks test the right one against its output;
* digits inside a name (``float32``, ``h2``): they are not quantities.

A typed number matches a shown one when it is that number rounded to the digits typed
(``0.207`` for ``0.2075``), or, for a whole number, equal within the default relative
tolerance; ``95.8%`` also matches ``0.958``. Signs are ignored (prose writes "−1.5").

(b) Code. In the built site, the text of every ``<pre>`` on a topic page (fenced, indented,
``~~~`` or raw HTML alike) must be whole lines of a snippet under snippets/ (section markers
left out), whole lines of a recorded ``.out``, or one of ALLOWED_COMMANDS.

What a hook draws from a recorded output (a figure, a table) carries ``data-recorded="PATH"``:
its numbers count as shown output, not as prose. The learning path and the Next step link are
navigation, not prose. These marks are trusted because only hooks emit them: the raw-HTML
rule refuses each of them in a page source (``snipcheck.rules.HOOK_MARKS``).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from snipcheck.compare import NUMBER
from snipcheck.layout import DEFAULTS, DOCS, ROOT, SNIPPETS, built_page, discover, read_notebook, rel, shown_code
from snipcheck.rules.pages import HOOK_ATTRIBUTES, HOOK_CLASSES, HOOK_ELEMENTS

RTOL = DEFAULTS["rtol"]
# A number typed in prose; digits inside a name (float32, h2) are not numbers.
TYPED = re.compile(r"(?<![\w.])(?:\d+\.\d+|\.\d+|\d+)(?:[eE][-+]?\d+)?(?P<percent>\s?%)?")
# Words after which a number names a part of the site, not a result.
LABELS = re.compile(r"\b(?:problem|problems|step|question|card)\s+$", re.IGNORECASE)
# Shell commands a page may show without a snippet (none of them prints a result).
ALLOWED_COMMANDS = {"nox -s docs", "nox -s tests", "nox -s outputs", "nox -s serve"}
# What hooks (and the theme) emit: drawn from a recorded output, code, or navigation.
DRAWN = ", ".join(f"[{a}]" for a in HOOK_ATTRIBUTES)
TRUSTED = ", ".join([*HOOK_ELEMENTS, *(f".{c}" for c in HOOK_CLASSES), DRAWN])
FIX_NUMBER = ("show it in an output: print it from a snippet and record it with nox -s outputs, "
              "then include that output on the page; or say it in words without the number.")


def topic_pages(docs: Path = DOCS) -> list[Path]:
    """Pages that belong to a topic: Markdown and notebooks in a folder under docs/."""
    return sorted(p for p in docs.glob("*/**/*") if p.suffix in {".md", ".ipynb"})


# --------------------------------------------------------------------------- (a) numbers


def typed_numbers(text: str) -> list[str]:
    """Numbers typed in text, as written (with % when there is one), labels left out."""
    found = []
    for match in TYPED.finditer(text):
        if LABELS.search(text[max(0, match.start() - 20) : match.start()]):
            continue
        found.append(match.group(0).replace(" ", ""))
    return found


def shown_numbers(texts) -> list[float]:
    return [abs(float(n)) for text in texts for n in NUMBER.findall(text)]


def backed(typed: str, shown: list[float]) -> bool:
    """The typed number is a shown number, as rounded to the digits typed."""
    percent = typed.endswith("%")
    digits = typed.rstrip("%")
    value = abs(float(digits))
    decimals = len(digits.partition(".")[2]) if "." in digits and "e" not in digits.lower() else 0
    candidates = [value, value / 100] if percent else [value]
    for candidate, places in ((c, decimals + (2 if c is not value else 0)) for c in candidates):
        for number in map(abs, shown):
            if places and abs(number - candidate) <= 0.5 * 10**-places + 1e-12:
                return True
            if abs(number - candidate) <= RTOL * max(abs(number), 1e-12):
                return True
    return False


def stray_numbers(prose: str, shown_texts) -> list[str]:
    shown = shown_numbers(shown_texts)
    return sorted({n for n in typed_numbers(prose) if not backed(n, shown)}, key=typed_numbers(prose).index)


def article(html: str) -> Tag:
    soup = BeautifulSoup(html, "html.parser")
    return soup.select_one("article") or soup


def prose_of(node: Tag) -> str:
    """The node's prose: no code blocks, figures, headings, answer options or permalinks."""
    node = copy.copy(node)
    removed = node.select(f"pre, h1, h2, h3, h4, h5, h6, fieldset.quiz > ol > li, {TRUSTED}")
    removed += [li for li in node.find_all("li") if re.match(r"^\s*[A-Z]\.", li.get_text())
                and li.find("strong")]
    for tag in removed:
        tag.decompose()
    return node.get_text(" ", strip=True)


def blocks_in(node: Tag) -> list[str]:
    """What the node shows from runs: its code blocks and what hooks drew from outputs."""
    return [pre.get_text() for pre in node.find_all("pre")] + [
        drawn.get_text(" ") for drawn in node.select(DRAWN)]


def page_number_problems(name: str, html: str) -> list[str]:
    """Numbers typed in a built page's prose that no code or output on the page shows."""
    root = article(html)
    problems = []

    def report(where: str, numbers: list[str], scope: str) -> None:
        for number in numbers:
            problems.append(f"{name}{where}: the prose types {number}, which no {scope} shows.\n"
                            f"    Fix: {FIX_NUMBER}")

    for fieldset in root.select("fieldset.quiz"):
        qid = fieldset.get("id", "?")
        report(f", question #{qid}", stray_numbers(prose_of(fieldset), blocks_in(fieldset)),
               "code or output of this question")
    page_blocks = blocks_in(root)
    rest = copy.copy(root)
    for fieldset in rest.select("fieldset.quiz"):
        fieldset.decompose()
    report("", stray_numbers(prose_of(rest), page_blocks), "code or output on the page")
    return problems


def notebook_number_problems(name: str, notebook: dict) -> list[str]:
    """Numbers typed in a notebook's Markdown cells that no code cell or output shows."""
    def text(value) -> str:
        return "".join(value) if isinstance(value, list) else str(value)

    prose, shown = [], []
    for cell in notebook.get("cells", []):
        source = text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            prose += [line for line in source.splitlines() if not line.lstrip().startswith("#")]
        elif cell.get("cell_type") == "code":
            shown.append(source)
            for output in cell.get("outputs", []):
                shown.append(text(output.get("text", "")))
                for kind in ("text/plain", "text/markdown"):
                    shown.append(text(output.get("data", {}).get(kind, "")))
    return [f"{name}: a Markdown cell types {number}, which no code cell or output shows.\n"
            f"    Fix: {FIX_NUMBER} (the notebook's source is under snippets/)"
            for number in stray_numbers("\n".join(prose), shown)]


def number_problems(site: Path, page: Path, docs: Path = DOCS) -> list[str]:
    name = rel(page) if page.is_relative_to(ROOT) else f"docs/{page.relative_to(docs)}"
    if page.suffix == ".ipynb":
        return notebook_number_problems(name, read_notebook(page))
    return page_number_problems(name, built_page(site, page, docs).read_text(encoding="utf-8"))



def lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def shown_sources(root: Path = SNIPPETS) -> list[str]:
    """What a page may show: every snippet without its section markers, every recorded output."""
    texts = []
    for snippet in discover(root):
        texts.append(shown_code(snippet.read_text(encoding="utf-8")))
    texts += [out.read_text(encoding="utf-8") for out in sorted(root.rglob("*.out"))]
    return [f"\n{lines(t)}\n" for t in texts]


def is_shown_source(block: str, sources: list[str]) -> bool:
    shown = lines(block)
    if not shown.strip() or shown in ALLOWED_COMMANDS:
        return True
    return any(f"\n{shown}\n" in source for source in sources)


def code_problems(name: str, html: str, sources: list[str]) -> list[str]:
    problems = []
    for block in article(html).find_all("pre"):
        if not is_shown_source(block.get_text(), sources):
            first = next((ln.strip() for ln in block.get_text().splitlines() if ln.strip()), "")
            problems.append(
                f"{name}: a code block shows {first[:70]!r}, which is in no snippet or recorded "
                "output (an indented block, a ~~~ fence or a raw <pre> is not checked by any run).\n"
                '    Fix: put the code in snippets/<topic>/<name>.py and include it in a ```python '
                'fence with --8<-- "snippets/<topic>/<name>.py", and show its output with '
                '--8<-- "snippets/<topic>/<name>.out" in a ```text fence.'
            )
    return problems
