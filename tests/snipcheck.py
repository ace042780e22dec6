"""Run every snippet, compare its stdout with the recorded output, refresh outputs.

The whole promise of the site rests on this module:

* a snippet is any ``snippets/**/*.py`` whose name does not start with ``_``;
  its recorded stdout sits beside it as ``<name>.out``;
* TensorFlow is imported once, here; each snippet then runs in its own child
  process forked after that import (a fresh interpreter where fork is missing),
  so nothing leaks from one snippet to the next and no child pays the import;
* a child fails on an exception, on any Python warning, on a network
  connection attempt, and is killed at its time limit;
* stdout is compared with the recording number by number, with a tolerance.

Per-snippet settings go in one comment line anywhere in the snippet::

    # snipcheck: rtol=1e-2 atol=1e-6 timeout=300

Verified runs are cached in ``.cache/snipcheck/`` keyed on the snippet, every repository
file it read or imported, the installed package versions, the Python version and this
file; ``CI=true`` or ``--no-cache`` runs everything (``SNIPCHECK_CACHE=1`` forces the cache on).

Command line (``nox -s outputs`` runs ``refresh``)::

    python -m tests.snipcheck refresh [SNIPPET ...] [--no-cache] [--jobs N]
    python -m tests.snipcheck check   [SNIPPET ...] [--no-cache] [--jobs N]
"""

from __future__ import annotations

import dataclasses
import difflib
import multiprocessing
import multiprocessing.connection
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"

DEFAULTS = {"rtol": 1e-3, "atol": 1e-6, "timeout": 120.0}
REFRESH_HINT = "nox -s outputs -- {path}"

# A number as Python, NumPy and Keras print it: 3, -0.25, 1e-05, 7.925e+00, .5
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# Wall-clock figures that change every run: "12ms/step", "0s", "1.2s/epoch", "345us/sample".
CLOCK = re.compile(r"\b\d+(?:\.\d+)?(?:s|ms|us|µs)(?=\b|/)(?:/(?:step|epoch|sample))?")
SKIP_DIRS = {".nox", ".cache", ".git", "__pycache__", "site", ".venv"}
SETTINGS = re.compile(r"^#\s*snipcheck:(.*)$", re.MULTILINE)


class SnippetError(Exception):
    """A problem a contributor can fix; the message says where and how."""


# --------------------------------------------------------------------------- files


def rel(path: Path) -> str:
    """A path as contributors type it: relative to the repository root."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def discover(root: Path = SNIPPETS) -> list[Path]:
    """Every runnable snippet, in a stable order."""
    return sorted(p for p in root.rglob("*.py") if not p.name.startswith("_"))


def output_path(snippet: Path) -> Path:
    return snippet.with_suffix(".out")


def settings(snippet: Path) -> dict[str, float]:
    """Defaults, overridden by a ``# snipcheck: key=value`` comment in the snippet."""
    found = dict(DEFAULTS)
    for line in SETTINGS.findall(snippet.read_text(encoding="utf-8")):
        for item in line.split():
            key, _, value = item.partition("=")
            if key not in DEFAULTS or not value:
                raise SnippetError(
                    f"{rel(snippet)}: unknown setting {item!r} in '# snipcheck:' comment. "
                    f"Use key=value with keys {', '.join(DEFAULTS)}."
                )
            found[key] = float(value)
    return found


def pages_including(snippet: Path) -> list[str]:
    """Docs pages whose source names this snippet or its recorded output (a notebook page
    names the snippet it was generated from in its metadata)."""
    names = {rel(snippet), rel(output_path(snippet))}
    pages = []
    for page in sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")]):
        text = page.read_text(encoding="utf-8")
        if any(name in text for name in names):
            pages.append(rel(page))
    return pages


# --------------------------------------------------------------------------- compare


