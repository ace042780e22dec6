"""Figures are drawn at build time from recorded outputs (hooks/figures.py): the loss curve shows
the recorded step, the epoch plot a point per recorded epoch, and every figure follows the theme's
colours. A bad figure line fails the build (test_build.py); the explorer's figure is checked in
test_explorer.py."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from snipcheck.layout import SNIPPETS


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
