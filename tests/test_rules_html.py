"""snipcheck/rules/html.py: the Nu Html Checker (vnu.jar from npm, run with Java) finds no error
on any built HTML file, but for those the theme owns (``snipcheck.rules.theme_owned``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from snipcheck.layout import ROOT
from snipcheck.rules.html import html_messages, html_problems


VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def unavailable(message: str):
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """vnu.jar from the npm package pinned in package-lock.json (npm ci --ignore-scripts)."""
    if not shutil.which("java"):
        unavailable("Java is missing, so the HTML check cannot run: apt-get install -y default-jre-headless")
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/vnu-jar"]["version"]
    installed = ROOT / "node_modules" / "vnu-jar" / "package.json"
    if not VNU.exists() or json.loads(installed.read_text(encoding="utf-8"))["version"] != pinned:
        if not shutil.which("npm"):
            unavailable("npm is missing, so vnu-jar cannot be installed: apt-get install -y npm")
        done = subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                              cwd=ROOT, capture_output=True, text=True)
        if done.returncode or not VNU.exists():
            pytest.fail(f"npm ci --ignore-scripts failed:\n{done.stderr[-2000:]}", pytrace=False)
    return VNU


def test_every_page_is_valid_html(built_site, vnu_jar, summary):
    files = sorted(built_site.rglob("*.html"))
    problems, allowed = html_problems(built_site, html_messages(files, vnu_jar))
    summary["html check (vnu): theme-owned errors allowed"] = [f"{n:4}  {k}" for k, n in sorted(allowed.items())]
    assert not problems, "\n".join(problems)
