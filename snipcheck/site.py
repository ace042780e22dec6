"""The built site: build it as ``nox -s docs`` does, serve it on 127.0.0.1, drive it in
Debian's Chromium, list its pages. Used by the tests and by the bench."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from snipcheck.layout import CONFIG, ROOT, preset_env

BUILD_ENV = preset_env()
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


def build_command(config: Path = CONFIG, site_dir: Path | None = None) -> list[str]:
    """``mkdocs build --strict`` as ``nox -s docs`` runs it (never with -v: it skips anchors)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
    return command + (["-d", str(site_dir)] if site_dir else [])


def build(config: Path = CONFIG, site_dir: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(config, site_dir), cwd=cwd, env=BUILD_ENV, capture_output=True, text=True)


CONTENT = ("docs", "snippets", "notebooks", "versions", "includes", "mkdocs.yml", "CONTRIBUTING.md")  # what a contributor edits; copied pristine


def pristine_content(folder: Path) -> None:
    """docs/, snippets/ and mkdocs.yml as last committed (``git archive HEAD``), written into
    ``folder``; the working tree's when there is no git history. A self-test that breaks a
    copy on purpose then starts from content that passed, whatever the contributor is
    editing right now."""
    import io
    import tarfile

    done = subprocess.run(["git", "archive", "--format=tar", "HEAD", *CONTENT], cwd=ROOT,
                          capture_output=True)
    if done.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(folder, filter="data")
        return
    for name in CONTENT:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, Path(folder) / name)


def build_errors(stderr: str) -> str:
    """The lines of a failed build's log that say why (its errors and warnings, with the
    lines that continue them), not the INFO lines around them."""
    kept, keeping = [], False
    for line in stderr.splitlines():
        if line.startswith(("ERROR", "WARNING", "Aborted", "Error:")):
            keeping = True
        elif line.startswith(("INFO", "DEBUG")):
            keeping = False
        if keeping:
            kept.append(line)
    return "\n".join(kept)[-4000:] or stderr[-4000:]


class SiteCopy:
    """A pristine copy of the content (docs/, snippets/ and mkdocs.yml as last committed) in
    ``folder``, to be broken on purpose and built there.

    hooks/ and overrides/ are linked to the working tree's (the checker under test), so every
    path in the config resolves as in the repository. The build runs in ``folder``, so pages
    include the copy's snippets.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.docs = self.folder / "docs"
        self.snippets = self.folder / "snippets"
        self.config = self.folder / "mkdocs.yml"
        self.site = self.folder / "site"
        pristine_content(self.folder)
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
        return build(self.config, self.site, cwd=self.folder)


BANNER_WITHIN = 5.0  # seconds from a snippet edit to the preview's stale-output banner (nox -s bench)


def fetch(url: str) -> tuple[int, str]:
    """Status and text of ``url`` (status 0 when nothing answers)."""
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except OSError as exc:
        return getattr(exc, "code", 0) or 0, ""


def wait_for(condition, seconds: float, step: float = 0.1):
    """The first true value of ``condition()`` within ``seconds``, else None."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(step)
    return None


@contextlib.contextmanager
def preview(copy: SiteCopy):
    """``mkdocs serve`` (the preview of ``nox -s serve``) on ``copy``, on a free port of
    127.0.0.1; stopped by its PID. Yields the URL it serves, once the home page answers."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(copy.config)],
        cwd=copy.folder, env=BUILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        if not wait_for(lambda: fetch(url)[0] == 200, 180, 0.25):
            raise RuntimeError(f"the preview never answered at {url}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def banner_after_edit(copy: SiteCopy, page_url: str, snippet: str, within: float) -> float | None:
    """Seconds from an edit of ``snippet`` (a comment appended, in ``copy``) until ``page_url``
    shows the stale-output banner; None when it does not within ``within`` seconds."""
    import time

    path = copy.folder / snippet
    edited = time.monotonic()
    path.write_text(path.read_text(encoding="utf-8") + "# an edit after the output was recorded\n", encoding="utf-8")
    shown = wait_for(lambda: "stale output" in fetch(page_url)[1], within)
    return time.monotonic() - edited if shown else None


def load_hook(name: str):
    """A hook module from hooks/, imported the way MkDocs imports it (by path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"hooks_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Notebook pages: docs/**/*.ipynb, served at <path>/ like Markdown pages.
NOTEBOOK_PAGES = sorted(
    "/" + str(p.relative_to(ROOT / "docs").with_suffix("")).replace(os.sep, "/") + "/"
    for p in (ROOT / "docs").rglob("*.ipynb")
)


def page_of(site: Path, file: Path) -> str:
    """The address of a built file, relative to the site's root: '/a/b/' for a/b/index.html."""
    rel = file.relative_to(site).as_posix()
    return "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel



def pages(site: Path) -> list[str]:
    """Every page's path, from the sitemap MkDocs writes."""
    import xml.etree.ElementTree as ET

    import yaml

    site_url = yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["site_url"]
    locs = ET.parse(Path(site) / "sitemap.xml").iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    return sorted(loc.text.replace(site_url, "/") for loc in locs)


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


def launch_chromium(playwright):
    """Debian's Chromium through Playwright (never a browser downloaded by a test tool)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@contextlib.contextmanager
def watched_page(browser, url: str, **context_options):
    """A fresh browser context on ``url``. Yields ``(page, errors, foreign)``: console and
    page errors, and requests to any host but 127.0.0.1, collected while the page is used."""
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


def nav_pages(config: Path = CONFIG) -> list[tuple[str, str]]:
    """(title, page) for every page in mkdocs.yml's nav, in order; ``page`` is relative to
    docs/, as the nav writes it. Tests find pages here, so renaming a page (and its nav line)
    never breaks them."""
    import yaml

    found: list[tuple[str, str]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, str):
                found.append((item, item))
                continue
            for title, value in item.items():
                walk(value) if isinstance(value, list) else found.append((title, value))

    walk(yaml.load(Path(config).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["nav"])
    return found


def nav_page(title: str, config: Path = CONFIG) -> str:
    """The first page the nav lists under ``title`` (for example "Practice")."""
    for name, page in nav_pages(config):
        if name == title:
            return page
    raise LookupError(f"mkdocs.yml's nav lists no page titled {title!r}; the tests look for one.")


def url_of(page: str) -> str:
    """Where a page (relative to docs/) is served, relative to the site's root: '/a/b/'."""
    path = Path(page).with_suffix("")
    return "/" + (path.parent.as_posix() + "/" if path.name == "index" else path.as_posix() + "/").lstrip("./")
