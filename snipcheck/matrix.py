"""The version matrix: every snippet and notebook source on every supported TensorFlow.

``nox -s versions`` installs each version that ``versions/versions.toml`` lists from its own
lock and runs ``python -m snipcheck matrix --version MINOR`` in that environment. The
snippets run as every check runs them (``run.run_many``: one forked child each, the same
guards, the portable numeric settings that ``python -m snipcheck`` applies first; a notebook
source as a script, as the snippet check runs it), and each output is compared with its
recording (``compare.same_output``, with the snippet's tolerance). One outcome per output
and version:

* ``matches``: it printed the recorded output, within tolerance;
* ``differs``: it ran clean and printed something else (the text is kept: the page shows it);
* ``fails``: it did not run clean there (the error is kept, paths made relative).

The results are ``versions/<minor>/checked-on.json`` (``layout.checked_on``): one entry per
output, with the sha256 of the snippet source, of its recorded output and of the version's
lock (the entry is stale when one changes) and a seal (``layout.matrix_seal``: an entry
edited by hand fails). ``--record`` writes them. Without it the run is compared with them,
and a result that is not recorded fails, naming the snippet and the version. Each run
writes a report (``--report``); ``--collect`` reads the reports of several runs (one per
TensorFlow, or one per CI job) and prints the matrix: snippets by versions, and the counts.

    python -m snipcheck matrix --version 2.16 [--record] [--report PATH] [--jobs N] [--no-cache] [SNIPPET ...]
    python -m snipcheck matrix --collect REPORT ... [--all]
"""

from __future__ import annotations

import json
import sys
import sysconfig
import time
from pathlib import Path, PurePosixPath

from snipcheck.compare import ADDRESS, diff, same_output
from snipcheck.layout import (CHECKED_ON, ROOT, SEAL_KEY, VERSIONS, Recording, Snippet, atomic_write, checked_on, digest, discover,
                              matrix_problem, matrix_seal, matrix_versions, output_path, rel, snippets_named)

OUTCOMES = ("matches", "differs", "fails")


def record_hint(minor: str, snippet: str | None = None) -> str:
    """The one command that records results on a version (of one snippet, or of all)."""
    return f"nox -s versions -- --record {minor}" + (f" {snippet}" if snippet else "")


def clean(text: str) -> str:
    """An error as the results file keeps it: no path of this machine (the repository, the
    environment's packages, Python's own library), no memory address."""
    for folder, name in ((sysconfig.get_paths()["purelib"], "site-packages"),
                         (sysconfig.get_paths()["stdlib"], "python"), (str(ROOT), "")):
        text = text.replace(folder + "/", f"{name}/" if name else "")
    return ADDRESS.sub("0x...", text)


def entry(result, minor: str) -> dict:
    """One run's result on TensorFlow ``minor``, sealed: its outcome, the output or error when
    it does not match, and the sha256 of what it was run and compared with."""
    snippet = Snippet(Path(result.snippet))
    found = {"source_sha256": digest(snippet.path), "recorded_sha256": digest(snippet.output),
             "lock_sha256": digest(VERSIONS / minor / "uv.lock")}
    if not result.ok:
        explained = result.explain().rsplit("\n", 1)[0]  # its last line is the refresh command
        found.update(outcome="fails", error=clean(explained)[-4000:])
    elif snippet.output.exists() and same_output(snippet.output.read_text(encoding="utf-8"), result.stdout,
                                                 snippet.settings["rtol"], snippet.settings["atol"]):
        found.update(outcome="matches")
    else:
        found.update(outcome="differs", output=result.stdout)
    return sealed(rel(snippet.output), minor, found)


def sealed(output: str, minor: str, found: dict) -> dict:
    found = {k: v for k, v in sorted(found.items()) if k != SEAL_KEY}
    return {**found, SEAL_KEY: matrix_seal(output, minor, found)}


def last_line(error: str) -> str:
    return next((line.strip() for line in reversed(error.splitlines()) if line.strip()), "")


def same_result(output: str, old: dict, new: dict) -> bool:
    """The recorded result and a new run's say the same: one outcome, and the same output
    (within the snippet's tolerance) or the same error (its last line)."""
    if old.get("outcome") != new["outcome"]:
        return False
    if new["outcome"] == "differs":
        cfg = Snippet(ROOT / output).settings if (ROOT / output).with_suffix(".py").exists() else {}
        return same_output(old.get("output", ""), new["output"], cfg.get("rtol", 1e-3), cfg.get("atol", 1e-6))
    if new["outcome"] == "fails":
        return last_line(old.get("error", "")) == last_line(new["error"])
    return True


