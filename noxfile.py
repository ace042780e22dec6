"""Sessions: check (the fast content check), docs (strict build), serve (live preview),
tests (the full suite, as CI runs it),
outputs (refresh recorded outputs), new (scaffold a topic or a snippet), bench (speed and
size figures), versions (every snippet on every supported TensorFlow).

Dependencies are pinned in pyproject.toml's [dependency-groups]; uv.lock pins every
transitive package (refresh it with `uv lock` after editing a pin), and each session installs
its group from that lock with `uv sync --locked`, the engine (snipcheck/) editable. Every session
that runs the engine calls its one command line, ``python -m snipcheck``.
"""

import hashlib
import shutil
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))
from snipcheck.layout import (  # noqa: E402  (standard library only: no install needed)
    FAST_CHECK, PRESETS, VERSIONS, matrix_versions, version_project)

nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["docs", "tests"]

ENV = PRESETS  # the environment presets every process the checks start gets
LOCK = Path(__file__).parent / "uv.lock"


def install(session: nox.Session, group: str, location: str | None = None) -> None:
    """Install exactly the versions uv.lock pins for ``group`` (every transitive package),
    plus the engine, editable, into the session's environment (or ``location``). Bytecode is
    compiled at install time, so no interpreter compiles TensorFlow from source again.
    Skipped while the lock file is unchanged."""
    location = location or session.virtualenv.location
    stamp = Path(location) / ".synced-from"
    wanted = f"{group} {hashlib.sha256(LOCK.read_bytes()).hexdigest()}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    session.run_install(
        "uv", "sync", "--locked", "--no-default-groups", "--group", group, "--compile-bytecode",
        "--quiet", external=True,
        env={"UV_PROJECT_ENVIRONMENT": location},
    )
    stamp.write_text(wanted)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (strict: any warning fails). Never imports TensorFlow."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", *session.posargs, env=ENV)


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview on http://127.0.0.1:8000/. It rebuilds when a page, a snippet or an
    output changes; a snippet edited since its output was recorded shows a "stale output"
    banner on its page until `nox -s outputs -- PATH` records it again."""
    install(session, "docs")
    session.run("mkdocs", "serve", "-a", "127.0.0.1:8000", *session.posargs, env=ENV)


def narrowed(args: list[str]) -> list[str]:
    """A topic (`my-topic`), a page (`docs/my-topic/page.md`) or a snippet
    (`snippets/my-topic/x.py`) -> `--only ...`; anything else passes to pytest unchanged
    (options, their values, test files)."""
    takes_value = {"-k", "-m", "-p", "-o", "--only", "--deselect", "--ignore", "--durations"}
    out = []
    for i, arg in enumerate(args):
        path = Path(arg)
        content = (path.parts[:1] in (("docs",), ("snippets",)) and path.exists()) or (
            len(path.parts) == 1 and ((Path("docs") / arg).is_dir() or (Path("snippets") / arg).is_dir()))
        after_option = i > 0 and args[i - 1] in takes_value
        out += ["--only", arg] if content and not after_option else [arg]
    return out


TESTS_ENV = Path(__file__).parent / ".nox" / "tests"  # shared by check and tests: one install, one cache


@nox.session(venv_backend="none")
def check(session: nox.Session) -> None:
    """The fast content check: snippets, pages, quiz, cards, notebook and one strict build.

    nox -s check                                  # all content
    nox -s check -- my-topic                      # one topic
    nox -s check -- docs/my-topic/recap.md        # one page (and the snippets it includes)

    Skips the checker's self-tests and the browser gate (`nox -s tests` runs them too). It
    runs in the environment of `tests`, so the two share one install and one snippet cache.
    """
    install(session, "tests", str(TESTS_ENV))
    session.run(str(TESTS_ENV / "bin" / "python"), "-m", "pytest", "-q", "-m", FAST_CHECK,
                *narrowed(session.posargs), env=ENV, external=True)


@nox.session
def tests(session: nox.Session) -> None:
    """The full suite, as CI runs it: the content check, plus the checker's own self-tests
    (break-a-copy, scaffold, cache, preview) and the browser gate."""
    install(session, "tests")
    session.run("pytest", *narrowed(session.posargs), env=ENV)


@nox.session
def outputs(session: nox.Session) -> None:
    """Re-run snippets and rewrite recorded outputs that changed beyond tolerance.

    nox -s outputs                                  # every snippet
    nox -s outputs -- snippets/training-weights/regression.py
    nox -s outputs -- --no-cache snippets/training-weights/regression.py   # execute, never reuse

    A notebook source runs once, as its notebook, which is rewritten too; when only its
    Markdown cells changed, nothing runs and the notebook's Markdown is patched. Each output's
    entry in recorded-with.json gets the sha256 of the source that ran; entries whose output
    is gone are pruned.
    """
    install(session, "snippets")
    session.run("python", "-m", "snipcheck", "refresh", *session.posargs, env=ENV)


@nox.session
def new(session: nox.Session) -> None:
    """Scaffold a topic or a snippet that passes the checks at once (see CONTRIBUTING.md).

    nox -s new -- my-topic                 # docs/my-topic/index.md, snippets/my-topic/first.py
    nox -s new -- my-topic/my_example      # snippets/my-topic/my_example.py

    Then `outputs` runs next and records the new snippet's output by running it.
    """
    args = session.posargs
    targets = [a for i, a in enumerate(args) if not a.startswith("-") and args[i - 1 : i] != ["--title"]]
    if len(targets) != 1:
        session.error('Name what to create: nox -s new -- my-topic [--title "Page title"], '
                      "or nox -s new -- my-topic/my_example")
    install(session, "docs")  # PyYAML, to check the nav edit
    session.run("python", "-m", "snipcheck", "new", "--no-record", *args, env=ENV)
    topic, _, name = targets[0].strip("/").partition("/")
    session.notify("outputs", [f"snippets/{topic}/{name or 'first'}.py"])


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Speed and size figures side by side, medians of repeated samples: the contributor's
    loop against its targets, snippet checks against a fair floor, site build, page weight,
    the preview's stale-output banner.

    nox -s bench -- --samples 5 --only loop,site   # parts: loop, snippets, site, weights, preview

    Runs in the environment of `tests` (the warm one the loop targets assume).
    """
    install(session, "tests", str(TESTS_ENV))
    session.run(str(TESTS_ENV / "bin" / "python"), "-m", "snipcheck", "bench", *session.posargs,
                env=ENV, external=True)


