"""The browser gate: every page of the built site in Debian's Chromium (Playwright), light
and dark, at 1280 px and 360 px, with axe, a Tab walk and a few reader checks on each view.

``view`` drives one page view into a ``Visit``; ``view_site`` drives every page (unchanged
views are reused, see ``PageResults``), on every core; ``request_problems``,
``axe_problems`` and ``width_problems`` turn visits into problems, each naming the page, the
scheme and the width. tests/test_gate.py asserts on them.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from snipcheck.layout import ROOT, digest
from snipcheck.store import Store
from snipcheck.rules.theme_owned import axe_allowed

SCHEMES = ["light", "dark"]
WIDTHS = {"desktop": 1280, "phone": 360}
BLOCKING = ("serious", "critical")  # axe impacts that fail the checks
# Every axe rule set but the experimental rules and AAA contrast (7:1).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                          "best-practice"]},
}
DEFAULT_ALT = "No description has been provided for this image"  # nbconvert's
MAX_TAB_STOPS = 400  # a page with more is a keyboard trap in itself


@dataclass
class Visit:
    """What one page view did: requests, problems, axe violations, width, bytes."""

    path: str
    scheme: str
    width: int
    label: str = ""
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    scroll_width: int = 0
    status: int | None = None
    tab_stops: int = 0
    unseen_focus: list[str] = field(default_factory=list)
    default_alts: int = 0
    broken_numbers: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        extra = f", {self.label}" if self.label else ""
        return f"{self.path} [{self.scheme}, {self.width} px{extra}]"

    def foreign(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname != "127.0.0.1"]


# Where a line of a <pre> breaks inside a number: a number whose text takes two boxes.
BROKEN_NUMBERS_JS = r"""() => {
  const found = [];
  for (const pre of document.querySelectorAll("article pre")) {
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/-?\d+(?:[.,]\d+)*(?:e[+-]?\d+)?/gi)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) found.push(m[0]);
      }
    }
  }
  return found;
}"""


# One Tab stop: its name, whether it is on screen, and whether it looks different focused
# and unfocused. What is compared: the element's (or, for a visually hidden input such as
# Material's palette toggle, the label after it) and its three nearest ancestors' outline,
# shadow, border, background, colour and underline, pseudo-elements included.
TAB_STOP_JS = """async () => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  if (!e.__tabKey) e.__tabKey = Math.random().toString(36).slice(2);
  const sized = el => { const r = el.getBoundingClientRect(); return r.width >= 1 && r.height >= 1; };
  let target = e;
  if (!sized(e) && e.nextElementSibling && e.nextElementSibling.tagName === "LABEL") target = e.nextElementSibling;
  target.scrollIntoView({block: "center", inline: "nearest"});
  const r = target.getBoundingClientRect();
  const shown = sized(target) && getComputedStyle(target).visibility !== "hidden" && r.right > 0 && r.left < innerWidth;
  const props = ["outline-style", "outline-width", "outline-color", "box-shadow", "border-top-color",
                 "border-bottom-color", "background-color", "color", "text-decoration-line", "text-decoration-color"];
  const look = () => {
    const out = [];
    let el = target;
    for (let level = 0; el && el !== document.body && level < 4; level++, el = el.parentElement) {
      for (const pseudo of [null, "::before", "::after"]) {
        const style = getComputedStyle(el, pseudo);
        out.push(props.map(p => style.getPropertyValue(p)).join("|"));
      }
    }
    return out.join("\\n");
  };
  const settle = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 120)));
  const focused = look();
  e.blur();
  let unfocused = look();
  if (unfocused === focused) {  // some widgets restyle on the focus event: give them time
    await settle();
    unfocused = look();
  }
  e.focus({focusVisible: true, preventScroll: true});
  if (unfocused === focused) await settle();
  const text = (e.getAttribute("aria-label") || e.innerText || "").trim().slice(0, 40);
  const name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/ +/).join(".") : "") +
    (text ? ` "${text}"` : "");
  return {key: e.__tabKey, name, shown, changed: focused !== unfocused};
}"""


def walk_focus(page, visit: Visit) -> None:
    """Press Tab through the page, as a keyboard reader does. Every stop must be on screen
    and look different focused and unfocused (see TAB_STOP_JS)."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    seen = set()
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP_JS)
        if stop is None or stop["key"] in seen:
            break  # back at the start: every stop was visited
        seen.add(stop["key"])
        if not stop["shown"]:
            visit.unseen_focus.append(f"{stop['name']} (takes focus off screen or with no size)")
        elif not stop["changed"]:
            visit.unseen_focus.append(stop["name"])
    visit.tab_stops = len(seen)


