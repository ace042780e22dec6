"""Every snippet runs clean and prints what its recorded output says (also as another CPU would
run it, marked ``other_cpu``), seeds itself, has its recorded output (and every output its
snippet), and every output has its entry in recorded-with.json, naming the portable settings."""

from __future__ import annotations

import pytest

from snipcheck import detector, layout, numeric, outputs
from snipcheck.rules import pages, seeds


SNIPPETS = layout.discover()


CAPACITY = layout.SNIPPETS / "training-weights" / "claim_capacity.py"


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


def test_every_snippet_has_a_recorded_output():
    problems = pages.missing_outputs()
    assert not problems, "\n".join(problems)


def test_every_recorded_output_has_its_snippet():
    problems = pages.orphan_outputs()
    assert not problems, "\n".join(problems)


def test_every_output_has_an_entry_and_every_entry_an_output():
    problems = pages.recorded_with_problems()
    assert not problems, "\n".join(problems)


def test_every_recording_names_the_portable_settings():
    entries = layout.Recording.entries(CAPACITY.parent)
    for name, entry in entries.items():
        for pair in numeric.label(numeric.READER_LINE).split():
            assert pair in entry[layout.NUMERIC_KEY].split(), (name, entry)
