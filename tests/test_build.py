"""The strict site build: it passes as committed, and the mistakes a contributor can make
in a page (missing snippet, broken link, broken anchor) fail it with the file named."""

from __future__ import annotations

import pytest

LESSON = "training-weights/index.md"


def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").exists()
    assert (built_site / "training-weights" / "index.html").exists()


@pytest.fixture
def broken_copy(site_copy):
    """A copy of docs/ built with the project's own mkdocs.yml; returns (edit, build)."""
    return site_copy.edit_page, site_copy.build


def test_the_unbroken_copy_builds(broken_copy):
    _, build = broken_copy
    assert build().returncode == 0


def test_missing_snippet_fails_the_build_naming_the_file(broken_copy):
    edit, build = broken_copy
    edit(LESSON, "snippets/training-weights/regression.py\"", "snippets/training-weights/regresion.py\"")
    done = build()
    assert done.returncode != 0
    assert "training-weights/index.md" in done.stderr
    assert "snippets/training-weights/regresion.py" in done.stderr


def test_missing_snippet_section_fails_the_build(broken_copy):
    edit, build = broken_copy
    edit(LESSON, "classification.py:compile", "classification.py:compiler")
    done = build()
    assert done.returncode != 0
    assert "compiler" in done.stderr


def test_broken_link_fails_the_build_naming_page_and_target(broken_copy):
    edit, build = broken_copy
    edit("index.md", "(training-weights/index.md)", "(training-weights/lesson.md)")
    done = build()
    assert done.returncode != 0
    assert "index.md" in done.stderr and "training-weights/lesson.md" in done.stderr


def test_broken_anchor_fails_the_build(broken_copy):
    edit, build = broken_copy
    edit("index.md", "(training-weights/index.md)", "(training-weights/index.md#no-such-heading)")
    done = build()
    assert done.returncode != 0
    assert "no-such-heading" in done.stderr
