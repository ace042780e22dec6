"""Every snippet runs clean and prints what its recorded output says."""

import pytest

from snipcheck import detector, layout, outputs
from snipcheck.rules import seeds

SNIPPETS = layout.discover()


def test_there_are_snippets():
    assert SNIPPETS, "no snippets found under snippets/"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=layout.rel)
def test_snippet_output_matches_recording(snippet, snippet_results):
    message = outputs.check(snippet_results[snippet])
    if message:
        pytest.fail(message, pytrace=False)


@pytest.mark.other_cpu
@pytest.mark.parametrize("snippet", SNIPPETS, ids=layout.rel)
def test_snippet_prints_its_recorded_output_on_another_cpu(snippet, other_cpu_results):
    """Run as another CPU would run it (another instruction set), with only the reader's one
    line of settings kept, each snippet still prints its recorded output."""
    result = other_cpu_results[snippet]
    message = outputs.check(result)
    if message:
        pytest.fail(f"Run as another CPU would run it:\n{detector.settings_line()}\n{message}", pytrace=False)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=layout.rel)
def test_snippet_seeds_itself(snippet):
    """Readers must get the same numbers at home: each snippet seeds its own randomness."""
    problems = seeds.seed_problems(snippet)
    assert not problems, "\n".join(problems)