def shown(result: dict) -> str:
    """What a result printed, for a diff: its output, the error, or the recording it matches."""
    return result.get("output") or result.get("error") or ""


def difference(output: str, minor: str, old: dict | None, new: dict) -> str:
    """The message for a result that is not the recorded one (None in ``old``: none recorded)."""
    snippet = Recording(PurePosixPath(output)).snippet.as_posix()
    head = f"{snippet} on TensorFlow {minor}: "
    if old is None:
        return (f"{head}no result is recorded in versions/{minor}/{CHECKED_ON} (this run: {new['outcome']}).\n"
                f"Record it with: {record_hint(minor, snippet)}")
    recorded = ROOT / output
    before = shown(old) or (recorded.read_text(encoding="utf-8") if recorded.exists() else "")
    after = shown(new) or (recorded.read_text(encoding="utf-8") if recorded.exists() else "")
    return (f"{head}the recorded result is '{old.get('outcome')}', this run {new['outcome']}.\n"
            + diff(before, after, output, (f"recorded on {minor}", f"this run on {minor}"))
            + f"\nIf the new result is right (an expected difference), record it with: {record_hint(minor, snippet)}")


def stamp() -> dict[str, str]:
    """The versions that produced a version's results (the file's head)."""
    from importlib import metadata

    from snipcheck.outputs import versions

    found = versions()
    try:
        found["numpy"] = metadata.version("numpy")
    except metadata.PackageNotFoundError:
        found["numpy"] = "not installed"
    return found


def run(minor: str, snippets: list[Path], jobs: int, cache, record: bool, echo=print) -> dict:
    """Run ``snippets`` here (the environment of TensorFlow ``minor``), compare each with its
    recording and with the recorded result; with ``record``, write the results. Returns the
    report: the version, every new result, the problems."""
    from snipcheck.cache import run_checked

    started = time.monotonic()
    results = run_checked(snippets, jobs, cache)
    data = checked_on(minor)
    stored = data.get("results", {}) if isinstance(data.get("results"), dict) else {}
    fresh = {rel(Snippet(s).output): entry(results[s], minor) for s in snippets}
    problems = []
    for output, new in sorted(fresh.items()):
        old = stored.get(output)
        echo(f"{new['outcome']:9} {output}")
        if record:
            continue
        if old is not None and (problem := matrix_problem(output, minor, old)):
            problems.append(problem)
        elif old is None or not same_result(output, old, new):
            problems.append(difference(output, minor, old, new))
    gone = sorted(o for o in stored if not (ROOT / o).with_suffix(".py").exists())
    if record:
        # A recorded result that this run confirms keeps its text (no churn from the last digits
        # or a progress line's time), with the new sha256s; any other gets this run's.
        kept = {o: (sealed(o, minor, {**stored[o], **{k: v for k, v in new.items() if k.endswith("_sha256")}})
                    if o in stored and stored[o].get(SEAL_KEY) == matrix_seal(o, minor, stored[o])
                    and same_result(o, stored[o], new) else new) for o, new in fresh.items()}
        merged = {o: e for o, e in {**stored, **kept}.items() if o not in gone}
        text = json.dumps({**stamp(), "results": dict(sorted(merged.items()))}, indent=1) + "\n"
        atomic_write(VERSIONS / minor / CHECKED_ON, text)
        echo(f"recorded  versions/{minor}/{CHECKED_ON}" + (f" (pruned {', '.join(gone)})" if gone else ""))
    else:
        problems += [f"versions/{minor}/{CHECKED_ON} has a result for {o}, whose snippet no longer exists. "
                     f"Run: {record_hint(minor)}" for o in gone]
    ran = sum(not r.cached for r in results.values())
    counts = {o: sum(e["outcome"] == o for e in fresh.values()) for o in OUTCOMES}
    versions = stamp()
    echo(f"TensorFlow {versions['tensorflow']} (Keras {versions['keras']}, NumPy {versions['numpy']}): "
         + ", ".join(f"{n} {o}" for o, n in counts.items())
         + f"; {ran} executed, {len(results) - ran} from cache, {time.monotonic() - started:.0f} s")
    return {"version": minor, "tensorflow": versions["tensorflow"], "seconds": round(time.monotonic() - started, 1),
            "results": fresh, "problems": problems}


