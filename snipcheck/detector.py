"""The detector for CPU-fragile output: every snippet runs a second time as another CPU would.

An output that is true only on CPUs like the one that recorded it breaks the site's promise
on every other machine. So the refresh, and the full suite, run each snippet again under
``numeric.other_cpu()`` (oneDNN's SSE4.1 kernels where TensorFlow would turn oneDNN on,
OpenBLAS's SSE kernels, NumPy's dispatch, XLA capped at SSE4.2; the reader's one line,
``TF_ENABLE_ONEDNN_OPTS=0``, and the thread counts kept) and refuse an output that changes
beyond tolerance.

TensorFlow reads these settings when it is imported, so the second run cannot be a child
forked from this process: ``elsewhere`` starts a fresh checker process
(``python -m snipcheck.detector``) with that environment, which runs the snippets with
``run.run_many`` as usual and hands back their results.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from snipcheck import numeric
from snipcheck.compare import diff, same_output
from snipcheck.layout import ROOT, Snippet, rel
from snipcheck.confinement import die_with_parent
from snipcheck.run import Result, run_many, stopping

WHAT_TO_DO = ("Rounding differs between CPUs, and this output shows it. Print fewer digits, or show "
              "the effect in a way rounding cannot change (a comparison, a sign, a count), then run")


def elsewhere(snippets: list[Path], jobs: int = 1) -> dict[Path, Result]:
    """Run ``snippets`` in a fresh checker process under ``numeric.other_cpu()``."""
    if not snippets:
        return {}
    # SWITCH=native in that process: take the environment as given, apply nothing on top.
    env = {**os.environ, **numeric.other_cpu(), numeric.SWITCH: "native"}
    with tempfile.TemporaryDirectory(prefix="snipcheck-other-cpu-") as tmp:
        report = Path(tmp, "results.json")
        command = [sys.executable, "-m", "snipcheck.detector", "--jobs", str(jobs), "--report", str(report),
                   *map(str, snippets)]
        with stopping():
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
            try:
                code = process.wait()
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if code != 0 or not report.exists():
            raise RuntimeError(f"the detector's second run (python -m snipcheck.detector) ended with exit "
                               f"code {code} and no results; its error is printed above")
        found = json.loads(report.read_text(encoding="utf-8"))
    return {Path(r["snippet"]): Result(**{**r, "snippet": Path(r["snippet"])}) for r in found}


def settings_line() -> str:
    return (f"  this run:         {numeric.label()}\n"
            f"  run as other CPU: {numeric.label(numeric.other_cpu())}")


def problem(first: Result, other: Result) -> str | None:
    """None when another CPU printed what ``first`` printed (within the snippet's tolerance),
    else the message: the snippet, both settings, the diff, what to do."""
    snippet = Snippet.of(first.snippet)
    if not other.ok:
        return (f"{snippet.rel} ran, but failed when run as another CPU would run it:\n{settings_line()}\n"
                + other.explain())
    cfg = snippet.settings
    if same_output(first.stdout, other.stdout, cfg["rtol"], cfg["atol"]):
        return None
    return (f"{snippet.rel} prints a different output on another CPU (numbers compared with "
            f"rtol={cfg['rtol']:g}, atol={cfg['atol']:g}), so readers elsewhere would not see the "
            f"recorded output:\n{settings_line()}\n"
            + diff(first.stdout, other.stdout, rel(snippet.output), ("this CPU", "other CPU"))
            + f"\n{WHAT_TO_DO}: {snippet.hint}")


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m snipcheck.detector",
                                     description="Run snippets (the detector's second run); write results as JSON.")
    parser.add_argument("snippets", nargs="+")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--report", required=True, help="where to write the results (JSON)")
    args = parser.parse_args(argv)
    die_with_parent()  # the checker that started this process is gone: so is this run
    results = run_many([Path(s) for s in args.snippets], args.jobs)
    rows = [{**dataclasses.asdict(r), "snippet": str(r.snippet)} for r in results.values()]
    Path(args.report).write_text(json.dumps(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