def normalise(text: str) -> str:
    """Mask wall-clock figures, drop trailing spaces and trailing blank lines."""
    lines = [CLOCK.sub("<time>", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).rstrip("\n")


def _tokens(text: str) -> list[str | tuple[float, float]]:
    """Split text into plain pieces and (value, resolution) numbers."""
    parts: list = []
    pos = 0
    for m in NUMBER.finditer(text):
        token = m.group()
        mantissa, _, exponent = token.lower().partition("e")
        if "." in mantissa or exponent:
            decimals = len(mantissa.partition(".")[2])
            resolution = 10.0 ** (int(exponent or 0) - decimals)
        else:  # an integer is a count or an index: it must match exactly
            resolution = 0.0
        parts.append(text[pos : m.start()])
        parts.append((float(token), resolution))
        pos = m.end()
    parts.append(text[pos:])
    # Runs of spaces collapse: NumPy re-pads its columns when a sign flips near zero.
    return [re.sub(r"[ \t]+", " ", p) if isinstance(p, str) else p for p in parts]


def same_output(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """True when the texts match exactly and every number matches within tolerance.

    A printed number stands for any value that rounds to it, so two numbers match
    when values they could stand for lie within ``max(atol, rtol * |value|)``:
    a last-digit rounding flip (0.615 vs 0.616) on another CPU is not a failure,
    a real change is. Integers must match exactly; runs of spaces count as one.
    """
    want, got = _tokens(normalise(expected)), _tokens(normalise(actual))
    if len(want) != len(got):
        return False
    for a, b in zip(want, got):
        if isinstance(a, tuple) and isinstance(b, tuple):
            (x, rx), (y, ry) = a, b
            slack = max(atol, rtol * max(abs(x), abs(y))) + (rx + ry) / 2
            if abs(x - y) > slack * (1 + 1e-9):
                return False
        elif a != b:
            return False
    return True


def diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        normalise(expected).splitlines(),
        normalise(actual).splitlines(),
        f"{name} (recorded)",
        f"{name} (this run)",
        lineterm="",
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- run


@dataclasses.dataclass
class Result:
    snippet: Path
    status: str  # ok | raised | warned | network | timeout | crashed
    stdout: str = ""
    stderr: str = ""
    detail: str = ""
    seconds: float = 0.0
    reads: list[str] = dataclasses.field(default_factory=list)  # repo files it read or imported
    cached: bool = False  # taken from the cache of verified runs, not executed

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def explain(self) -> str:
        """The failure as a contributor should read it: what, where, how to fix."""
        where = rel(self.snippet)
        fixes = {
            "raised": "Fix the error at the line named above, then run",
            "warned": "Snippets must run without warnings (readers would see them). "
            "Change the call the warning names, then run",
            "network": "Snippets run offline: use data that ships with a package "
            "(for example sklearn.datasets.load_digits) or that the code makes, then run",
            "timeout": "Make it faster (fewer epochs, less data) or raise the limit with a "
            "'# snipcheck: timeout=SECONDS' comment, then run",
            "crashed": "The process died without a Python traceback; see its stderr above. "
            "Then run",
        }
        head = {
            "raised": f"{where} raised an exception:",
            "warned": f"{where} emitted a Python warning:",
            "network": f"{where} tried to open a network connection:",
            "timeout": f"{where} timed out:",
            "crashed": f"{where} crashed:",
        }[self.status]
        tail = self.stderr.strip()[-2000:] if self.status == "crashed" else ""
        return "\n".join(
            x
            for x in (head, self.detail.rstrip(), tail, f"{fixes[self.status]}: "
                      + REFRESH_HINT.format(path=where))
            if x
        )


def preload() -> None:
    """Import TensorFlow once, before any child is forked."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    try:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    except ImportError:  # the docs-only environment: nothing to preload
        pass


class _NetworkBlocked(OSError):
    pass


def _snippet_frame(snippet: str) -> str:
    """The snippet's own line that is running now, for messages that point at it."""
    import traceback

    frames = [f for f in traceback.extract_stack() if f.filename == snippet]
    return f'File "{snippet}", line {frames[-1].lineno}: {frames[-1].line}' if frames else ""


def _block_network(snippet: str, report: list[str]) -> None:
    """Refuse every internet connection; remember the attempt even if the snippet catches it."""
    import socket

    def refuse(what: str, target) -> None:
        report.append(f"{what}({target!r}) at {_snippet_frame(snippet) or 'an unknown line'}")
        raise _NetworkBlocked(f"network access is disabled for snippets: {what}({target!r})")

    for name in ("connect", "connect_ex", "sendto"):
        original = getattr(socket.socket, name)

        def guarded(self, *args, _original=original, _name=name, **kwargs):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                refuse(f"socket.{_name}", args[-1] if args else None)
            return _original(self, *args, **kwargs)

        setattr(socket.socket, name, guarded)
    socket.getaddrinfo = lambda host, *a, **k: refuse("socket.getaddrinfo", host)
    socket.create_connection = lambda address, *a, **k: refuse("socket.create_connection", address)


def _format_exception(exc: BaseException, snippet: str) -> str:
    """The traceback from the snippet's own first frame on, harness frames dropped."""
    import traceback

    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != snippet:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))


