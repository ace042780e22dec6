"""MkDocs hook: a learning path on every page of a topic, driven by the nav.

A topic is a nav section (``Training changes weights:`` in mkdocs.yml) and its pages are the
steps, in nav order: Lesson, Recap cards, Quiz, Practice, Experiment notebook, Course notes.
A page added to the section becomes a step with no other change.

* The top of each topic page lists every step, with the current one marked
  (``aria-current="step"``) and a time estimate for each: its words, the code it includes
  counted too, at READING_SPEED words a minute (at least one minute).
* The end of each page has a "Next step" link: the next step of the topic, or, after the
  last one, the home page.
* docs/javascripts/path.js ticks the steps a reader finished (kept in localStorage, with a
  reset button) and adds a "Mark this step done" button beside the "Next step" link.

Neither block goes into the search index (``data-search-exclude``) or onto paper.
Only the standard library and MkDocs are used.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from snipcheck.layout import INCLUDE, find_included, includes, read_notebook

READING_SPEED = 150  # words a minute: slower than prose, since beginners run the code too
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
WORD = re.compile(r"[\w'’]+")

_minutes: dict[str, int] = {}


def words_of(path: Path, config) -> int:
    """Words a reader meets on the page made from path (Markdown with its inclusions, or a
    notebook's cells and text outputs)."""
    if path.suffix == ".ipynb":
        nb = read_notebook(path)
        parts = []
        for cell in nb.get("cells", []):
            parts.append("".join(cell.get("source", [])))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", [])))
        return len(WORD.findall("\n".join(parts)))
    text = COMMENT.sub("", FRONT_MATTER.sub("", path.read_text(encoding="utf-8")))
    count = len(WORD.findall(INCLUDE.sub("", text)))
    for match in includes(text):
        included = find_included(match["path"], config)
        if included:
            count += len(WORD.findall(included.read_text(encoding="utf-8")))
    return count


def minutes(page: Page, config) -> int:
    key = page.file.abs_src_path
    if key not in _minutes:
        _minutes[key] = max(1, math.ceil(words_of(Path(key), config) / READING_SPEED))
    return _minutes[key]


def steps_of(page: Page) -> list[Page]:
    """The pages of the topic page belongs to, in nav order; [] outside a topic."""
    parent = page.parent
    if not isinstance(parent, Section):
        return []
    return [child for child in parent.children if isinstance(child, Page)]


def step_id(page: Page) -> str:
    return page.url or "./"


def path_block(page: Page, steps: list[Page], topic: str, config) -> str:
    items = []
    for number, step in enumerate(steps, start=1):
        current = step is page
        link = html.escape(step.file.url_relative_to(page.file))  # relative: works under any prefix
        title = html.escape(step.title or "")
        attrs = ' aria-current="step"' if current else ""
        items.append(
            f'<li class="learning-path__step" data-step="{html.escape(step_id(step))}"{attrs}>'
            f'<a href="{link}">{title}</a> '
            f'<span class="learning-path__time">{minutes(step, config)} min</span></li>'
        )
    position = steps.index(page) + 1
    return (
        f'<nav class="learning-path" aria-label="Learning path: step {position} of {len(steps)}" '
        f'data-topic="{html.escape(topic)}" data-search-exclude>'
        f'<p class="learning-path__title">{html.escape(topic)}: step {position} of {len(steps)}</p>'
        f'<ol class="learning-path__steps">{"".join(items)}</ol></nav>'
    )


def next_block(page: Page, steps: list[Page]) -> str:
    position = steps.index(page)
    if position + 1 < len(steps):
        target = steps[position + 1]
        label = f"Next step: {target.title}"
        href = target.file.url_relative_to(page.file)
    else:
        label = "Next step: back to the home page, to pick what to learn next"
        href = _home(page)
    return (
        f'<nav class="next-step" aria-label="Next step" data-search-exclude '
        f'data-step="{html.escape(step_id(page))}">'
        f'<a class="md-button md-button--primary next-step__link" href="{html.escape(href)}">'
        f"{html.escape(label)}</a></nav>"
    )


def _home(page: Page) -> str:
    depth = page.url.count("/") if page.url else 0
    return "../" * depth or "./"


def on_page_content(content, page, config, files):
    steps = steps_of(page)
    if len(steps) < 2 or page not in steps:
        return content
    topic = page.parent.title or ""
    return path_block(page, steps, topic, config) + content + next_block(page, steps)
