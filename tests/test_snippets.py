"""Every snippet runs clean and prints what its recorded output says."""

import pytest

from snipcheck import layout, outputs, rules

SNIPPETS = layout.discover()


def test_there_are_snippets():
    assert SNIPPETS, "no snippets found under snippets/"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=layout.rel)
def test_snippet_output_matches_recording(snippet, snippet_results):
    message = outputs.check(snippet_results[snippet])
    if message:
        pytest.fail(message, pytrace=False)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=layout.rel)
def test_snippet_seeds_itself(snippet):
    """Readers must get the same numbers at home: each snippet seeds its own randomness."""
    problems = rules.seed_problems(snippet)
    assert not problems, "\n".join(problems)
