"""Notebook pages: generated from the current source, showing its recorded output and figures.

The source of a notebook page is a jupytext script under snippets/; test_content_snippets.py runs
it and compares its stdout with its .out file. These checks tie the notebook in docs/ to both:
same source (by hash), same text output (same tolerance and masking as snippets), figures
present, no error output; the built page links the notebook, stays under its HTML budget, and
hides the notebook's plumbing (kept in the download). The guards of generation are proved in
test_notebooks.py."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from snipcheck import compare, layout, notebooks
from snipcheck.layout import ROOT, built_page


PAIRS = sorted(layout.notebook_sources().items())


IDS = [layout.rel(notebook) for _, notebook in PAIRS]


MIN_FIGURES = 3


NOTEBOOK_HTML_BUDGET = 200_000  # bytes of the notebook page's own HTML (issue 14)


def refresh_hint(source) -> str:
    return layout.refresh_hint(layout.rel(source))


@pytest.mark.parametrize("source, notebook", PAIRS, ids=IDS)
def test_notebook_was_generated_from_the_current_source(source, notebook):
    assert notebook.exists(), f"{layout.rel(notebook)} is missing. Generate it: run {refresh_hint(source)}"
    assert notebooks.stored_hash(notebook) == notebooks.source_hash(source), (
        f"{layout.rel(notebook)} was not generated from the current "
        f"{layout.rel(source)} (the source changed since). Run {refresh_hint(source)}"
    )


@pytest.mark.parametrize("source, notebook", PAIRS, ids=IDS)
def test_notebook_text_matches_the_recorded_output(source, notebook):
    message = compare.mismatch(source, notebooks.text_output(notebook), shown_by=layout.rel(notebook))
    assert message is None, message


@pytest.mark.parametrize("source, notebook", PAIRS, ids=IDS)
def test_notebook_has_figures(source, notebook):
    figures = notebooks.outputs_of_type(notebook, "image/png")
    assert len(figures) >= MIN_FIGURES, (
        f"{layout.rel(notebook)} holds {len(figures)} figure(s); expected at least "
        f"{MIN_FIGURES}. Does every plotting cell end with plt.show()? Run {refresh_hint(source)}"
    )


@pytest.mark.parametrize("source, notebook", PAIRS, ids=IDS)
def test_notebook_has_no_error_or_stderr_output(source, notebook):
    bad = notebooks.outputs_of_type(notebook, "error") + [
        (cell, output)
        for cell, output in notebooks.outputs_of_type(notebook, "stream")
        if output["name"] == "stderr"
    ]
    assert not bad, "\n".join(
        f"{layout.rel(notebook)}: code cell {cell} has a stored "
        f"{output.get('ename') or output['output_type']} output. Run {refresh_hint(source)}"
        for cell, output in bad
    )


def test_notebook_page_is_built_with_its_links(built_site):
    """The page exists, shows the figures, offers the notebook for download and in Colab."""
    import yaml

    notebook = PAIRS[0][1]
    page = layout.built_page(built_site, notebook)
    assert page.exists(), "the notebook page was not built"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    # hooks/notebook_reader.py writes each chart to a file beside the page, loaded lazily.
    charts = soup.select(".jp-RenderedImage img")
    assert len(charts) >= MIN_FIGURES
    for img in charts:
        assert (page.parent / img["src"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", img["src"]
        assert img.get("loading") == "lazy" and img.get("width") and img.get("height"), img
    assert (page.parent / notebook.name).exists(), "the downloadable notebook was not copied"
    assert soup.select_one(f'a[href="{notebook.name}"][download]'), "no download link"
    extra = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["extra"]
    owner_repo = extra["repository"].removeprefix("https://github.com/").rstrip("/")
    colab = (
        f"https://colab.research.google.com/github/{owner_repo}/blob/{extra['branch']}"
        f"/{layout.rel(notebook)}"
    )
    assert soup.select_one(f'a[href="{colab}"]'), f"no Open in Colab link to {colab}"
    text = soup.get_text()
    assert "def first_epoch" not in text, "the cell tagged hide-input shows its code"
    assert "Before training the network got" in text, "the run's summary is missing"


def test_the_notebook_page_html_is_under_budget(built_site):
    for notebook in (ROOT / "docs").rglob("*.ipynb"):
        page = built_page(built_site, notebook)
        size = page.stat().st_size
        assert size < NOTEBOOK_HTML_BUDGET, (
            f"{page.relative_to(built_site)} is {size} bytes, over {NOTEBOOK_HTML_BUDGET}. Is "
            "hooks/notebook_reader.py in mkdocs.yml's hooks (it purges the inlined CSS and moves "
            "the charts to files)?"
        )
        text = page.read_text(encoding="utf-8")
        assert "['pre { line-height" not in text, "the Python-list <style> is back"
        assert "data:image/png" not in text, "a chart is inlined in the page"


def test_notebook_plumbing_is_hidden_on_the_site_but_kept_in_the_download(built_site):
    page = (built_site / "training-weights" / "experiment" / "index.html").read_text(encoding="utf-8")
    text = BeautifulSoup(page, "html.parser").get_text()
    for plumbing in ("def in_notebook", 'matplotlib.use("Agg")', "def show_markdown"):
        assert plumbing not in text, f"the notebook page shows its plumbing: {plumbing}"
    assert "import keras" in text, "the reader's imports should stay visible"
    download = next(built_site.rglob("experiment.ipynb"))
    cells = json.loads(download.read_text(encoding="utf-8"))["cells"]
    hidden = [c for c in cells if "remove-cell" in c.get("metadata", {}).get("tags", [])]
    assert hidden and "def in_notebook" in "".join(hidden[0]["source"]), (
        "the downloaded notebook must keep the plumbing cell so it runs on its own")
