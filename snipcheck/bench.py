"""``nox -s bench``: speed and size figures, measured side by side in one run.

Every time is the median of ``--samples`` runs (default 3), printed with its spread.

1. The contributor's loop, on this (warm) environment: the fast content check (``nox -s
   check``'s pytest call) with nothing changed, after a one-page prose edit, and after a
   one-snippet edit that is recorded (``refresh`` of that snippet, then the check), each
   against its target. Files are edited in place and restored, byte for byte.
2. Snippets: the checker cold (an empty cache, measured first, before anything warms the
   machine), warm, and with one snippet changed, against a fair floor for the cores the
   checker uses: one TensorFlow import plus the larger of the longest snippet and the sum of
   every snippet's own compute divided by the jobs; and a fresh interpreter per snippet.
3. The site build against itself without the notebook plugin (mkdocs-jupyter) and against a
   bare Material site with the same Markdown extensions and as many pages.
4. The bytes a browser fetches for each page on a first visit, raw and gzip-compressed.
5. The preview (``nox -s serve``): seconds from a snippet edit to the stale-output banner on its
   page, on a pristine copy of the content, against its target.

Exits 1 when a target is missed.
``python -m snipcheck bench [--samples N] [--only loop,snippets,site,weights,preview]``.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from snipcheck import layout, site as site_module
from snipcheck.layout import DOCS, ROOT, discover, includes, notebook_path, preset_env, refresh_hint, rel
from snipcheck.run import jobs, run_many

ENV = preset_env()
BUDGETS = {"training-weights/": 300_000, "training-weights/experiment/": 1_000_000}
# The contributor's loop, on a warm environment with nothing running beside it (issue 13).
LOOP_TARGETS = {"no change": 15.0, "one-page prose edit": 30.0}
SNIPPET_SLACK = 20.0  # one-snippet edit: the snippet's own time plus this
FAST_CHECK = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", layout.FAST_CHECK]
results: list[tuple[str, bool, str]] = []


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of the timed commands, by label


def cpu_children() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env=None, check: bool = True, label: str = "") -> tuple[float, str]:
    """Wall seconds and stdout of one command; its CPU seconds go to ``CPU[label]``."""
    cpu = cpu_children()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env or ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if label:
        CPU.setdefault(label, []).append(cpu_children() - cpu)
    if check and done.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds, done.stdout


def median(samples: list[float]) -> str:
    """'12.34 s (11.9-13.1, n=3)'."""
    spread = f"{min(samples):.1f}-{max(samples):.1f}, " if len(samples) > 1 else ""
    return f"{statistics.median(samples):7.2f} s ({spread}n={len(samples)})"


def target(name: str, ok: bool, figure: str) -> None:
    results.append((name, ok, figure))


def executed(output: str) -> int:
    found = re.search(r"snippets: (\d+) executed", output)
    return int(found.group(1)) if found else 0


def load_note() -> str:
    load = os.getloadavg()[0]
    return f"load average {load:.1f} on {os.cpu_count()} cores" + (
        " (busy: the figures are slower than on a quiet machine)" if load > (os.cpu_count() or 1) else "")


def page_with_code() -> tuple[Path, str]:
    """The first page (in file order) that includes a snippet, and that snippet's path."""
    for page in sorted(DOCS.rglob("*.md")):
        code = [m["path"] for m in includes(page.read_text(encoding="utf-8")) if m["path"].endswith(".py")]
        if code:
            return page, code[0]
    sys.exit("bench: no page includes a snippet")


class Edited:
    """Files edited in place for a measurement, restored byte for byte afterwards."""

    def __init__(self, *paths: Path):
        self.saved = {p: p.read_bytes() for p in paths}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for path, data in self.saved.items():
            path.write_bytes(data)


# --------------------------------------------------------------------------- 1. the loop


