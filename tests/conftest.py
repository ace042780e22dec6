"""Shared fixtures: one strict site build and one run of every snippet per test session."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import snipcheck

ROOT = snipcheck.ROOT
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` as ``nox -s docs`` runs it (never with -v: it skips anchors)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=ROOT,
        env=BUILD_ENV,
        capture_output=True,
        text=True,
    )


class SiteCopy:
    """docs/ and mkdocs.yml copied into ``folder`` to be broken on purpose and built.

    hooks/ and overrides/ are linked beside the copied config, so every path in it resolves
    as in the repository; snippets resolve from the repository (the build runs there).
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.docs = self.folder / "docs"
        self.config = self.folder / "mkdocs.yml"
        self.site = self.folder / "site"
        shutil.copytree(ROOT / "docs", self.docs)
        shutil.copy(ROOT / "mkdocs.yml", self.config)
        for name in ("hooks", "overrides"):
            (self.folder / name).symlink_to(ROOT / name)

    def edit_page(self, page: str, old: str, new: str) -> None:
        path = self.docs / page
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def edit_config(self, old: str, new: str) -> None:
        text = self.config.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        self.config.write_text(text.replace(old, new), encoding="utf-8")

    def build(self) -> subprocess.CompletedProcess:
        return mkdocs_build(self.config, self.site)


@pytest.fixture
def site_copy(tmp_path) -> SiteCopy:
    return SiteCopy(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    done = mkdocs_build(ROOT / "mkdocs.yml", site)
    if done.returncode:
        pytest.fail(f"mkdocs build --strict failed:\n{done.stderr[-4000:]}", pytrace=False)
    return site


def pytest_addoption(parser):
    parser.addoption("--all-snippets", action="store_true",
                     help="execute every snippet, ignoring the cache of verified runs")


_results: dict = {}

# Extra sections for the end of the test report: {title: [lines]}, filled by tests
# (tests/test_quality.py writes page weights and the links it could not test offline).
REPORT: dict[str, list[str]] = {}


@pytest.fixture(scope="session")
def snippet_results(request) -> dict:
    """Every snippet checked once, in parallel forked children; unchanged ones from the cache."""
    if not _results:
        cache = None if request.config.getoption("--all-snippets") else snipcheck.default_cache()
        _results.update(snipcheck.run_checked(snipcheck.discover(), snipcheck.jobs(), cache))
    return _results


def pytest_terminal_summary(terminalreporter):
    for title, lines in REPORT.items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)
    if not _results:
        return
    terminalreporter.section("snippets")
    for path, result in sorted(_results.items()):
        how = "cached" if result.cached else result.status
        terminalreporter.write_line(f"{result.seconds:6.2f} s  {how:8}  {snipcheck.rel(path)}")
    ran = sum(not r.cached for r in _results.values())
    terminalreporter.write_line(
        f"snippets: {ran} executed, {len(_results) - ran} from cache "
        f"(times of cached ones are from the run that verified them)"
    )


# --------------------------------------------------------------------------- browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Another host's name never resolves: a request to it fails at once (and is still
    # reported by the tests) instead of reaching the network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


@contextlib.contextmanager
def serve(directory: Path, prefix: str = "/"):
    """Serve ``directory`` on 127.0.0.1 on a free port under ``prefix``, as a static host
    does: a missing page gets 404.html with status 404. Yields the base URL."""
    import functools
    import http.server
    import threading
    from urllib.parse import urlsplit

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def translate_path(self, path):
            clean = urlsplit(path).path
            if not clean.startswith(prefix):
                return str(Path(directory) / "\0missing")
            return super().translate_path("/" + clean[len(prefix):])

        def send_error(self, code, message=None, explain=None):
            page = Path(directory) / "404.html"
            if code != 404 or not page.exists():
                return super().send_error(code, message, explain)
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1 on a free port."""
    with serve(built_site) as url:
        yield url


@contextlib.contextmanager
def watched_page(browser, url: str, **context_options):
    """A fresh browser context on ``url``. Yields ``(page, errors, foreign)``: console and
    page errors, and requests to any host but 127.0.0.1, collected while the test acts."""
    from urllib.parse import urlsplit

    context = browser.new_context(**context_options)
    page = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url)
            if urlsplit(r.url).hostname not in ("127.0.0.1", None) else None)
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.goto(url, wait_until="networkidle")
    try:
        yield page, errors, foreign
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        message = "Debian's Chromium is missing: install it with 'apt-get install -y chromium'."
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def site_pages(built_site: Path) -> list[str]:
    """Every page's path, from the sitemap MkDocs writes."""
    import xml.etree.ElementTree as ET

    import yaml

    site_url = yaml.load(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader
    )["site_url"]
    locs = ET.parse(built_site / "sitemap.xml").iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    return sorted(loc.text.replace(site_url, "/") for loc in locs)
