"""snipcheck/rules/links.py: every internal link and anchor of the built HTML resolves (raw-HTML
blocks and notebook pages included: MkDocs's own validation sees Markdown links only; links to
other hosts are listed, not fetched), and a broken anchor in a raw-HTML block or in a notebook's
Markdown cell fails the check naming the page and the link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from snipcheck.rules.links import link_problems
from snipcheck.site import NOTEBOOK_PAGES, SiteCopy


def test_every_internal_link_and_anchor_resolves(built_site, summary):
    problems, external, checked = link_problems(built_site)
    summary["links"] = [f"{checked} internal links and anchors checked; {len(external)} links to other "
                       "hosts not tested (the checks never go online):"] + [f"  {u}" for u in external]
    assert checked > 100
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def broken_links_site(tmp_path_factory) -> Path:
    """A build whose strict MkDocs run passes, with a broken anchor in a raw-HTML block and
    one in a notebook's Markdown cell: MkDocs validates neither."""
    copy = SiteCopy(tmp_path_factory.mktemp("broken-links"))
    docs = copy.docs
    index = docs / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + '\n<div class="raw-block">\n  <p><a href='
                     '"training-weights/#no-such-section">A raw-HTML link</a></p>\n</div>\n', encoding="utf-8")
    notebook = docs / NOTEBOOK_PAGES[0].strip("/")
    notebook = notebook.with_suffix(".ipynb")
    data = json.loads(notebook.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "markdown", "metadata": {}, "id": "broken-anchor",
                          "source": ["Back to [the first step](#no-such-step)."]})
    notebook.write_text(json.dumps(data), encoding="utf-8")
    done = copy.build()
    assert done.returncode == 0, "MkDocs itself caught it: " + done.stderr[-3000:]
    return copy.site


@pytest.mark.selftest
def test_a_broken_anchor_in_raw_html_fails_naming_page_and_link(broken_links_site):
    problems, _, _ = link_problems(broken_links_site)
    assert ("/: broken anchor 'training-weights/#no-such-section': no id 'no-such-section' in "
            "/training-weights/") in problems, "\n".join(problems)


@pytest.mark.selftest
def test_a_broken_anchor_in_a_notebook_fails_naming_page_and_link(broken_links_site):
    problems, _, _ = link_problems(broken_links_site)
    page = NOTEBOOK_PAGES[0]
    assert f"{page}: broken anchor '#no-such-step': no id 'no-such-step' in {page}" in problems, (
        "\n".join(problems)
    )
