"""Check snippets against their recorded outputs, and refresh those outputs.

* ``check`` turns one run into None (it passed) or the message a contributor reads;
* ``refresh`` runs each snippet twice, the second time as another CPU would run it
  (``snipcheck.detector``), and refuses to record an output that differs between the two
  runs (or that changes on every run: a time, a memory address); it rewrites an
  output only when it differs beyond tolerance, never touches a failing snippet's output,
  writes nothing once SIGINT or SIGTERM has arrived, and stamps each confirmed output with
  the versions and numeric settings that produced it (``recorded-with.json``, shown beside
  every output). With ``SNIPCHECK_NUMERIC=native`` it checks and never writes. Then it writes
  the notebook of every page that includes a refreshed snippet (``snipcheck.page_notebooks``).

Command line (``nox -s outputs`` runs ``refresh``, which also regenerates notebooks)::

    python -m snipcheck refresh [SNIPPET ...] [--jobs N] [--no-cache]
    python -m snipcheck check   [SNIPPET ...] [--jobs N] [--no-cache]

``--no-cache`` (or ``SNIPCHECK_CACHE=off``) executes every snippet (see ``snipcheck.cache``).
"""

from __future__ import annotations

import signal
from pathlib import Path

from snipcheck import cache as cache_module, detector, numeric
from snipcheck.compare import diff, mismatch, normalise, unstable
from snipcheck.layout import (NUMERIC_KEY, READER_KEY, Recording, SnippetError, discover, notebook_path, refresh_hint,
                              rel, snippets_named)
from snipcheck.confinement import die_with_parent
from snipcheck.run import Result, Stopped, jobs as default_jobs, run_many


def check(result: Result) -> str | None:
    """None when the snippet ran clean and matches its recording, else the message. An
    output recorded from an older source fails too, even when it still matches: the page
    must show what the current source printed when it was recorded (``Recording.stale``)."""
    if not result.ok:
        return result.explain()
    return mismatch(result.snippet, result.stdout) or Recording.of(result.snippet).stale()


def versions() -> dict[str, str]:
    """What produced an output: shown beside it on the site, so readers know why theirs differ."""
    import platform
    from importlib import metadata

    def version(*names: str) -> str:
        for name in names:
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                continue
        return "not installed"

    return {
        "tensorflow": version("tensorflow", "tensorflow-cpu"),
        "keras": version("keras"),
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        NUMERIC_KEY: numeric.label(),
        READER_KEY: numeric.label(numeric.READER_LINE),
    }


def note_versions(outputs: list[Path], echo=print) -> None:
    """Stamp each output's ``recorded-with.json`` entry with the versions and settings of
    this run and the sha256 of the source that ran (``Recording.stamp``)."""
    Recording.stamp(outputs, versions(), echo)


def twice(snippets: list[Path], jobs: int = 1, cache=None) -> dict[Path, tuple[Result, str | None]]:
    """Each snippet's run, and None when a second run, as another CPU would run it
    (``snipcheck.detector``), printed the same within tolerance, else the message. When the
    two differ at all, a third run on this CPU tells an unseeded snippet (it differs from the
    first run too) from a CPU-fragile one. A run taken from the cache was verified this way
    when it was stored."""
    hits = {s: h for s in snippets if cache and (h := cache.get(s))}
    todo = [s for s in snippets if s not in hits]
    first = run_many(todo, jobs) if todo else {}
    other = detector.elsewhere([s for s in todo if first[s].ok], jobs)
    moved = [s for s, b in other.items() if b.ok and normalise(b.stdout) != normalise(first[s].stdout)]
    again = run_many(moved, jobs) if moved else {}
    found: dict[Path, tuple[Result, str | None]] = {s: (h, None) for s, h in hits.items()}
    for snippet in todo:
        a, b, c = first[snippet], other.get(snippet), again.get(snippet)
        problem = None
        if a.ok and c is not None and normalise(a.stdout) != normalise(c.stdout):
            problem = (
                f"{rel(snippet)} printed different output on two runs in a row, so no recording "
                "could be checked. Seed every random source in its own code "
                "(keras.utils.set_random_seed(0) seeds Python, NumPy and TensorFlow; "
                "np.random.default_rng(0) for a generator) and print nothing that changes "
                f"between runs, then run: {refresh_hint(rel(snippet))}\n"
                + diff(a.stdout, c.stdout, rel(Recording.of(snippet).output), ("first run", "second run"))
            )
        elif a.ok and b is not None:
            problem = detector.problem(a, b)
        if a.ok and problem is None and (moving := unstable(a.stdout)):
            problem = (f"{rel(snippet)} prints something that changes on every run:\n  "
                       + "\n  ".join(moving) + f"\nFix the snippet, then run: {refresh_hint(rel(snippet))}")
        if cache and a.ok and problem is None:
            cache.put(a)
        found[snippet] = (a, problem)
    return found


