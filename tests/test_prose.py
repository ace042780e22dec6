"""Prose types no number that no run shows, and every code block on a page comes from a run.

(a) Numbers. On every topic page (docs/<topic>/*.md, built) and in every notebook's Markdown
cells, a number typed in the prose must appear, within tolerance, in a recorded output or in
the code shown on that page (every ``<pre>`` of the page; (b) proves those come from runs).
A quiz question is stricter: its legend and explanation may only use the numbers shown in
that question's own code and output. The message names the page, the number and the fix.

Exempt, because they label the page rather than state a result (keep this list short):

* numbers in headings (``Problem 3``, ``Step 1``);
* numbers that name a part of the site right after one of LABELS (``practice problem 4``);
* answer options of the quiz and of practice problems: wrong options are meant to be wrong,
  and tests/test_quiz.py and tests/test_modes.py check the right one against its output;
* digits inside a name (``float32``, ``h2``): they are not quantities.

A typed number matches a shown one when it is that number rounded to the digits typed
(``0.207`` for ``0.2075``), or, for a whole number, equal within ``snipcheck``'s relative
tolerance; ``95.8%`` also matches ``0.958``. Signs are ignored (prose writes "−1.5").

(b) Code. In the built site, the text of every ``<pre>`` on a topic page (fenced, indented,
``~~~`` or raw HTML alike) must be whole lines of a snippet under snippets/ (section markers
left out), whole lines of a recorded ``.out``, or one of ALLOWED_COMMANDS.

Helpers here that belong to the engine's layout module once ``snipcheck/`` exists:
``topic_pages``, ``built_page``, ``shown_sources`` and ``is_shown_source`` (which files a page
may show code from); ``typed_numbers``, ``backed`` and ``stray_numbers`` (the number rule).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from tests import snipcheck

ROOT, DOCS, SNIPPETS = snipcheck.ROOT, snipcheck.DOCS, snipcheck.SNIPPETS
RTOL = snipcheck.DEFAULTS["rtol"]
# A number typed in prose; digits inside a name (float32, h2) are not numbers.
TYPED = re.compile(r"(?<![\w.])(?:\d+\.\d+|\.\d+|\d+)(?:[eE][-+]?\d+)?(?P<percent>\s?%)?")
# Words after which a number names a part of the site, not a result.
LABELS = re.compile(r"\b(?:problem|problems|step|question|card)\s+$", re.IGNORECASE)
# Shell commands a page may show without a snippet (none of them prints a result).
ALLOWED_COMMANDS = {"nox -s docs", "nox -s tests", "nox -s outputs", "nox -s serve"}
FIX_NUMBER = ("show it in an output: print it from a snippet and record it with nox -s outputs, "
              "then include that output on the page; or say it in words without the number.")


def topic_pages(docs: Path = DOCS) -> list[Path]:
    """Pages that belong to a topic: Markdown and notebooks in a folder under docs/."""
    return sorted(p for p in docs.glob("*/**/*") if p.suffix in {".md", ".ipynb"})


def built_page(site: Path, page: Path, docs: Path = DOCS) -> Path:
    relative = page.relative_to(docs)
    if page.name == "index.md":
        return site / relative.parent / "index.html"
    return site / relative.with_suffix("") / "index.html"


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
    return [abs(float(n)) for text in texts for n in snipcheck.NUMBER.findall(text)]


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
    removed = node.select(
        "pre, div.highlight, svg, h1, h2, h3, h4, h5, h6, a.headerlink, "
        "fieldset.quiz > ol > li"
    )
    removed += [li for li in node.find_all("li") if re.match(r"^\s*[A-Z]\.", li.get_text())
                and li.find("strong")]
    for tag in removed:
        tag.decompose()
    return node.get_text(" ", strip=True)


def blocks_in(node: Tag) -> list[str]:
    return [pre.get_text() for pre in node.find_all("pre")]


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
    name = snipcheck.rel(page) if page.is_relative_to(ROOT) else f"docs/{page.relative_to(docs)}"
    if page.suffix == ".ipynb":
        return notebook_number_problems(name, json.loads(page.read_text(encoding="utf-8")))
    return page_number_problems(name, built_page(site, page, docs).read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", topic_pages(), ids=snipcheck.rel)
def test_prose_types_only_numbers_a_run_shows(page, built_site):
    problems = number_problems(built_site, page)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- (b) code


def lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def shown_sources(root: Path = SNIPPETS) -> list[str]:
    """What a page may show: every snippet without its section markers, every recorded output."""
    texts = []
    for snippet in snipcheck.discover(root):
        source = snippet.read_text(encoding="utf-8").splitlines()
        texts.append("\n".join(line for line in source if "--8<--" not in line))
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


@pytest.fixture(scope="module")
def sources() -> list[str]:
    return shown_sources()


@pytest.mark.parametrize("page", topic_pages(), ids=snipcheck.rel)
def test_every_code_block_comes_from_a_run(page, built_site, sources):
    html = built_page(built_site, page).read_text(encoding="utf-8")
    problems = code_problems(snipcheck.rel(page), html, sources)
    assert not problems, "\n".join(problems)


# ---------------------------------------------- the checks fail on a broken copy of the site

TYPED_NUMBER = "Training this model took 1234.5 seconds."
NUMBER_IN_CODE = "Its learning rate, 0.1, sits in the code above."
INDENTED = "    print('invented output')"
TILDE = "~~~python\nprint('typed, never run')\n~~~"
RAW_PRE = "<pre>loss after training: 0.0001</pre>"


def test_checks_fail_on_a_broken_copy_naming_the_page(site_copy):
    """One copy broken in four places and built once (a build takes a while): a number typed
    into prose, an indented code block, a ~~~python fence and a raw <pre>."""
    site_copy.edit_page("training-weights/index.md", "## Two examples\n",
                        f"{TYPED_NUMBER} {NUMBER_IN_CODE}\n\n## Two examples\n")
    site_copy.edit_page("training-weights/practice.md", "# Practice problems\n",
                        f"# Practice problems\n\n{INDENTED}\n\n")
    site_copy.edit_page("training-weights/notes.md", "## What TensorFlow automates\n",
                        f"{TILDE}\n\n## What TensorFlow automates\n")
    site_copy.edit_page("training-weights/recap.md", "## Recall cards\n",
                        f"{RAW_PRE}\n\n## Recall cards\n")
    done = site_copy.build()
    assert done.returncode == 0, done.stderr[-3000:]
    docs, site, sources = site_copy.docs, site_copy.site, shown_sources()

    def problems(page: str, check) -> str:
        path = docs / page
        html = built_page(site, path, docs).read_text(encoding="utf-8")
        name = f"docs/{page}"
        return "\n".join(check(name, html))

    numbers = problems("training-weights/index.md", page_number_problems)
    assert "docs/training-weights/index.md: the prose types 1234.5" in numbers, numbers
    assert "0.1," not in numbers and "types 0.1" not in numbers, numbers

    def code(name, html):
        return code_problems(name, html, sources)

    for page, shown in [("training-weights/practice.md", "print('invented output')"),
                        ("training-weights/notes.md", "print('typed, never run')"),
                        ("training-weights/recap.md", "loss after training: 0.0001")]:
        found = problems(page, code)
        assert f"docs/{page}: a code block shows {shown!r}" in found, (page, found)
    # The unbroken pages of the copy pass, so the failures above come from the breakage.
    assert not problems("training-weights/quiz.md", code)


def test_a_quiz_explanation_may_only_use_its_own_question_numbers(built_site):
    html = built_page(built_site, DOCS / "training-weights" / "quiz.md").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    printing = [q for q in soup.select("fieldset.quiz") if q.get("data-output")]
    first, second = printing[0], printing[1]
    # A number that only the first question's output shows, typed in the second's explanation.
    own = set(shown_numbers(blocks_in(second)))
    other = next(n for n in snipcheck.NUMBER.findall(" ".join(blocks_in(first)))
                 if "." in n and abs(float(n)) not in own)
    second.find("details").p.append(f" It would print {other}.")
    problems = page_number_problems("quiz", str(soup))
    assert any(f"question #{second['id']}: the prose types {other}" in p for p in problems), problems
    # The same number in the first question's own explanation is fine.
    assert not any(f"question #{first['id']}" in p for p in problems), problems


def test_numbers_in_the_questions_own_code_pass(built_site):
    """The quiz writes "a right answer of 2": the question's code shows 2.0."""
    html = built_page(built_site, DOCS / "training-weights" / "quiz.md").read_text(encoding="utf-8")
    question = BeautifulSoup(html, "html.parser").select_one("#q-one-step-loss")
    assert "right answer of 2" in prose_of(question)
    assert not stray_numbers(prose_of(question), blocks_in(question))


def test_notebook_markdown_with_an_unshown_number_fails():
    notebook = json.loads((DOCS / "training-weights" / "experiment.ipynb").read_text(encoding="utf-8"))
    assert not notebook_number_problems("experiment", notebook)
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["It took 987.6 s."]})
    problems = notebook_number_problems("experiment", notebook)
    assert problems and "experiment: a Markdown cell types 987.6" in problems[0], problems


@pytest.mark.parametrize("typed, shown, ok", [
    ("0.207", [0.2075], True), ("0.21", [0.2075], True), ("0.2", [0.2075], True),
    ("0.3", [0.2075], False), ("3", [2.987], False), ("3", [3.0], True),
    ("95.8%", [0.9583], True), ("96%", [0.9583], True), ("94%", [0.9583], False),
    ("1.5184", [-1.5184], True),
])
def test_a_typed_number_is_matched_as_rounded(typed, shown, ok):
    assert backed(typed, shown) is ok


def test_labels_headings_and_names_are_exempt():
    assert typed_numbers("see practice problem 4 and Step 2 in float32 with h2") == []
    assert typed_numbers("a loss of 0.576, 3 steps") == ["0.576", "3"]