def loop_part(samples: int) -> None:
    print(f"1. The contributor's loop: the fast check (nox -s check), median of {samples}; {load_note()}\n")
    page, _ = page_with_code()
    snippet = min((s for s in discover() if not notebook_path(s)), key=lambda s: s.stat().st_size)

    timed(FAST_CHECK)  # the environment and every cache warm, as the targets assume
    rows = []

    nothing = [timed(FAST_CHECK, label="no change")[0] for _ in range(samples)]
    rows.append(("no change", nothing, LOOP_TARGETS["no change"], "0 snippets executed"))

    prose = []
    with Edited(page):
        for n in range(samples):
            page.write_text(page.read_text(encoding="utf-8") + f"\nA sentence added by the benchmark ({n}).\n",
                            encoding="utf-8")
            prose.append(timed(FAST_CHECK, label="one-page prose edit")[0])
    rows.append(("one-page prose edit", prose, LOOP_TARGETS["one-page prose edit"], rel(page)))

    output, stamp = snippet.with_suffix(".out"), snippet.parent / "recorded-with.json"
    own = run_many([snippet], jobs=1)[snippet].seconds
    record, checked, ran = [], [], []
    with Edited(snippet, output, stamp):
        for n in range(samples):
            snippet.write_text(snippet.read_text(encoding="utf-8") + f"# edited by the benchmark ({n})\n",
                               encoding="utf-8")
            cpu = cpu_children()
            record.append(timed([sys.executable, "-m", "snipcheck", "refresh", str(snippet)])[0])
            seconds, out = timed(FAST_CHECK, label="one-snippet edit: check")
            CPU.setdefault("  record + check", []).append(cpu_children() - cpu)
            checked.append(seconds)
            ran.append(executed(out))
    loop = [r + c for r, c in zip(record, checked)]
    rows.append(("one-snippet edit: check", checked, own + SNIPPET_SLACK,
                 f"{rel(snippet)} (own time {own:.2f} s), recorded first; {max(ran)} executed in the check"))
    rows.append(("  record + check", loop, own + SNIPPET_SLACK,
                 f"{refresh_hint(rel(snippet))} ({statistics.median(record):.2f} s), then the check"))

    # CPU seconds barely depend on what else runs on the machine; wall seconds do.
    print(f"  {'':24} {'wall (median, range, n)':>30} {'CPU s':>6} {'target':>9}")
    for name, figures, limit, note in rows:
        ok = statistics.median(figures) <= limit
        cpu = CPU.get(name, [])
        cpu_s = f"{statistics.median(cpu):6.1f}" if cpu else f"{'':6}"
        print(f"  {name:24} {median(figures):>30} {cpu_s} {limit:8.1f}s  {'PASS' if ok else 'MISS'}  {note}")
        target(f"loop: {name} <= {limit:.0f} s", ok, f"{statistics.median(figures):.1f} s")
    print()


# --------------------------------------------------------------------------- 2. snippets


def snippets_part(snippets: list[Path], samples: int) -> None:
    cores = jobs()
    print(f"2. Snippets: {len(snippets)} files, {cores} jobs on {os.cpu_count()} cores; {load_note()}\n")
    check = [sys.executable, "-m", "snipcheck", "check"]

    # (b) cold first: nothing has run yet in this bench; each sample gets an empty cache
    cold, warm, one, out_warm, out_one = [], [], [], "", ""
    for n in range(samples):
        with tempfile.TemporaryDirectory() as cache:
            env = {**ENV, "SNIPCHECK_CACHE": cache}
            cold.append(timed(check, env)[0])
            seconds, out_warm = timed(check, env)  # (c) nothing changed
            warm.append(seconds)
            edited = snippets[0]
            with Edited(edited):  # (d) one snippet changed (a comment: the same output)
                edited.write_bytes(edited.read_bytes() + f"\n# edited by the benchmark ({n})\n".encode())
                seconds, out_one = timed(check, env, check=False)  # its output is stale: it fails
                one.append(seconds)

    import_s = statistics.median(timed([sys.executable, "-c", "import tensorflow, keras"])[0] for _ in range(samples))
    serial = run_many(snippets, jobs=1)
    own = {s: r.seconds for s, r in serial.items()}
    serial_floor = import_s + sum(own.values())
    floor = import_s + max(max(own.values()), sum(own.values()) / cores)

    # (a) what a naive runner does: one fresh interpreter per snippet
    fresh = sum(timed([sys.executable, str(s)])[0] for s in snippets)

    parallel = run_many(snippets, jobs=cores)
    same = all(parallel[s].stdout == serial[s].stdout for s in snippets)

    print(f"  {'':44} {'seconds':>30} {'x floor':>8}")
    rows = [
        ("TensorFlow import (once)", [import_s]),
        (f"floor: import + max(longest, own sum / {cores})", [floor]),
        ("serial floor: import + own sum (for reference)", [serial_floor]),
        ("(a) fresh interpreter per snippet", [fresh]),
        ("(b) checker, cold cache", cold),
        ("(c) checker, warm, nothing changed", warm),
        ("(d) checker, one snippet changed", one),
    ]
    for name, figures in rows:
        print(f"  {name:44} {median(figures):>30} {statistics.median(figures) / floor:8.2f}")
    print(f"  executed: warm {executed(out_warm)}, one changed {executed(out_one)}")
    print("  own compute per snippet (serial):")
    for snippet, seconds in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f"    {seconds:6.2f} s  {rel(snippet)}")
    print(f"  parallel ({cores} jobs) output identical to serial: {same}\n")

    cold_x = statistics.median(cold) / floor
    target(f"cold check <= 1.5 x the {cores}-job floor", cold_x <= 1.5, f"{cold_x:.2f} x")
    target("warm check: 0 executed", executed(out_warm) == 0, f"{executed(out_warm)}")
    target("warm check < 3 s", statistics.median(warm) < 3.0, f"{statistics.median(warm):.2f} s")
    target("one changed: exactly 1 executed", executed(out_one) == 1, f"{executed(out_one)}")
    target("parallel == serial", same, str(same))