def _child(snippet: str, workdir: str, conn) -> None:
    """Runs in the child process: execute one snippet, report through ``conn``."""
    import faulthandler
    import runpy
    import signal
    import warnings

    out = os.open(os.path.join(workdir, "stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    err = os.open(os.path.join(workdir, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # One thread per child: children do not fight over cores, and a parallel run
    # gives the same numbers as a serial one.
    try:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except ImportError:
        pass

    faulthandler.register(signal.SIGTERM, file=sys.stderr, all_threads=False, chain=True)
    network: list[str] = []
    _block_network(snippet, network)
    reads: set[str] = set()
    inherited = set(sys.modules)  # the harness's own modules are not the snippet's imports
    sys.addaudithook(lambda event, args: reads.add(args[0]) if event == "open" and isinstance(args[0], str) else None)
    os.chdir(ROOT)
    sys.argv = [snippet]
    sys.path.insert(0, os.path.dirname(snippet))
    report = {"status": "ok", "detail": ""}
    caught: list[str] = []

    def record(message, category, filename, lineno, file=None, line=None):
        where = _snippet_frame(snippet)
        caught.append(f"{category.__name__}: {message}\n  raised at {filename}:{lineno}"
                      + (f"\n  from {where}" if where else ""))

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = record
        try:
            runpy.run_path(snippet, run_name="__main__")
        except BaseException as exc:  # noqa: BLE001 - every failure is reported
            report = {"status": "raised", "detail": _format_exception(exc, snippet)}
    sys.stdout.flush()
    sys.stderr.flush()
    if network:
        report = {"status": "network", "detail": "\n".join(network)}
    elif caught and report["status"] == "ok":
        report = {
            "status": "warned",
            "detail": "\n".join(caught),
        }
    modules = {getattr(m, "__file__", None) for n, m in list(sys.modules.items()) if n not in inherited}
    report["reads"] = sorted(_repo_files(reads | {m for m in modules if m}) - {snippet})
    conn.send(report)
    conn.close()


def _repo_files(paths) -> set[str]:
    """The repository's own source files among ``paths`` (not environments or caches)."""
    found = set()
    for name in paths:
        path = Path(os.path.abspath(name))
        if ROOT in path.parents and path.is_file():
            parts = path.relative_to(ROOT).parts
            if not SKIP_DIRS.intersection(parts) and path.suffix not in (".out", ".pyc"):
                found.add(str(path))
    return found


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_many(snippets: list[Path], jobs: int = 1) -> dict[Path, Result]:
    """Run snippets, at most ``jobs`` at a time, each in its own child process."""
    preload()
    ctx = _context()
    pending = list(snippets)
    running: dict[int, tuple] = {}
    results: dict[Path, Result] = {}
    with tempfile.TemporaryDirectory(prefix="snipcheck-") as tmp:
        while pending or running:
            while pending and len(running) < jobs:
                snippet = pending.pop(0)
                workdir = tempfile.mkdtemp(dir=tmp)
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(str(snippet), workdir, writer))
                limit = settings(snippet)["timeout"]
                start = time.monotonic()
                proc.start()
                writer.close()
                running[proc.sentinel] = (snippet, proc, reader, workdir, start, start + limit)
            deadline = min(entry[5] for entry in running.values())
            ready = multiprocessing.connection.wait(
                list(running), timeout=max(0.0, deadline - time.monotonic())
            )
            now = time.monotonic()
            for sentinel in list(running):
                snippet, proc, reader, workdir, start, end = running[sentinel]
                if sentinel not in ready and now < end:
                    continue
                del running[sentinel]
                report = None
                if sentinel in ready and reader.poll():
                    try:
                        report = reader.recv()
                    except EOFError:
                        report = None
                if sentinel not in ready:
                    proc.terminate()  # SIGTERM: faulthandler prints where it was
                    proc.join(5)
                    proc.kill()
                    stuck = re.findall(
                        rf'File "{re.escape(str(snippet))}", line (\d+)',
                        Path(workdir, "stderr").read_text(errors="replace"),
                    )
                    report = {
                        "status": "timeout",
                        "detail": f"killed after {end - start:.0f} s (limit "
                        f"{settings(snippet)['timeout']:.0f} s)"
                        + (f', while at File "{snippet}", line {stuck[0]}' if stuck else ""),
                    }
                proc.join()
                if report is None:
                    report = {"status": "crashed", "detail": f"exit code {proc.exitcode}"}
                results[snippet] = Result(
                    snippet,
                    report["status"],
                    stdout=Path(workdir, "stdout").read_text(encoding="utf-8", errors="replace"),
                    stderr=Path(workdir, "stderr").read_text(encoding="utf-8", errors="replace"),
                    detail=report["detail"],
                    seconds=time.monotonic() - start,
                    reads=report.get("reads", []),
                )
    return results


# --------------------------------------------------------------------------- cache

CACHE_DIR = Path(os.environ.get("SNIPCHECK_CACHE_DIR") or ROOT / ".cache" / "snipcheck")


def cache_enabled() -> bool:
    """On by default; off when CI is set (CI runs everything) unless SNIPCHECK_CACHE=1."""
    wanted = os.environ.get("SNIPCHECK_CACHE")
    if wanted is not None:
        return wanted == "1"
    return not os.environ.get("CI")


def environment_fingerprint() -> str:
    """Everything outside the repository that can change an output: the Python version,
    the platform, every installed distribution's version, and this checker's own source."""
    import hashlib
    import platform
    from importlib import metadata

    dists = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()})
    h = hashlib.sha256()
    for part in (sys.version, platform.platform(), Path(__file__).read_text(encoding="utf-8"), *dists):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def _digest(path: Path) -> str:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