def view(browser, url: str, path: str, scheme: str, width: int, *, axe: bool = True,
         interact=None, label: str = "", expect_status: int = 200, shots: str | None = None,
         reader: bool = False) -> Visit:
    """Load one page in a fresh context, optionally act on it, then run axe on it."""
    visit = Visit(path, scheme, width, label)
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("requestfailed", lambda r: visit.errors.append(f"request failed: {r.url} ({r.failure})"))

    def console(message):
        if message.type != "error":
            return
        # The browser reports the 404 status of the 404 page itself: that is the point.
        if expect_status == 404 and message.location.get("url") == url and "404" in message.text:
            return
        visit.errors.append(f"console error: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: visit.errors.append(f"page error: {e}"))
    try:
        response = page.goto(url, wait_until="networkidle")
        visit.status = response.status if response else None
        if visit.status != expect_status:
            visit.errors.append(f"HTTP status {visit.status}, expected {expect_status}")
        if interact:
            interact(page)
            page.wait_for_load_state("networkidle")
        visit.scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if reader:
            visit.default_alts = page.locator(f'img[alt="{DEFAULT_ALT}"]').count()
            visit.broken_numbers = page.evaluate(BROKEN_NUMBERS_JS)
            walk_focus(page, visit)
            # The walk scrolled the page: axe checks it as a reader first sees it, not with the
            # table of contents half under the sticky header and its title fading in.
            page.keyboard.press("Home")
            page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
            page.wait_for_function("window.scrollY === 0")
            page.wait_for_timeout(400)  # Material's header and contents follow the scroll on a timer
        if axe:
            from axe_playwright_python.sync_playwright import Axe

            visit.violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "_").replace(".html", "") or "home"
            suffix = f"-{label.replace(' ', '-')}" if label else ""
            page.screenshot(path=str(Path(shots) / f"{name}-{scheme}-{width}{suffix}.png"), full_page=True)
    finally:
        context.close()
    return visit


def request_problems(visits: list[Visit]) -> list[str]:
    """Requests to other hosts, failed requests and console errors, page and request named."""
    problems = []
    for v in visits:
        problems += [f"{v.where}: request to another host: {u}" for u in dict.fromkeys(v.foreign())]
        problems += [f"{v.where}: {e}" for e in v.errors]
    return problems


def axe_problems(visits: list[Visit]) -> list[str]:
    problems = []
    for v in visits:
        for violation in v.violations:
            if violation["impact"] not in BLOCKING:
                continue
            for node in violation["nodes"]:
                if axe_allowed(violation["id"], node["target"]):
                    continue
                problems.append(
                    f"{v.where}: axe {violation['id']} ({violation['impact']}): {violation['help']} "
                    f"at {' '.join(map(str, node['target']))}: {node['html'][:160]}"
                )
    return problems


def width_problems(visits: list[Visit]) -> list[str]:
    return [
        f"{v.where}: the page scrolls sideways ({v.scroll_width} px wide content)"
        for v in visits
        if v.scroll_width > v.width
    ]


def page_weight(site: Path, visit: Visit) -> int:
    """Bytes of every distinct local file the page loaded (uncompressed)."""
    total = 0
    for url in dict.fromkeys(visit.requests):
        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1":
            continue
        target = site / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            total += target.stat().st_size
    return total


def drive_in_parallel(browser, views: list[tuple[str, str, str, int]], shots: str | None) -> list[Visit]:
    """``view`` for each (url, path, scheme, width), on every core: one Chromium per worker
    thread, each with its own Playwright (its API is per thread); in order."""
    from concurrent.futures import ThreadPoolExecutor

    from snipcheck.site import launch_chromium

    workers = min(os.cpu_count() or 1, len(views))
    if workers <= 1:
        return [view(browser, *v, shots=shots, reader=True) for v in views]

    def drive(chunk):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = launch_chromium(playwright)
            try:
                return [(i, view(own, *views[i], shots=shots, reader=True)) for i in chunk]
            finally:
                own.close()

    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(drive, [range(n, len(views), workers) for n in range(workers)])
    return [visit for _, visit in sorted(pair for part in parts for pair in part)]


