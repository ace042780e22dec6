"""`nox -s new` (snipcheck/scaffold.py) creates a topic and a snippet that pass the checks at once.

The scaffold runs in a temporary copy of the repository (without environments, caches or
git), never in the real one. There the
new page must build strictly, show its recorded output with the version line, and pass the
page checks; the new snippets must pass the snippet checks, executed afresh.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from snipcheck import scaffold
from snipcheck.layout import RECORDED_WITH, ROOT, SOURCE_KEY, preset_env, source_digest
from snipcheck.outputs import versions

pytestmark = pytest.mark.selftest  # checks the checker: nox -s tests, not nox -s check

# Everything but environments, caches, build output and git's own folder.
SKIPPED = (".git", ".nox", ".cache", ".venv", "site", "node_modules", "__pycache__", ".pytest_cache",
           "screenshots", "*.pyc", "*.out.tmp")
TOPIC, SNIPPET = "demo-topic", "second_step"
ENV = preset_env()
ENV.pop("PYTHONPATH", None)


def run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=repo, env=ENV, capture_output=True, text=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the repository in which the scaffold made a topic, then a second snippet."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(*SKIPPED), dirs_exist_ok=True)
    for target in (TOPIC, f"{TOPIC}/{SNIPPET}"):
        done = run(root, "-m", "snipcheck", "new", target)
        assert done.returncode == 0, f"nox -s new -- {target} failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    return root


def test_the_scaffold_creates_a_page_snippets_and_their_recorded_outputs(repo):
    for path in (f"docs/{TOPIC}/index.md", f"snippets/{TOPIC}/first.py", f"snippets/{TOPIC}/first.out",
                 f"snippets/{TOPIC}/{SNIPPET}.py", f"snippets/{TOPIC}/{SNIPPET}.out"):
        assert (repo / path).is_file(), f"the scaffold did not create {path}"
    recorded = json.loads((repo / "snippets" / TOPIC / RECORDED_WITH).read_text(encoding="utf-8"))
    assert set(recorded) == {"first.out", f"{SNIPPET}.out"}
    for name, entry in recorded.items():
        snippet = repo / "snippets" / TOPIC / name.replace(".out", ".py")
        assert entry == {**versions(), SOURCE_KEY: source_digest(snippet)}, name


def test_the_new_snippets_pass_the_snippet_checks_when_run_afresh(repo):
    done = subprocess.run([sys.executable, "-m", "snipcheck", "check", f"snippets/{TOPIC}"], cwd=repo,
                          env={**ENV, "SNIPCHECK_CACHE": "off"}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "snippets: 2 executed, 0 from cache, 0 failed" in done.stdout


def test_the_nav_gains_the_topic_before_the_guide_and_keeps_every_other_line(repo):
    before = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    after = (repo / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    added = ["  - Demo topic:", f"      - Lesson: {TOPIC}/index.md"]
    at = after.index(added[0])
    assert after[at : at + 2] == added and after[:at] + after[at + 2 :] == before
    assert after[at + 2] == "  - Contribute: contributing.md"


def test_the_new_page_builds_strictly_with_its_output_and_version_line(repo, tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=repo, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    soup = BeautifulSoup((site / TOPIC / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("article h1").get_text(strip=True).startswith("Demo topic")
    shown = [code.get_text() for code in soup.select("article pre code")]
    assert (repo / "snippets" / TOPIC / "first.out").read_text(encoding="utf-8") in shown
    version = versions()
    titles = [t.get_text() for t in soup.select("article .filename")]
    assert f"Output · TensorFlow {version['tensorflow']} · {version['platform']} · oneDNN off" in titles
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert any(a.get("href", "").rstrip("/").endswith(TOPIC) for a in home.select("nav a")), "not in the nav"


def test_the_new_page_passes_the_page_checks(repo):
    done = run(repo, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "tests/test_content_pages.py::test_code_and_output_blocks_are_inclusions",
               "tests/test_content_pages.py::test_built_page_shows_recorded_outputs_byte_for_byte",
               "tests/test_content_snippets.py::test_every_snippet_has_a_recorded_output",
               "tests/test_content_snippets.py::test_every_recorded_output_has_its_snippet",
               "tests/test_content_snippets.py::test_snippet_seeds_itself", "tests/test_content_snippets.py::"
               "test_every_output_has_an_entry_and_every_entry_an_output")
    assert done.returncode == 0, done.stdout[-4000:]


@pytest.mark.parametrize(
    "target, message",
    [
        (TOPIC, f"docs/{TOPIC} already exists. Pick another topic name, or add a snippet to this "
                f"topic: nox -s new -- {TOPIC}/<snippet_name>"),
        ("Demo_Topic", "'Demo_Topic' is not a topic name: use lowercase letters, digits and hyphens"),
        ("no-such-topic/step", "snippets/no-such-topic/ does not exist. Create the topic first: "
                               "nox -s new -- no-such-topic"),
        (f"{TOPIC}/Step-2", "'Step-2' is not a snippet name"),
        (f"{TOPIC}/{SNIPPET}", f"snippets/{TOPIC}/{SNIPPET}.py already exists. Pick another name."),
    ],
)
def test_a_refused_name_says_why_and_changes_nothing(repo, target, message):
    config = (repo / "mkdocs.yml").read_bytes()
    files = sorted(p for p in (repo / "snippets").rglob("*") if p.is_file())
    done = run(repo, "-m", "snipcheck", "new", target, "--no-record")
    assert done.returncode == 2
    assert message in done.stderr, done.stderr
    assert (repo / "mkdocs.yml").read_bytes() == config
    assert sorted(p for p in (repo / "snippets").rglob("*") if p.is_file()) == files


def test_the_nav_edit_keeps_comments_and_quotes_titles_that_need_it():
    config = textwrap.dedent("""\
        site_name: x
        nav:
          # The home page.
          - Home: index.md

          - Old: old/index.md   # a comment that stays

        extra:
          key: value
        """)
    edited = scaffold.add_to_nav(config, "Weights: a look", "new/index.md")
    assert edited == config.replace(
        "   # a comment that stays\n",
        '   # a comment that stays\n  - "Weights: a look":\n      - Lesson: new/index.md\n',
    )
    scaffold.check_nav(config, edited, "Weights: a look", "new/index.md")
    with pytest.raises(scaffold.ScaffoldError, match="already lists old/index.md"):
        scaffold.add_to_nav(config, "Old", "old/index.md")
