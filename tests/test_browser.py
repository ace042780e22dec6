"""Every built page in a real browser: no request leaves 127.0.0.1, no console error.

Set SCREENSHOTS=some/folder to keep a light and a dark screenshot of every page.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, site_pages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(built_site):
    found = site_pages(built_site)
    assert "/" in found and "/training-weights/" in found
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_load_locally_without_errors(browser, site_url, pages, scheme):
    shots = os.environ.get("SCREENSHOTS")
    problems = []
    for path in pages:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        response = page.goto(site_url + path, wait_until="networkidle")
        if response is None or response.status != 200:
            errors.append(f"status {response and response.status}")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "_") or "home"
            page.screenshot(path=str(Path(shots) / f"{name}-{scheme}.png"), full_page=True)
        foreign = [u for u in requests if urlsplit(u).hostname not in ("127.0.0.1", None)]
        problems += [f"{path}: request to another host: {u}" for u in foreign]
        problems += [f"{path}: {e}" for e in errors]
        context.close()
    assert not problems, "\n".join(problems)