# --------------------------------------------------------------------------- 3. the site build


def without_notebooks(config_text: str) -> str:
    """The site's config without mkdocs-jupyter (and the notebook pages in the nav)."""
    text = re.sub(r"\n  - mkdocs-jupyter:\n(?:      .*\n|\s*#.*\n)*", "\n", config_text)
    return "\n".join(line for line in text.splitlines() if ".ipynb" not in line) + "\n"


def site_part(samples: int) -> Path:
    print(f"3. Site build, median of {samples}; {load_note()}\n")
    site = Path(tempfile.mkdtemp(prefix="bench-site-"))
    ours = [timed(site_module.build_command(site_dir=site))[0] for _ in range(samples)]
    pages = len([p for p in DOCS.rglob("*") if p.suffix in (".md", ".ipynb")])
    config = site_module.CONFIG.read_text(encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        # beside mkdocs.yml, so its hooks and theme overrides resolve as they do for the site
        plain_config = ROOT / f".bench-no-notebooks-{os.getpid()}.yml"
        docs = Path(tmp, "docs")
        shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("*.ipynb"))
        plain_config.write_text(without_notebooks(config).replace("docs_dir: docs", f"docs_dir: {docs}"),
                                encoding="utf-8")
        # not strict: links to the notebook page now point nowhere
        no_nb_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "--no-strict", "-f", str(plain_config),
                     "-d", f"{tmp}/site-a"]
        try:
            no_nb = [timed(no_nb_cmd)[0] for _ in range(samples)]
        finally:
            plain_config.unlink()

        bare = Path(tmp, "bare")
        (bare / "docs").mkdir(parents=True)
        for i in range(pages):
            text = f"# Page {i}\n\n" + "Some words in a paragraph. " * 40 + "\n\n## Part\n\n- a\n- b\n"
            (bare / "docs" / (f"page{i}.md" if i else "index.md")).write_text(text, encoding="utf-8")
        extensions = config[config.index("markdown_extensions:"):]
        extensions = extensions[: extensions.index("\nvalidation:")] if "\nvalidation:" in extensions else extensions
        (bare / "mkdocs.yml").write_text("site_name: bare\ntheme:\n  name: material\n  font: false\n" + extensions,
                                         encoding="utf-8")
        bare_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(bare / "mkdocs.yml"), "-d", str(bare / "site")]
        plain = [timed(bare_cmd)[0] for _ in range(samples)]

    m_ours, m_no_nb, m_plain = (statistics.median(x) for x in (ours, no_nb, plain))
    print(f"  {'this site':44} {median(ours):>30}")
    print(f"  {'this site without mkdocs-jupyter (no notebook)':44} {median(no_nb):>30}  "
          f"the plugin costs {m_ours - m_no_nb:.2f} s")
    print(f"  {f'bare Material, same extensions, {pages} pages':44} {median(plain):>30}  "
          f"ratio {m_ours / m_plain:.2f} (without the plugin {m_no_nb / m_plain:.2f})\n")
    target("site build <= 2 x bare Material", m_ours <= 2 * m_plain, f"{m_ours / m_plain:.2f} x")
    return site


# --------------------------------------------------------------------------- 4. page weights


