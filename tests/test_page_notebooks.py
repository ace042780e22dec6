"""Every topic page that shows code has a notebook: generated from the page as it is now,
served with its three links, and run top to bottom in a fresh kernel, each cell also alone,
printing what the page shows (``snipcheck.page_notebooks``)."""

from __future__ import annotations

import json
import time

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from snipcheck import layout, page_notebooks
from snipcheck.layout import ROOT

PAGES = sorted(layout.notebook_pages().items())
IDS = [layout.rel(page) for page, _ in PAGES]
CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
OWNER_REPO = CONFIG["repo_url"].removeprefix("https://github.com/").rstrip("/")
BRANCH = CONFIG["extra"]["branch"]


def test_the_pages_that_show_code_have_notebooks():
    names = {layout.rel(page) for page, _ in PAGES}
    for page in ("index", "practice", "quiz", "notes"):
        assert f"docs/training-weights/{page}.md" in names, names
    assert "docs/training-weights/recap.md" not in names, "the recap cards show no code"
    assert "docs/training-weights/explorer.md" not in names, "the explorer says notebook: false"


@pytest.mark.parametrize("page, notebook", PAGES, ids=IDS)
def test_page_notebook_is_what_generation_makes_now(page, notebook):
    message = layout.stale_page_notebook(page)
    assert message is None, message
    try:
        expected = page_notebooks.render(page)
    except page_notebooks.PageNotebookError as exc:
        pytest.fail(str(exc), pytrace=False)
    assert notebook.read_text(encoding="utf-8") == expected, (
        f"{layout.rel(notebook)} is not what generation makes from {layout.rel(page)} now (edited by "
        f"hand, or the page's headings changed). Run: {layout.refresh_hint(layout.rel(page))}")


