"""snipcheck/rules/prose.py: the number and code rules fail on a broken copy of the site naming
the page, a quiz explanation may only use its own question's numbers, a notebook's Markdown is
checked too, and typed numbers are matched as rounded. The rules applied to every page are in
test_content_pages.py."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from snipcheck.compare import NUMBER
from snipcheck.layout import DOCS, built_page
from snipcheck.rules.prose import (backed, blocks_in, code_problems, notebook_number_problems, page_number_problems,
                                   prose_of, shown_numbers, shown_sources, stray_numbers, typed_numbers)


TYPED_NUMBER = "Training this model took 1234.5 seconds."


NUMBER_IN_CODE = "Its learning rate, 0.1, sits in the code above."


INDENTED = "    print('invented output')"


TILDE = "~~~python\nprint('typed, never run')\n~~~"


RAW_PRE = "<pre>loss after training: 0.0001</pre>"


@pytest.mark.selftest
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
    other = next(n for n in NUMBER.findall(" ".join(blocks_in(first)))
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
