"""snipcheck/layout/grammar.py: which lines are inclusions (an escaped one is text), the sections a
snippet marks, the code a page shows without the markers, and an output block."""

from __future__ import annotations

import pytest

from snipcheck import layout

pytestmark = pytest.mark.selftest

PAGE = '''Text.

--8<-- "snippets/a/one.py"
    --8<-- "snippets/a/two.py:setup"
;--8<-- "snippets/a/escaped.py"

```text
--8<-- "snippets/a/one.out"
```
'''

SOURCE = '''import math
# --8<-- [start:setup]
x = 1
# --8<-- [end:setup]
print(x)
'''


def test_includes_finds_inclusion_lines_and_their_sections():
    found = [(m["path"], m["section"]) for m in layout.includes(PAGE)]
    assert found == [("snippets/a/one.py", None), ("snippets/a/two.py", "setup"), ("snippets/a/one.out", None)]


def test_an_output_block_is_a_fence_around_one_inclusion_of_an_out_file():
    blocks = [m["path"] for m in layout.OUTPUT_BLOCK.finditer(PAGE)]
    assert blocks == ["snippets/a/one.out"]


def test_sections_and_the_code_a_page_shows():
    assert layout.sections(SOURCE) == ["setup"]
    assert layout.shown_code(SOURCE) == "import math\nx = 1\nprint(x)"