def view_site(browser, site_url: str, site: Path, pages: list[str], shots: str | None = None
              ) -> tuple[list[Visit], dict[str, list[str]]]:
    """Every page, both schemes, both widths; axe on each. Returns the visits and sections
    for the test report (views reused, page weights, tab stops)."""
    # An unchanged view (same HTML, same files fetched, same gate code, same browser) is not
    # driven again locally; SNIPCHECK_CACHE=off (as .ci/run sets it) drives every one (snipcheck.store).
    stored = PageResults(site, [Path(__file__), ROOT / "snipcheck" / "site.py"], browser.version)
    views = [(path, scheme, width) for scheme in SCHEMES for width in WIDTHS.values() for path in pages]
    kept = {v: None if shots else stored.get(v[0], v[1], str(v[2])) for v in views}
    todo = [v for v in views if kept[v] is None]
    driven = dict(zip(todo, drive_in_parallel(browser, [(site_url + p, p, s, w) for p, s, w in todo], shots)))
    done = []
    for v in views:
        if kept[v] is not None:
            done.append(Visit(**kept[v]))
            continue
        visit = driven[v]
        if not visit.errors:  # a request or console error may be passing: never kept
            stored.put(asdict(visit), visit.requests, v[0], v[1], str(v[2]))
        done.append(visit)
    report = {"browser gate": [f"{len(views) - len(todo)} page views unchanged since they were checked "
                               f"(not driven again), {len(todo)} driven"]}
    lines = []
    for v in done:
        if v.scheme == "light" and v.width == WIDTHS["desktop"]:
            lines.append(f"{page_weight(site, v) / 1000:8.0f} KB  {v.path}")
    report["page weight (uncompressed bytes each page loads; budgets: nox -s bench)"] = lines
    report["tab stops (light, 1280 px / 360 px)"] = [
        f"{v.tab_stops:4}  /{w.tab_stops:4}  {v.path}" for v in done for w in done
        if v.scheme == w.scheme == "light" and v.path == w.path and v.width == WIDTHS["desktop"]
        and w.width == WIDTHS["phone"]
    ]
    return done, report


class PageResults:
    """Results of the browser gate per page view, reused while nothing they depend on changed.

    A view's entry is keyed on the built HTML it loaded and every local file it fetched
    (by sha256), the gate's own code, and the browser's version: an unchanged page is not
    driven again. Kept in the project's one store (``snipcheck.store``), so
    ``SNIPCHECK_CACHE=off`` (as ``.ci/run`` sets it) drives every view.
    """

    def __init__(self, site: Path, gate_files: list[Path], browser_version: str):
        import hashlib

        self.site = Path(site)
        self.store = Store("browser-gate")
        h = hashlib.sha256(browser_version.encode())
        for path in sorted(gate_files):
            h.update(Path(path).read_bytes())
        self.gate = h.hexdigest()
        self.hits = self.misses = 0

    def _file_for(self, url: str) -> Path | None:
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1":
            return None
        target = self.site / unquote(parts.path).lstrip("/")
        return target / "index.html" if target.is_dir() else target

    def get(self, *view_key: str) -> dict | None:
        """The stored result of this view, if the page, every file it fetched, the gate and
        the browser are unchanged."""
        entry = self.store.get("\0".join(view_key))
        fresh = isinstance(entry, dict) and entry.get("gate") == self.gate and all(
            digest(self._file_for(url)) == value for url, value in entry["files"].items())
        if not fresh:
            self.misses += 1
            return None
        self.hits += 1
        return entry["result"]

    def put(self, result: dict, requests: list[str], *view_key: str) -> None:
        files = {u: digest(self._file_for(u)) for u in dict.fromkeys(requests) if self._file_for(u)}
        self.store.put("\0".join(view_key), {"gate": self.gate, "files": files, "result": result})