@pytest.mark.parametrize("page, notebook", PAGES, ids=IDS)
def test_page_notebook_holds_the_page_snippets_in_page_order(page, notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    cells = layout.page_cells(page.read_text(encoding="utf-8"))
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata["snipcheck"] == {"setup": True}
    assert [c.metadata["snipcheck"]["snippet"] for c in code[1:]] == [c.snippet for c in cells]
    for cell, plan in zip(code[1:], cells):
        source = (ROOT / plan.snippet).read_text(encoding="utf-8")
        assert cell.source == layout.shown_code(source).strip("\n"), "a cell is not its whole snippet"
        recorded = layout.Recording.of(ROOT / plan.snippet).text()
        assert page_notebooks.printed(cell) == (recorded if plan.shows_output else ""), plan.snippet
    opening = nb.cells[0].source
    assert layout.rel(page) in opening and "Verified with TensorFlow" in opening, opening


@pytest.mark.page_notebooks
@pytest.mark.parametrize("page, notebook", PAGES, ids=IDS)
def test_page_notebook_runs_top_to_bottom_and_each_cell_alone(page, notebook, snippet_results, summary):
    start = time.monotonic()
    problems = page_notebooks.check(page, snippet_results)
    took = time.monotonic() - start
    summary.setdefault("page notebooks (each run top to bottom in a fresh kernel)", []).append(
        f"{took:6.1f} s  {notebook.stat().st_size / 1000:5.1f} KB  {layout.rel(notebook)}")
    assert not problems, "\n\n".join(problems)


# --------------------------------------------------------------------------- the checks fail

def _quiz_notebook_broken(tmp_path):
    """The quiz page's notebook with cell 1 printing one more line and cell 3 reading a
    variable only cell 1 makes (y_pred)."""
    page = ROOT / "docs" / "training-weights" / "quiz.md"
    nb = nbformat.read(str(layout.page_notebook_path(page)), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "snippet" in c.metadata.get("snipcheck", {})]
    assert code[0].metadata["snipcheck"]["snippet"].endswith("quiz_one_step.py")
    assert code[2].metadata["snipcheck"]["snippet"].endswith("quiz_compile_fit.py")
    code[0].source += '\nprint("one more line")'
    code[2].source += '\nprint("the first question guessed a number:", float(y_pred[0, 0]) == float(y_pred[0, 0]))'
    broken = tmp_path / "quiz.ipynb"
    nbformat.write(nb, str(broken))
    return page, broken


@pytest.mark.selftest
def test_checker_catches_a_cell_that_prints_something_else_or_needs_an_earlier_cell(tmp_path, snippet_results):
    page, broken = _quiz_notebook_broken(tmp_path)
    problems = page_notebooks.check(page, snippet_results, notebook=broken)
    text = "\n\n".join(problems)
    assert len(problems) == 2, text
    first, third = problems
    assert first.startswith("docs/training-weights/quiz.md, notebook cell 2 "
                            "(snippets/training-weights/quiz_one_step.py)"), first
    assert "prints something else in the notebook than alone" in first and "one more line" in first, first
    assert third.startswith("docs/training-weights/quiz.md, notebook cell 4 "
                            "(snippets/training-weights/quiz_compile_fit.py)"), third
    assert "depends on state left by an earlier cell" in third and "NameError" in third and "y_pred" in third
    assert "nox -s outputs -- docs/training-weights/quiz.md" in third


@pytest.mark.selftest
def test_a_changed_snippet_fails_on_its_output_and_on_the_page_notebook_naming_the_fix(site_copy):
    snippet = site_copy.snippets / "training-weights" / "quiz_one_step.py"
    snippet.write_text(snippet.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    message = layout.stale_page_notebook(site_copy.docs / "training-weights" / "quiz.md", site_copy.folder)
    assert message == ("stale notebook: snippets/training-weights/quiz_one_step.py changed since "
                       "notebooks/training-weights/quiz.ipynb was generated from it. "
                       "Run: nox -s outputs -- snippets/training-weights/quiz_one_step.py"), message
    done = site_copy.build()
    assert done.returncode != 0, "the build passed with a stale output and a stale page notebook"
    assert "shows a stale output: snippets/training-weights/quiz_one_step.py changed" in done.stderr, (
        done.stderr[-3000:])  # the build stops at the first; the fix is the same command
    snippet_output = layout.Recording.of(snippet)
    assert snippet_output.stale("snippets/training-weights/quiz_one_step.py"), "the output is not stale"


@pytest.mark.selftest
def test_a_page_whose_code_moved_fails_the_build_until_its_notebook_is_made_again(site_copy):
    site_copy.edit_page("training-weights/notes.md", '--8<-- "snippets/training-weights/tradeoffs.py"',
                        '--8<-- "snippets/training-weights/regression.py"')
    done = site_copy.build()
    assert done.returncode != 0
    assert ("stale notebook: docs/training-weights/notes.md includes other snippets (or in another order) "
            "than when notebooks/training-weights/notes.ipynb was generated. "
            "Run: nox -s outputs -- docs/training-weights/notes.md") in done.stderr, done.stderr[-3000:]


# --------------------------------------------------------------------------- the buttons


@pytest.mark.parametrize("page, notebook", PAGES, ids=IDS)
def test_each_page_offers_colab_download_and_source(page, notebook, built_site):
    built = layout.built_page(built_site, page)
    soup = BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(strip=True): a for a in soup.select(".notebook-links a.md-button")}
    assert list(links) == ["Open in Colab", "Download notebook", "View source"], list(links)
    path = layout.rel(notebook)
    assert links["Open in Colab"]["href"] == f"https://colab.research.google.com/github/{OWNER_REPO}/blob/{BRANCH}/{path}"
    assert links["View source"]["href"] == f"https://github.com/{OWNER_REPO}/blob/{BRANCH}/{layout.rel(page)}"
    download = links["Download notebook"]
    assert download.has_attr("download")
    served = (built.parent / download["href"]).resolve()
    assert served.read_bytes() == notebook.read_bytes(), f"{download['href']} is not {path}"
    assert json.loads(served.read_text(encoding="utf-8"))["nbformat"] == 4
    assert not (built_site / "notebooks" / "training-weights" / notebook.stem / "index.html").exists(), (
        "a page notebook was rendered as a page")


def test_the_notebook_page_keeps_its_links_and_gains_view_source(built_site):
    built = built_site / "training-weights" / "experiment" / "index.html"
    soup = BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".notebook-links a.md-button")}
    assert links == {
        "Open in Colab": f"https://colab.research.google.com/github/{OWNER_REPO}/blob/{BRANCH}/"
                         "docs/training-weights/experiment.ipynb",
        "Download notebook": "experiment.ipynb",
        "View source": f"https://github.com/{OWNER_REPO}/blob/{BRANCH}/snippets/training-weights/experiment.py",
    }


@pytest.mark.browser
def test_the_buttons_print_nothing_and_take_the_keyboard(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url + "/training-weights/practice/", wait_until="networkidle")
    names = []
    for _ in range(60):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.closest('.notebook-links') ? "
                                   "document.activeElement.textContent.trim() : ''"))
        if names[-1] == "View source":
            break
    assert [n for n in names if n] == ["Open in Colab", "Download notebook", "View source"], names
    assert all(url.startswith(site_url) for url in requests), [u for u in requests if not u.startswith(site_url)]
    page.emulate_media(media="print")
    assert page.locator(".notebook-links").is_hidden(), "the buttons would print"
    context.close()
