"""snipcheck/rules/pages.py: each rule fails, on a made-up page or snippet folder, naming the file
and the fix. Typed code or output, raw HTML that runs or a mark only hooks may emit, an orphan or
missing output, a recorded-with.json entry without its output (or recorded without the portable
settings)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from snipcheck import layout, outputs
from snipcheck.layout import RECORDED_WITH
from snipcheck.rules import pages


@pytest.mark.selftest
def test_typed_code_or_output_on_a_page_names_the_line_and_the_fix(tmp_path):
    page = tmp_path / "index.md"
    page.write_text(textwrap.dedent('''\
        # A page

        ```python
        print("typed on the page")
        ```

        ```text title="Output"
        typed on the page
        ```
        '''), encoding="utf-8")
    message = "\n".join(pages.block_problems(page))
    assert f"{page}:3: ```python block has inline content 'print(\"typed on the page\")'" in message
    assert "Move the code into a runnable file under snippets/<topic>/" in message
    assert f"{page}:7: ```text block has inline content 'typed on the page'" in message
    assert "Output blocks must include a recorded output" in message and "nox -s outputs" in message


@pytest.mark.selftest
@pytest.mark.parametrize("name, text, rule, expected", [
    ("renamed.out", "1\n", pages.orphan_outputs,
     ["renamed.out has no snippet beside it (renamed.py is missing)", "Delete the output, or restore the snippet."]),
    ("fresh.py", "print(1)\n", pages.missing_outputs,
     ["fresh.py has no recorded output", "Record it with: nox -s outputs -- {file}"]),
], ids=["orphan output", "missing output"])
def test_an_orphan_or_missing_output_names_the_file_and_the_fix(tmp_path, name, text, rule, expected):
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    message = "\n".join(rule(tmp_path))
    for part in expected:
        assert part.format(file=folder / name) in message


@pytest.mark.selftest
def test_entry_for_a_missing_output_is_reported(tmp_path):
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "kept.py").write_text("print(1)\n", encoding="utf-8")
    (folder / "kept.out").write_text("1\n", encoding="utf-8")
    (folder / "new.out").write_text("2\n", encoding="utf-8")
    stamp = outputs.versions()
    (folder / RECORDED_WITH).write_text(json.dumps({"kept.out": stamp, "gone.out": stamp}), encoding="utf-8")
    problems = pages.recorded_with_problems(tmp_path)
    assert len(problems) == 2, problems
    assert "has an entry for gone.out" in problems[1] and str(folder / "gone.out") in problems[1]
    assert f"Run: nox -s outputs -- {folder}" in problems[1]
    assert "new.out has no entry in" in problems[0] and "nox -s outputs --" in problems[0]


@pytest.mark.selftest
def test_a_deleted_output_gets_one_fix(tmp_path):
    """The snippet is there, its .out was deleted: record it again (which also renews the
    entry); no second message asks to delete the entry by hand."""
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "kept.py").write_text("print(1)\n", encoding="utf-8")
    (folder / RECORDED_WITH).write_text(json.dumps({"kept.out": outputs.versions()}), encoding="utf-8")
    problems = pages.recorded_with_problems(tmp_path) + pages.missing_outputs(tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].endswith(f"Record it with: nox -s outputs -- {folder / 'kept.py'}")


@pytest.mark.selftest
def test_an_output_recorded_without_the_portable_settings_is_reported(tmp_path):
    folder = tmp_path / "snippets" / "topic"
    folder.mkdir(parents=True)
    write(folder, "a.py", "print(1)\n")
    (folder / "a.out").write_text("1\n")
    (folder / layout.RECORDED_WITH).write_text(json.dumps({"a.out": {"tensorflow": "2.21.0"}}))
    problems = pages.recorded_with_problems(tmp_path / "snippets")
    assert len(problems) == 1, problems
    assert "a.out was not recorded with the portable numeric settings" in problems[0]
    assert "TF_ENABLE_ONEDNN_OPTS=0" in problems[0] and "nox -s outputs -- " in problems[0]


# --------------------------------------------------------------------------- raw HTML on pages


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


RAW = {
    "script in a quiz legend": '<fieldset class="quiz" id="q-x">\n<legend markdown>Q? <script>alert(1)</script></legend>\n</fieldset>\n',
    "onload on an image": 'Text.\n\n<img src="x.png" alt="x" onload="alert(1)">\n',
    "onerror, spaced": 'Text.\n\n<img src=x alt=x ONERROR = "alert(1)">\n',
    "javascript: HTML link": '<a href="javascript:alert(1)">click</a>\n',
    "javascript: Markdown link": "[click](javascript:alert(1))\n",
    "javascript: spaced and cased": '<a href=" JavaScript:alert(1)">click</a>\n',
}


# Marks the number check trusts, typed by hand: each would hide 0.123 from the prose check.
HIDDEN = {
    "data-recorded on a span": "Loss is <span data-recorded>0.123</span> now.\n",
    "data-recorded with a value": '<div data-recorded="snippets/x/y.out">0.123</div>\n',
    "data-recorded in Markdown attributes": "The loss is 0.123.\n{ data-recorded }\n",
    "a learning-path nav": '<nav class="learning-path">0.123</nav>\n',
    "a highlight div": '<div class="admonition highlight">0.123</div>\n',
    "a class in Markdown attributes": "The loss is 0.123.\n{: .next-step }\n",
    "an svg": "<svg><text>0.123</text></svg>\n",
}


# What each kind of bad HTML is told, at the line where it sits.
REFUSED = {**{name: ("Pages hold text, not code that runs", code) for name, code in RAW.items()},
           **{name: ("Only the site's hooks mark what they draw from a recorded output", code)
              for name, code in HIDDEN.items()}}


@pytest.mark.selftest
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_raw_html_that_runs_or_a_hook_mark_fails_naming_the_page(tmp_path, name):
    fix, code = REFUSED[name]
    page = write(tmp_path, "page.md", "# Title\n\n" + code)
    problems = pages.raw_html_problems(page)
    assert problems, name
    lines = [int(line) for line in re.findall(rf"{re.escape(str(page))}:(\d+):", "\n".join(problems))]
    assert all(fix in p for p in problems) and len(lines) == len(problems), problems
    assert all(code.splitlines()[n - 3].strip() for n in lines), (lines, code)  # each names a line of the code


def test_the_marks_refused_are_the_ones_the_number_check_trusts():
    from snipcheck.rules import prose

    for mark in pages.HOOK_MARKS:
        assert mark in prose.TRUSTED
    html = "<article><p>Typed 0.5.</p>" + "".join(
        f'<div class="{c}">0.7</div>' for c in pages.HOOK_CLASSES) + "<div data-recorded>0.9</div></article>"
    problems = prose.page_number_problems("page", html)  # only the typed number: the rest is trusted
    assert len(problems) == 1 and "the prose types 0.5," in problems[0], problems


@pytest.mark.selftest
def test_code_about_html_is_not_raw_html(tmp_path):
    page = write(tmp_path, "page.md", "Use `<script>` tags? No.\n\n```html\n<script>alert(1)</script>\n```\n"
                 "Hooks add `data-recorded` and `{ .highlight }`; we highlight the step. { .correct }\n")
    assert pages.raw_html_problems(page) == []
