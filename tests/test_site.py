"""snipcheck/site.py: the live preview (``nox -s serve``) serves the home page at the root of the
address it prints (not under the published site's path), and follows a snippet edit: the page
that shows the snippet gets a "stale output" banner naming the command that records it. It runs
on a pristine copy of the content (``site_copy``), never on the working tree.

How fast the banner appears is a speed target (``site.BANNER_WITHIN``): ``nox -s bench`` checks
it, as the median of several samples. This test only reports the figure."""

from __future__ import annotations

import re

import pytest

from snipcheck import site

pytestmark = pytest.mark.selftest


SNIPPET = "snippets/training-weights/regression.py"


def test_the_preview_serves_the_printed_url_and_shows_a_stale_output_banner(site_copy, summary):
    with site.preview(site_copy) as url:
        page_url = url + "training-weights/"
        status, page = site.fetch(page_url)
        assert status == 200 and "stale output" not in page

        took = site.banner_after_edit(site_copy, page_url, SNIPPET, within=120)
        assert took is not None, f"no stale-output banner on {page_url} 120 s after editing {SNIPPET}"
        summary["preview"] = [f"stale-output banner shown {took:.1f} s after the snippet edit "
                              f"(target {site.BANNER_WITHIN:.0f} s, checked by nox -s bench)"]
        text = re.sub(r"<[^>]+>", "", site.fetch(page_url)[1])
        assert f"stale output: run nox -s outputs -- {SNIPPET}" in text