def install_version(session: nox.Session, minor: str, record: bool) -> Path:
    """The environment of one TensorFlow version of the matrix, installed from its own lock
    (``versions/<minor>/uv.lock``). Its pyproject.toml is made from versions/versions.toml and
    the snippets group; when that text changes, ``record`` writes it and locks it again with
    uv, and a check stops with the command that does. Skipped while the lock is unchanged."""
    folder = VERSIONS / minor
    project = version_project(minor)
    if not (folder / "uv.lock").exists() or (folder / "pyproject.toml").read_text(encoding="utf-8") != project:
        if not record:
            session.error(f"versions/{minor}/pyproject.toml is not what versions/versions.toml and the snippets "
                          f"group make, or it has no lock. Run: nox -s versions -- --record {minor}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pyproject.toml").write_text(project, encoding="utf-8")
        session.run("uv", "lock", "--quiet", "--project", str(folder), external=True)
    location = Path(__file__).parent / ".nox" / f"versions-{minor}"
    stamp = location / ".synced-from"
    wanted = hashlib.sha256((folder / "uv.lock").read_bytes()).hexdigest()
    if not (stamp.exists() and stamp.read_text() == wanted):
        session.run_install(
            "uv", "sync", "--locked", "--project", str(folder), "--python", sys.executable,
            "--compile-bytecode", "--quiet", external=True, env={"UV_PROJECT_ENVIRONMENT": str(location)})
        stamp.write_text(wanted)
    return location


@nox.session(venv_backend="none")
def versions(session: nox.Session) -> None:
    """Every snippet and notebook source on every TensorFlow in versions/versions.toml, each
    from its own lock, under the same guards and numeric settings, compared with the recorded
    outputs and with the recorded results (versions/<minor>/checked-on.json).

    nox -s versions                                  # every version: fails on a result not recorded
    nox -s versions -- 2.16                          # one version (CI runs one per job)
    nox -s versions -- 2.16 snippets/my-topic/x.py   # one snippet on one version
    nox -s versions -- --record                      # write the results (and lock a new version)
    nox -s versions -- --record 2.22                 # a version just added to versions.toml

    Ends with the matrix: snippets by versions, and the count of each outcome.
    """
    known = matrix_versions()
    chosen = [a for a in session.posargs if a in known]
    rest = [a for a in session.posargs if a not in known]
    looks_like_a_version = [a for a in rest if a.replace(".", "").isdigit() and "." in a]
    if looks_like_a_version:
        session.error(f"TensorFlow {', '.join(looks_like_a_version)} is not in versions/versions.toml "
                      f"(it lists {', '.join(known)}). Add a table for it there first.")
    record = "--record" in rest
    reports = Path(__file__).parent / ".nox" / "versions-reports"
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    for minor in chosen or list(known):
        location = install_version(session, minor, record)
        # Exit code 1: a result differs from the recording; the matrix below says which.
        session.run(str(location / "bin" / "python"), "-m", "snipcheck", "matrix", "--version", minor,
                    "--report", str(reports / f"{minor}.json"), *rest, env=ENV, external=True,
                    success_codes=[0, 1])
    session.run(sys.executable, "-m", "snipcheck", "matrix", "--collect",
                *sorted(map(str, reports.glob("*.json"))), *(["--all"] if not chosen else []),
                env=ENV, external=True)
