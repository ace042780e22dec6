"""``nox -s bench``: speed and size figures, measured side by side in one run.

Prints (a) a fresh interpreter per snippet, (b) the checker cold, (c) warm with nothing
changed, (d) with one snippet changed, against the floor (one TensorFlow import plus each
snippet's own compute); the site build against a bare Material site with as many pages;
and the bytes a browser transfers for each built page. Exits 1 when a target is missed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from snipcheck import site as site_module
from snipcheck.layout import DOCS, ROOT, discover, rel
from snipcheck.run import jobs, run_many

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "NO_MKDOCS_2_WARNING": "1"}
BUDGETS = {"training-weights/": 300_000, "training-weights/experiment/": 1_000_000}
results: list[tuple[str, bool, str]] = []


def timed(cmd: list[str], env=None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env or ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds, done.stdout


def target(name: str, ok: bool, figure: str) -> None:
    results.append((name, ok, figure))


def executed(output: str) -> int:
    return int(re.search(r"snippets: (\d+) executed", output).group(1))


def snippets_part(snippets: list[Path]) -> None:
    print(f"Snippets: {len(snippets)} files, {os.cpu_count()} cores\n")
    import_s, _ = timed([sys.executable, "-c", "import tensorflow, keras"])

    # (a) what a naive runner does: one fresh interpreter per snippet
    fresh = 0.0
    for snippet in snippets:
        fresh += timed([sys.executable, str(snippet)])[0]

    # the floor: one import plus each snippet's own compute, measured one at a time
    serial = run_many(snippets, jobs=1)
    own = {s: r.seconds for s, r in serial.items()}
    floor = import_s + sum(own.values())

    check = [sys.executable, "-m", "snipcheck", "check"]
    with tempfile.TemporaryDirectory() as cache:
        env = {**ENV, "SNIPCHECK_CACHE": cache}
        cold, out_cold = timed(check, env)  # (b) empty cache: everything runs, in parallel
        warm, out_warm = timed(check, env)  # (c) nothing changed
        edited = snippets[0]
        original = edited.read_bytes()
        try:  # (d) one snippet changed (a comment: its output stays the same)
            edited.write_bytes(original + b"\n# edited by the benchmark\n")
            one, out_one = timed(check, env)
        finally:
            edited.write_bytes(original)

    parallel = run_many(snippets, jobs=jobs())
    same = all(parallel[s].stdout == serial[s].stdout for s in snippets)

    rows = [
        ("TensorFlow import (once)", import_s, ""),
        ("floor: import + sum of own compute", floor, ""),
        ("(a) fresh interpreter per snippet", fresh, f"{executed_all(len(snippets))}"),
        ("(b) checker, cold cache", cold, f"{executed(out_cold)} executed"),
        ("(c) checker, warm, nothing changed", warm, f"{executed(out_warm)} executed"),
        ("(d) checker, one snippet changed", one, f"{executed(out_one)} executed"),
    ]
    print(f"{'':40} {'seconds':>8} {'x floor':>8}")
    for name, seconds, note in rows:
        print(f"{name:40} {seconds:8.2f} {seconds / floor:8.2f}  {note}")
    print(f"\n(a) / (b): {fresh / cold:.1f} x faster cold; (a) / (c): {fresh / warm:.0f} x warm")
    print("own compute per snippet (serial):")
    for snippet, seconds in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:6.2f} s  {rel(snippet)}")
    print(f"parallel ({jobs()} jobs) output identical to serial: {same}\n")

    target("cold check <= 1.2 x floor", cold <= 1.2 * floor, f"{cold / floor:.2f} x")
    target("warm check: 0 executed", executed(out_warm) == 0, f"{executed(out_warm)}")
    target("warm check < 3 s", warm < 3.0, f"{warm:.2f} s")
    target("one changed: exactly 1 executed", executed(out_one) == 1, f"{executed(out_one)}")
    target("parallel == serial", same, str(same))


def executed_all(n: int) -> str:
    return f"{n} interpreters"


def site_part() -> Path:
    site = Path(tempfile.mkdtemp(prefix="bench-site-"))
    build = site_module.build_command(site_dir=site)
    ours = min(timed(build)[0] for _ in range(3))
    pages = len([p for p in DOCS.rglob("*") if p.suffix in (".md", ".ipynb")])

    with tempfile.TemporaryDirectory() as bare:
        docs = Path(bare, "docs")
        docs.mkdir()
        for i in range(pages):
            text = f"# Page {i}\n\n" + "Some words in a paragraph. " * 40 + "\n\n## Part\n\n- a\n- b\n"
            Path(docs, f"page{i}.md" if i else "index.md").write_text(text)
        Path(bare, "mkdocs.yml").write_text("site_name: bare\ntheme:\n  name: material\n  font: false\n")
        bare_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", f"{bare}/mkdocs.yml", "-d", f"{bare}/site"]
        plain = min(timed(bare_cmd)[0] for _ in range(3))
    plugin = min(timed([sys.executable, "-c", "import mkdocs_jupyter.plugin"])[0] for _ in range(3))
    python = min(timed([sys.executable, "-c", "pass"])[0] for _ in range(3))
    print(f"Site build ({pages} pages, best of 3): this site {ours:.2f} s, bare Material {plain:.2f} s, "
          f"ratio {ours / plain:.2f}")
    print(f"  of which importing mkdocs-jupyter (nbconvert, jupytext) alone: {plugin - python:.2f} s; "
          f"the rest is {(ours - plugin + python) / plain:.2f} x the bare build\n")
    target("site build <= 2 x bare Material", ours <= 2 * plain, f"{ours / plain:.2f} x")
    return site


def weights_part(site: Path) -> None:
    """Bytes a browser really fetches for each page (uncompressed), via Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    if not site_module.CHROMIUM.exists():
        sys.exit("bench: page weights need Debian's Chromium: apt-get install -y chromium")
    fetched: dict[str, dict[str, int]] = {}
    with site_module.serve(site) as base, sync_playwright() as p:
        browser = site_module.launch_chromium(p)
        for path in site_module.pages(site):
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished", lambda r: sizes.__setitem__(r.url, len(r.response().body())))
            page.goto(base + path, wait_until="networkidle")
            fetched[path] = sizes
            context.close()
        browser.close()
    # Theme files every page loads (CSS, JS, search index) are fetched once per visit to the
    # site; a page's own weight is its document plus what only some pages load.
    shared = set.intersection(*(set(urls) for urls in fetched.values()))
    theme = sum(fetched[next(iter(fetched))][u] for u in shared)
    print("Page weight, uncompressed bytes a browser fetches (Chromium, cold cache).")
    print(f"Shared by every page (theme CSS/JS, search index): {theme / 1000:.1f} KB in {len(shared)} files")
    print(f"  {'own KB':>8} {'first visit KB':>15}  page")
    for path, sizes in fetched.items():
        own = sum(n for u, n in sizes.items() if u not in shared)
        total = sum(sizes.values())
        budget = BUDGETS.get(path.lstrip("/"))
        note = f"  (budget {budget // 1000} KB own)" if budget else ""
        print(f"  {own / 1000:8.1f} {total / 1000:15.1f}  {path}{note}")
        if budget:
            target(f"{path} own weight <= {budget // 1000} KB", own <= budget, f"{own / 1000:.0f} KB")
    shutil.rmtree(site)
    print()


def main() -> int:
    snippets_part(discover())
    weights_part(site_part())
    print("Targets:")
    for name, ok, figure in results:
        print(f"  {'PASS' if ok else 'MISS'}  {name:40} {figure}")
    return 0 if all(ok for _, ok, _ in results) else 1


