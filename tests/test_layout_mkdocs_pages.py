"""snipcheck/layout/mkdocs_pages.py: where MkDocs writes a page, how messages name a page, and the
plan of a page's notebook: its snippets in page order, each under the headings it sits under
(a heading inside a fenced block is not one), a snippet shown only in sections as one whole
cell, and none at all when the front matter says ``notebook: false``."""

from __future__ import annotations

from pathlib import Path

import pytest

from snipcheck import layout
from snipcheck.layout import Cell

pytestmark = pytest.mark.selftest

PAGE = '''---
title: A page
---

# Lesson

## First

--8<-- "snippets/t/b.py:setup"

```python
# not a heading: inside a fence
```

--8<-- "snippets/t/a.py"

```text
--8<-- "snippets/t/a.out"
```

## Second

--8<-- "snippets/t/b.py:rest"
--8<-- "snippets/t/_helper.py"
'''


def test_a_pages_notebook_plan():
    lesson, first = (1, "Lesson"), (2, "First")
    assert layout.page_cells(PAGE) == [Cell("snippets/t/b.py", (lesson, first), False),
                                       Cell("snippets/t/a.py", (lesson, first), True)]


def test_notebook_false_in_the_front_matter_means_no_notebook():
    assert layout.page_cells(PAGE.replace("title: A page", "title: A page\nnotebook: false")) == []
    assert layout.front_matter(PAGE) == "title: A page"


def test_where_mkdocs_writes_a_page_and_how_messages_name_it(tmp_path):
    assert layout.built_page(tmp_path, Path("a/b.md")) == tmp_path / "a" / "b" / "index.html"
    assert layout.built_page(tmp_path, Path("a/index.md")) == tmp_path / "a" / "index.html"
    config = {"docs_dir": "/repo/docs", "config_file_path": "/repo/mkdocs.yml"}
    assert layout.page_source(config, "t/notes.md") == "docs/t/notes.md"
    assert layout.page_notebook_path("docs/t/notes.md", root=tmp_path) == tmp_path / "notebooks" / "t" / "notes.ipynb"