def recorded_problems(minor: str, root: Path = ROOT) -> list[str]:
    """Without running anything: every snippet under ``root`` has a result on TensorFlow
    ``minor`` that the matrix wrote and that is current (``layout.matrix_problem``), and no
    result is left for a snippet that is gone. Each message names the snippet and the version."""
    root = Path(root)
    results = checked_on(minor, root).get("results") or {}
    outputs = [output_path(s).relative_to(root).as_posix() for s in discover(root / "snippets")]
    def snippet(output: str) -> str:
        return Recording(PurePosixPath(output)).snippet.as_posix()

    problems = [f"{snippet(o)} on TensorFlow {minor}: no result in versions/{minor}/{CHECKED_ON}. "
                f"Run: {record_hint(minor, snippet(o))}" for o in outputs if o not in results]
    problems += [p for o in outputs if o in results and (p := matrix_problem(o, minor, results[o], root))]
    problems += [f"versions/{minor}/{CHECKED_ON} has a result for {o}, whose snippet no longer exists. "
                 f"Run: {record_hint(minor)}" for o in sorted(results) if o not in outputs]
    return problems


def table(reports: list[dict]) -> str:
    """The matrix as a Markdown table: one row per output, one column per version, and a
    last row with the counts of each outcome."""
    reports = sorted(reports, key=lambda r: [int(p) for p in r["version"].split(".")])
    outputs = sorted({o for r in reports for o in r["results"]})
    head = "| snippet | " + " | ".join(r["version"] for r in reports) + " |"
    rows = [head, "|---|" + "---|" * len(reports)]
    for output in outputs:
        cells = [r["results"].get(output, {}).get("outcome", "-") for r in reports]
        rows.append(f"| {Recording(PurePosixPath(output)).snippet.name} | " + " | ".join(cells) + " |")
    counts = ["/".join(str(sum(e["outcome"] == o for e in r["results"].values())) for o in OUTCOMES)
              for r in reports]
    rows.append(f"| {'/'.join(OUTCOMES)} | " + " | ".join(counts) + " |")
    seconds = " | ".join(f"{r.get('seconds', 0):.0f} s" for r in reports)
    rows.append(f"| wall time | {seconds} |")
    return "\n".join(rows)


def collect(paths: list[str], every: bool, echo=print) -> int:
    """Print the matrix from the reports of one or more runs; 1 when one holds a problem (or,
    with ``every``, a version of versions.toml has no report), else 0."""
    reports = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths if Path(p).is_file()]
    problems = [p for r in reports for p in r["problems"]]
    missing = [m for m in matrix_versions() if every and m not in {r["version"] for r in reports}]
    problems += [f"TensorFlow {m}: no results (its run did not finish). Run: nox -s versions -- {m}" for m in missing]
    if reports:
        echo(table(reports))
    for problem in problems:
        echo("\n" + problem)
    echo(f"\nmatrix: {len(reports)} version(s), {len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    import argparse

    from snipcheck import cache as cache_module
    from snipcheck.layout import SnippetError
    from snipcheck.run import Stopped, jobs as default_jobs
    from snipcheck.store import root as store_root

    parser = argparse.ArgumentParser(prog="python -m snipcheck matrix", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("snippets", nargs="*", help="snippet files or folders (default: all)")
    parser.add_argument("--version", help="the TensorFlow minor version this environment has (2.16)")
    parser.add_argument("--record", action="store_true", help="write the results")
    parser.add_argument("--report", help="where to write this run's report (JSON)")
    parser.add_argument("--collect", nargs="+", metavar="REPORT", help="print the matrix from reports")
    parser.add_argument("--all", action="store_true", help="with --collect: every version must have a report")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="snippets run at once")
    parser.add_argument("--no-cache", action="store_true", help="execute every snippet")
    args = parser.parse_args(argv)
    if args.collect:
        return collect(args.collect, args.all)
    if args.version not in matrix_versions():
        print(f"--version {args.version}: not in versions/versions.toml (it lists {', '.join(matrix_versions())})")
        return 2
    try:
        snippets = snippets_named(args.snippets)
    except SnippetError as exc:
        print(exc)
        return 2
    folder = None if args.no_cache else store_root()
    cache = cache_module.Cache(folder, kind=f"matrix-{args.version}") if folder else None
    try:
        report = run(args.version, snippets, args.jobs, cache, args.record)
    except Stopped as stop:
        print(f"{stop}: every running snippet was killed; nothing was written.", flush=True)
        return 128 + stop.signum
    if args.report:  # --collect prints its problems
        Path(args.report).write_text(json.dumps(report), encoding="utf-8")
    else:
        for problem in report["problems"]:
            print("\n" + problem)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
