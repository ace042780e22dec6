"""Figures are drawn at build time from recorded outputs (hooks/figures.py), a bad figure line
fails the build naming the page, the file and the fix, and notebook plumbing is hidden on the
site but kept in the downloaded notebook. The explorer's figure is checked in test_explorer.py."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from snipcheck.layout import SNIPPETS
from snipcheck.site import load_hook
LESSON = "training-weights/index.html"


@pytest.fixture(scope="module")
def lesson(built_site) -> BeautifulSoup:
    return BeautifulSoup((built_site / LESSON).read_text(encoding="utf-8"), "html.parser")


def test_the_loss_curve_shows_the_recorded_step(lesson):
    recorded = (SNIPPETS / "training-weights" / "loss_curve.out").read_text(encoding="utf-8")
    current = re.search(r"^current: w = (\S+), loss = (\S+)$", recorded, re.M)
    gradient = re.search(r"^gradient: (\S+)$", recorded, re.M)
    new_w = re.search(r"new w = (\S+),", recorded)
    svg = lesson.select_one("figure.run-figure svg")
    assert svg is not None, "the lesson has no loss-curve figure"
    text = svg.get_text(" ")
    for value in (current[1], current[2], gradient[1], new_w[1]):
        assert value in text, f"the figure does not show {value} from loss_curve.out"
    assert svg.title and svg.desc and "uphill" in text and "downhill" in text
    assert svg["role"] == "img" and svg["aria-labelledby"]


def test_the_epoch_plot_has_a_point_per_recorded_epoch(lesson):
    recorded = (SNIPPETS / "training-weights" / "regression.out").read_text(encoding="utf-8")
    epochs = re.findall(r"^mean loss during epoch\s+\d+: (\S+)$", recorded, re.M)
    svgs = lesson.select("figure.run-figure svg")
    plot = next(s for s in svgs if "per epoch" in s.title.get_text())
    assert len(plot.select("circle")) == len(epochs) > 1
    assert all(value in plot.desc.get_text() for value in epochs)


def test_figures_follow_the_theme_colours(lesson):
    for svg in lesson.select("figure.run-figure svg"):
        colours = set(re.findall(r'(?:stroke|fill)="([^"]+)"', str(svg))) - {"none"}
        assert colours and all(c.startswith("var(--md-") for c in colours), colours


def test_an_unreadable_output_fails_the_build_naming_page_file_and_fix(tmp_path, monkeypatch):
    hook = load_hook("figures")
    broken = tmp_path / "snippets" / "topic" / "curve.out"
    broken.parent.mkdir(parents=True)
    broken.write_text("curve: w, loss\n  0.5  1.0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = {"mdx_configs": {"pymdownx.snippets": {"base_path": [str(tmp_path)]}}}
    with pytest.raises(PluginError) as error:
        hook.figure("loss-curve", "snippets/topic/curve.out", "docs/topic/index.md", config, 1)
    message = str(error.value)
    assert "docs/topic/index.md" in message and "snippets/topic/curve.out" in message
    assert "nox -s outputs -- snippets/topic/curve.py" in message
    with pytest.raises(PluginError, match="must name a recorded output"):
        hook.figure("loss-curve", "snippets/topic/missing.out", "docs/topic/index.md", config, 1)


def test_a_bad_figure_line_fails_the_build_naming_page_file_and_fix(tmp_path, monkeypatch):
    hook = load_hook("figures")
    run = tmp_path / "snippets" / "topic" / "runs.out"
    run.parent.mkdir(parents=True)
    run.write_text("# sgd learning_rate=0.1 batch_size=4 seed=0\n0 0.5 0.0 2.0\n1 0.6 0.1 1.0\n", encoding="utf-8")
    (tmp_path / "points.json").write_text('{"x": [1, 2, 3, 4]}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = {"mdx_configs": {"pymdownx.snippets": {"base_path": [str(tmp_path)]}},
              "docs_dir": str(tmp_path / "docs"), "config_file_path": str(tmp_path / "mkdocs.yml")}
    page = SimpleNamespace(file=SimpleNamespace(src_uri="topic/index.md"))
    runs = ":figure: explorer-runs snippets/topic/runs.out"
    for line, fix in [
        (":figure: loss-curve", ":figure: KIND snippets/<topic>/<name>.out"),
        (":figure: pie-chart snippets/topic/runs.out", "Use one of: loss-curve, epoch-loss, explorer-runs"),
        (runs, f"Write: {runs} data=PATH"),
        (":figure: epoch-loss snippets/topic/runs.out data=points.json", "Write: :figure: epoch-loss snippets/topic/runs.out"),
        (f"{runs} data=gone.json", "gone.json as data, which does not exist"),
    ]:
        with pytest.raises(PluginError) as error:
            hook.on_page_markdown(f"# Page\n\n{line}\n", page, config, None)
        assert "docs/topic/index.md" in str(error.value) and fix in str(error.value), str(error.value)
    # The data set, not the hook, says what a full batch is.
    drawn = hook.on_page_markdown(f"{runs} data=points.json\n", page, config, None)
    assert "full batch" in drawn and 'data-recorded="snippets/topic/runs.out"' in drawn
    (tmp_path / "points.json").write_text('{"x": [1, 2, 3, 4, 5, 6, 7, 8]}', encoding="utf-8")
    with pytest.raises(PluginError, match="no full-batch run"):
        hook.on_page_markdown(f"{runs} data=points.json\n", page, config, None)


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