def _generate(source: Path, notebook: Path, echo) -> str | None:
    """A notebook source's notebook, generated (executed only when its code changed), and
    the text it printed; None when generation failed (the message is echoed)."""
    from snipcheck import notebooks

    try:
        status = notebooks.generate(source, notebook)
    except notebooks.NotebookError as exc:
        echo(f"FAILED    {rel(source)} (recorded output and notebook left as they were)\n{exc}\n")
        return None
    echo(f"{status:9} {rel(notebook)}")
    return notebooks.text_output(notebook)


def refresh(snippets: list[Path], jobs: int = 1, echo=print, cache=None) -> int:
    """Run each snippet twice; rewrite an output only when both runs printed the same and it
    differs beyond tolerance from the recording.

    A notebook source runs once, as its notebook (``snipcheck.notebooks.generate``: not at
    all when only its Markdown changed); its output is the text that run printed, and the
    snippet check runs the same file as a script, which is its second run.

    A snippet that fails, or prints differently on its second run, keeps its recorded output
    untouched. Every output that was written or confirmed gets the current versions and the
    sha256 of its source in its folder's recorded-with.json. Nothing is written when SIGINT or
    SIGTERM stops the runs (``Stopped`` is raised). Returns the exit code.
    """
    failed = 0
    confirmed = []
    if numeric.native():
        # A diagnosis, not a recording: every snippet (notebook sources as scripts) runs twice,
        # on this CPU's own kernels and as another CPU; nothing is written.
        echo(f"{numeric.SWITCH}=native: checking on this CPU's own kernels; no output or notebook is written.")
        for snippet, (result, problem) in sorted(twice(snippets, jobs).items()):
            message = (problem or result.explain()) if not result.ok or problem else None
            failed += bool(message)
            echo(f"FAILED    {rel(snippet)}\n{message}\n" if message else f"ok        {rel(snippet)}")
        return 1 if failed else 0
    made = {s: nb for s in snippets if (nb := notebook_path(s))}  # notebook sources
    runs = twice([s for s in snippets if s not in made], jobs, cache)
    for snippet in sorted([*runs, *made]):
        if snippet in made:
            stdout = _generate(snippet, made[snippet], echo)
            if stdout is None:
                failed += 1
                continue
        else:
            result, problem = runs[snippet]
            if not result.ok or problem:
                failed += 1
                echo(f"FAILED    {rel(snippet)} (recorded output left as it was)\n{problem or result.explain()}\n")
                continue
            stdout = result.stdout
        recording = Recording.of(snippet)
        if recording.exists() and mismatch(snippet, stdout) is None:
            echo(f"unchanged {rel(recording.output)}")
        else:
            recording.write(stdout)
            echo(f"updated   {rel(recording.output)}")
        confirmed.append(recording.output)
    note_versions(confirmed, echo)
    from snipcheck import page_notebooks  # each page's notebook, from the recordings just made

    page_notebooks.generate_all(None if set(snippets) >= set(discover()) else snippets, echo)
    if failed:
        echo(f"{failed} snippet(s) failed; their recorded outputs were not changed.")
    return 1 if failed else 0


def check_all(snippets: list[Path], jobs: int = 1, cache=None, echo=print) -> int:
    """Check snippets against their recordings; print failures and a summary line."""
    results = cache_module.run_checked(snippets, jobs, cache)
    failures = [m for m in (check(results[s]) for s in snippets) if m]
    for message in failures:
        echo(message + "\n")
    ran = sum(not r.cached for r in results.values())
    echo(f"snippets: {ran} executed, {len(results) - ran} from cache, {len(failures)} failed")
    return 1 if failures else 0


def main(command: str, argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m snipcheck {command}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("snippets", nargs="*", help="snippet files or folders (default: all)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="snippets run at once")
    parser.add_argument("--no-cache", action="store_true",
                        help="execute every snippet (the same as SNIPCHECK_CACHE=off)")
    args = parser.parse_args(argv)
    # nox dying (SIGTERM, Ctrl+C) stops this checker too: a stopped refresh writes nothing.
    die_with_parent(signal.SIGTERM)
    try:
        snippets = snippets_named(args.snippets)
    except SnippetError as exc:
        print(exc)
        return 2
    action = refresh if command == "refresh" else check_all
    try:
        return action(snippets, jobs=args.jobs, cache=None if args.no_cache else cache_module.configured())
    except Stopped as stop:
        print(f"{stop}: every running snippet was killed; no output was written.", flush=True)
        return 128 + stop.signum