def weights_part(site: Path) -> None:
    """Bytes a browser fetches for each page on a first visit (Chromium, cold cache): raw,
    and gzip-compressed as a static host serves them."""
    from playwright.sync_api import sync_playwright

    if not site_module.CHROMIUM.exists():
        sys.exit("bench: page weights need Debian's Chromium: apt-get install -y chromium")
    fetched: dict[str, dict[str, tuple[int, int]]] = {}

    def record(sizes, request):
        body = request.response().body()
        sizes[request.url] = (len(body), len(gzip.compress(body, 6)))

    with site_module.serve(site) as base, sync_playwright() as p:
        browser = site_module.launch_chromium(p)
        for path in site_module.pages(site):
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, tuple[int, int]] = {}
            page.on("requestfinished", lambda r, sizes=sizes: record(sizes, r))
            page.goto(base + path, wait_until="networkidle")
            fetched[path] = sizes
            context.close()
        browser.close()
    shared = set.intersection(*(set(urls) for urls in fetched.values()))
    first = fetched[next(iter(fetched))]
    print("4. Page weight: bytes a browser fetches on a first visit (Chromium, cold cache), raw and gzip")
    print(f"  shared by every page (theme CSS/JS, search index): {sum(first[u][0] for u in shared) / 1000:.1f} KB raw, "
          f"{sum(first[u][1] for u in shared) / 1000:.1f} KB gzip, in {len(shared)} files")
    print(f"  {'own KB':>8} {'own gz':>8} {'first visit KB':>15} {'first gz':>9}  page")
    for path, sizes in fetched.items():
        own = [n for u, n in sizes.items() if u not in shared]
        own_raw, own_gz = sum(n for n, _ in own), sum(g for _, g in own)
        total_raw, total_gz = sum(n for n, _ in sizes.values()), sum(g for _, g in sizes.values())
        budget = BUDGETS.get(path.lstrip("/"))
        note = f"  (budget {budget // 1000} KB own, raw)" if budget else ""
        print(f"  {own_raw / 1000:8.1f} {own_gz / 1000:8.1f} {total_raw / 1000:15.1f} {total_gz / 1000:9.1f}  {path}{note}")
        if budget:
            target(f"{path} own weight <= {budget // 1000} KB", own_raw <= budget, f"{own_raw / 1000:.0f} KB")
    shutil.rmtree(site)
    print()


# --------------------------------------------------------------------------- 5. the preview


def preview_part(samples: int) -> None:
    """The banner's delay after each of ``samples`` edits to one snippet, in one preview; the
    snippet is restored (and the banner gone) before the next edit."""
    page, snippet = page_with_code()
    print(f"5. Preview: a snippet edit to the stale-output banner on its page, {samples} edits; {load_note()}\n")
    delays = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = site_module.SiteCopy(Path(tmp))
        original = (copy.folder / snippet).read_bytes()
        path = site_module.url_of(page.relative_to(DOCS).as_posix())
        with site_module.preview(copy) as url:
            page_url = url + path.lstrip("/")
            for _ in range(samples):
                took = site_module.banner_after_edit(copy, page_url, snippet, within=120)
                delays.append(took if took is not None else float("inf"))
                (copy.folder / snippet).write_bytes(original)
                site_module.wait_for(lambda: "stale output" not in site_module.fetch(page_url)[1], 120)
    limit = site_module.BANNER_WITHIN
    ok = statistics.median(delays) <= limit
    print(f"  {'banner after a snippet edit':30} {median(delays):>30} {limit:8.1f}s  {'PASS' if ok else 'MISS'}  "
          f"{snippet} on {path}\n")
    target(f"preview banner <= {limit:.0f} s", ok, f"{statistics.median(delays):.1f} s")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m snipcheck bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--only", default="loop,snippets,site,weights,preview", help="parts to run, comma-separated")
    args = parser.parse_args(argv or [])
    parts = set(args.only.split(","))
    if "loop" in parts:
        loop_part(args.samples)
    if "snippets" in parts:
        snippets_part(discover(), args.samples)
    if "site" in parts or "weights" in parts:
        site = site_part(args.samples)
        if "weights" in parts:
            weights_part(site)
    if "preview" in parts:
        preview_part(args.samples)
    print("Targets:")
    for name, ok, figure in results:
        print(f"  {'PASS' if ok else 'MISS'}  {name:44} {figure}")
    return 0 if all(ok for _, ok, _ in results) else 1
