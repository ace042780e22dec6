"""Every snippet runs clean and prints what its recorded output says."""

import pytest

from tests import snipcheck

SNIPPETS = snipcheck.discover()


def test_there_are_snippets():
    assert SNIPPETS, "no snippets found under snippets/"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=snipcheck.rel)
def test_snippet_output_matches_recording(snippet, snippet_results):
    message = snipcheck.check(snippet_results[snippet])
    if message:
        pytest.fail(message, pytrace=False)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=snipcheck.rel)
def test_snippet_seeds_itself(snippet):
    """Readers must get the same numbers at home: each snippet seeds its own randomness."""
    source = snippet.read_text(encoding="utf-8")
    if "import keras" in source or "import tensorflow" in source:
        assert "keras.utils.set_random_seed(" in source, (
            f"{snipcheck.rel(snippet)} uses Keras but never calls keras.utils.set_random_seed(...). "
            "Seed it near the top so readers get the recorded numbers."
        )
