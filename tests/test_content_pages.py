"""Every page: it builds strictly; it shows code and output only by inclusion from snippets/, no
HTML that runs, and each output byte for byte with the TensorFlow and platform that recorded it;
its prose types only numbers a run shows and every code block comes from a run (the rules are in
snipcheck/rules/pages.py and prose.py); and it has a description, a favicon and an edit link."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from snipcheck import layout, numeric
from snipcheck.layout import RECORDED_WITH, ROOT, built_page, rel
from snipcheck.rules import pages
from snipcheck.rules.prose import code_problems, number_problems, shown_sources, topic_pages


PAGES = sorted(layout.DOCS.rglob("*.md"))


SHOWING_OUTPUTS = [p for p in PAGES if pages.included_outputs(p)]


CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


REPO_URL = CONFIG["repo_url"].rstrip("/")


def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").exists()
    assert (built_site / "training-weights" / "index.html").exists()


@pytest.mark.parametrize("page", PAGES, ids=layout.rel)
def test_code_and_output_blocks_are_inclusions(page):
    problems = pages.block_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", [*layout.pages(), layout.ROOT / "CONTRIBUTING.md"], ids=layout.rel)
def test_no_page_holds_raw_html_that_runs(page):
    problems = pages.raw_html_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", SHOWING_OUTPUTS, ids=layout.rel)
def test_built_page_shows_recorded_outputs_byte_for_byte(page, built_site):
    html = layout.built_page(built_site, page)
    shown = {code.get_text() for code in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select("pre code")}
    for output in pages.included_outputs(page):
        recorded = output.read_text(encoding="utf-8")
        assert recorded in shown or recorded.rstrip("\n") + "\n" in shown, (
            f"{layout.rel(html)} does not show {layout.rel(output)} byte for byte."
        )


def installed_tensorflow() -> str:
    for name in ("tensorflow", "tensorflow-cpu"):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    pytest.fail("TensorFlow is not installed in the test environment", pytrace=False)


def output_titles(html: Path) -> list[str]:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    return [t.get_text() for t in soup.select("article .filename")]


@pytest.mark.parametrize(
    "page", [p for p in sorted(layout.DOCS.rglob("*.md")) if pages.included_outputs(p)], ids=layout.rel
)
def test_output_blocks_name_the_installed_tensorflow_and_platform(page, built_site):
    html = layout.built_page(built_site, page)
    titles = output_titles(html)
    tensorflow = installed_tensorflow()
    for output in pages.included_outputs(page):
        entry = json.loads((output.parent / RECORDED_WITH).read_text(encoding="utf-8"))[output.name]
        assert entry["tensorflow"] == tensorflow, (
            f"{layout.rel(output)} was recorded with TensorFlow {entry['tensorflow']}, but "
            f"{tensorflow} is installed. Refresh it: nox -s outputs -- {layout.rel(output.with_suffix('.py'))}"
        )
        line = f"Output · TensorFlow {tensorflow} · {entry['platform']} · oneDNN off"
        # hooks/version_matrix.py may add the versions it was checked on (tests/test_matrix.py)
        assert any(t == line or t.startswith(line + " · ") for t in titles), (
            f"{layout.rel(html)} shows no title {line!r} for {layout.rel(output)}: {titles}")
    notes = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select("article details.numbers-note")
    assert len(notes) == 1, f"{layout.rel(html)} has {len(notes)} 'Why your numbers may differ' notes, not one"
    for setting in numeric.label(numeric.READER_LINE).split():
        assert setting in notes[0].get_text(), (setting, notes[0].get_text())
    assert notes[0].find("a")["href"].endswith("contributing/#why-a-number-differs-on-my-machine")


@pytest.mark.parametrize("page", topic_pages(), ids=rel)
def test_prose_types_only_numbers_a_run_shows(page, built_site):
    problems = number_problems(built_site, page)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def sources() -> list[str]:
    return shown_sources()


@pytest.mark.parametrize("page", topic_pages(), ids=rel)
def test_every_code_block_comes_from_a_run(page, built_site, sources):
    html = built_page(built_site, page).read_text(encoding="utf-8")
    problems = code_problems(rel(page), html, sources)
    assert not problems, "\n".join(problems)


def front_matter(source: Path) -> dict:
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".md" and text.startswith("---\n"):
        return yaml.safe_load(text.split("\n---", 1)[0][4:]) or {}
    return {}


def source_of(page: str) -> Path:
    base = ROOT / "docs" / page.strip("/")
    for candidate in (base / "index.md", base.with_suffix(".md"), base.with_suffix(".ipynb")):
        if candidate.is_file():
            return candidate
    raise AssertionError(f"no source under docs/ for {page}")


def test_every_page_has_a_description_a_favicon_and_an_edit_link(built_site, pages):
    from bs4 import BeautifulSoup

    problems = []
    for page in pages + ["/404.html"]:
        file = built_site / (page.lstrip("/") if page.endswith(".html") else page.lstrip("/") + "index.html")
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        metas = soup.find_all("meta", attrs={"name": "description"})
        expected = CONFIG["site_description"].strip()
        if page != "/404.html":
            expected = str(front_matter(source_of(page)).get("description", expected)).strip()
        if len(metas) != 1 or " ".join(metas[0].get("content", "").split()) != " ".join(expected.split()):
            problems.append(f"{page}: meta description {[m.get('content') for m in metas]!r}, expected {expected!r}")
        icon = soup.find("link", rel="icon")
        if not icon or not icon["href"].endswith("assets/favicon.svg"):
            problems.append(f"{page}: favicon link {icon}")
        if page == "/404.html":
            continue
        edit = soup.find("a", rel="edit")
        prefix = f"{REPO_URL}/edit/{CONFIG['extra']['branch']}/"
        if not edit or not edit["href"].startswith(prefix) or not (ROOT / edit["href"][len(prefix):]).is_file():
            problems.append(f"{page}: edit link {edit and edit['href']!r} does not name a file of the repository")
    assert not problems, "\n".join(problems)
    assert (ROOT / "docs" / "assets" / "favicon.svg").stat().st_size < 2000