class Cache:
    """Verified runs, one JSON file per snippet, keyed on the snippet's source, every
    repository file it read or imported, and the environment fingerprint."""

    def __init__(self, folder: Path = CACHE_DIR):
        self.folder = folder
        self.env = environment_fingerprint()

    def _file(self, snippet: Path) -> Path:
        import hashlib

        return self.folder / (hashlib.sha256(rel(snippet).encode()).hexdigest()[:20] + ".json")

    def get(self, snippet: Path) -> Result | None:
        import json

        try:
            entry = json.loads(self._file(snippet).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("env") != self.env or entry.get("source") != _digest(snippet):
            return None
        if any(_digest(ROOT / name) != digest for name, digest in entry["reads"].items()):
            return None
        return Result(snippet, "ok", stdout=entry["stdout"], seconds=entry["seconds"],
                      reads=sorted(entry["reads"]), cached=True)

    def put(self, result: Result) -> None:
        import json

        if not result.ok or result.cached:
            return
        entry = {
            "snippet": rel(result.snippet),
            "env": self.env,
            "source": _digest(result.snippet),
            "reads": {rel(Path(name)): _digest(Path(name)) for name in result.reads},
            "stdout": result.stdout,
            "seconds": result.seconds,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._file(result.snippet).with_suffix(".tmp")
        tmp.write_text(json.dumps(entry, indent=1), encoding="utf-8")
        tmp.replace(self._file(result.snippet))


def run_checked(snippets: list[Path], jobs: int = 1, cache: Cache | None = None) -> dict[Path, Result]:
    """Like run_many, but a snippet whose cache key matches a verified run is not executed."""
    results: dict[Path, Result] = {}
    todo = []
    for snippet in snippets:
        hit = cache.get(snippet) if cache else None
        if hit:
            results[snippet] = hit
        else:
            todo.append(snippet)
    if todo:
        fresh = run_many(todo, jobs)
        results.update(fresh)
        store = cache or Cache()  # even a run that ignored the cache leaves it up to date
        for result in fresh.values():
            store.put(result)
    return results


def default_cache() -> Cache | None:
    return Cache() if cache_enabled() else None


def jobs() -> int:
    return int(os.environ.get("SNIPCHECK_JOBS", 0)) or os.cpu_count() or 1


# --------------------------------------------------------------------------- check


def check(result: Result) -> str | None:
    """None when the snippet ran clean and matches its recording, else the message."""
    if not result.ok:
        return result.explain()
    where = rel(result.snippet)
    recorded = output_path(result.snippet)
    if not recorded.exists():
        return (
            f"{where} has no recorded output ({rel(recorded)} is missing).\n"
            f"Record it with: {REFRESH_HINT.format(path=where)}"
        )
    cfg = settings(result.snippet)
    expected = recorded.read_text(encoding="utf-8")
    if same_output(expected, result.stdout, cfg["rtol"], cfg["atol"]):
        return None
    pages = ", ".join(pages_including(result.snippet)) or "no page yet"
    return (
        f"{where}: output differs from {rel(recorded)} "
        f"(numbers compared with rtol={cfg['rtol']:g}, atol={cfg['atol']:g}).\n"
        f"Shown on: {pages}\n"
        f"{diff(expected, result.stdout, rel(recorded))}\n"
        f"If the new output is right, refresh it with: {REFRESH_HINT.format(path=where)}"
    )


RECORDED_WITH = "recorded-with.json"  # per snippet folder: output file -> versions that checked it


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
    }


def note_versions(outputs: list[Path]) -> None:
    """Record, beside each folder's outputs, the versions that last produced or checked them."""
    import json

    stamp = versions()
    for folder in sorted({o.parent for o in outputs}):
        path = folder / RECORDED_WITH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        data.update({o.name: stamp for o in outputs if o.parent == folder})
        text = json.dumps(dict(sorted(data.items())), indent=2) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def refresh(snippets: list[Path], jobs: int = 1, echo=print, cache: Cache | None = None) -> int:
    """Re-run snippets; rewrite an output only when it differs beyond tolerance.

    A snippet that fails keeps its recorded output untouched. Every output that was
    written or confirmed gets the current versions in its folder's recorded-with.json.
    Returns the exit code.
    """
    failed = 0
    confirmed = []
    for snippet, result in sorted(run_checked(snippets, jobs, cache).items()):
        where = rel(snippet)
        if not result.ok:
            failed += 1
            echo(f"FAILED    {where} (recorded output left as it was)\n{result.explain()}\n")
            continue
        recorded = output_path(snippet)
        cfg = settings(snippet)
        if recorded.exists() and same_output(
            recorded.read_text(encoding="utf-8"), result.stdout, cfg["rtol"], cfg["atol"]
        ):
            echo(f"unchanged {rel(recorded)}")
        else:
            tmp = recorded.with_suffix(".out.tmp")
            tmp.write_text(result.stdout, encoding="utf-8")
            tmp.replace(recorded)
            echo(f"updated   {rel(recorded)}")
        confirmed.append(recorded)
    note_versions(confirmed)
    if failed:
        echo(f"{failed} snippet(s) failed; their recorded outputs were not changed.")
    return 1 if failed else 0


def _resolve(args: list[str]) -> list[Path]:
    if not args:
        return discover()
    chosen = []
    for arg in args:
        path = Path(arg)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if path.suffix == ".out":
            path = path.with_suffix(".py")
        if path.is_dir():
            chosen.extend(discover(path))
        elif path.suffix == ".py" and path.exists():
            chosen.append(path)
        else:
            raise SnippetError(f"{arg}: no such snippet. Give a path under snippets/ to a .py file.")
    return chosen


def check_all(snippets: list[Path], jobs: int = 1, cache: Cache | None = None, echo=print) -> int:
    """Check snippets against their recordings; print failures and a summary line."""
    results = run_checked(snippets, jobs, cache)
    failures = [m for m in (check(results[s]) for s in snippets) if m]
    for message in failures:
        echo(message + "\n")
    ran = sum(not r.cached for r in results.values())
    echo(f"snippets: {ran} executed, {len(results) - ran} from cache, {len(failures)} failed")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.snipcheck", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["refresh", "check"])
    parser.add_argument("snippets", nargs="*", help="snippet files or folders (default: all)")
    parser.add_argument("--no-cache", action="store_true", help="execute every snippet")
    parser.add_argument("--jobs", type=int, default=jobs(), help="snippets run at once")
    args = parser.parse_args(argv)
    try:
        snippets = _resolve(args.snippets)
    except SnippetError as exc:
        print(exc)
        return 2
    cache = None if args.no_cache else default_cache()
    action = refresh if args.command == "refresh" else check_all
    return action(snippets, jobs=args.jobs, cache=cache)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
