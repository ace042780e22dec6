"""Run snippets: TensorFlow imported once, then one forked child per snippet, with guards.

* ``preload`` imports TensorFlow before any child is forked, so no child pays the import;
* each child runs one snippet (a fresh interpreter where fork is missing), limited to one
  TensorFlow thread so a parallel run prints exactly what a serial one does;
* each child is confined by ``snipcheck.confinement`` (an empty network namespace, the
  repository read-only, a PID namespace, wherever the kernel allows them) and installs the
  guards of ``snipcheck.guards`` (audit hooks), so a snippet fails on an exception, a
  warning, a network attempt, a change to the repository or a fork;
* nothing a snippet started outlives its run: in a PID namespace the snippet runs under the
  namespace's init, and when the run ends the kernel kills everything left in it, however it
  detached (a new session, a double fork). Each child also leads its own process group, and
  the group is killed when the child ends, times out or the checker is stopped: the fallback
  where the kernel refuses a PID namespace;
* ``run_many`` schedules children, at most ``jobs`` at a time, and stops one at its limit
  (SIGTERM to its group first, so faulthandler prints the line it was stuck on). SIGINT or
  SIGTERM to the checker kills every running child's group and raises ``Stopped``: the
  caller writes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

from snipcheck import numeric
from snipcheck.confinement import PID, confine, contain, die_with_parent
from snipcheck.guards import Guards
from snipcheck.layout import ROOT, preset_env, rel, settings
from snipcheck.status import Status

SKIP_DIRS = {".nox", ".cache", ".git", "__pycache__", "site", ".venv"}


@dataclasses.dataclass
class Result:
    snippet: Path
    status: Status  # how it ended (snipcheck.status); a plain string is turned into one
    stdout: str = ""
    stderr: str = ""
    detail: str = ""
    seconds: float = 0.0
    reads: list[str] = dataclasses.field(default_factory=list)  # repo files it read or imported
    cached: bool = False  # taken from the cache of verified runs, not executed
    confined: list[str] = dataclasses.field(default_factory=list)  # what the kernel applied

    def __post_init__(self):
        self.status = Status(self.status)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def explain(self) -> str:
        """The failure as a contributor should read it: what, where, how to fix."""
        return self.status.explain(rel(self.snippet), self.detail, self.stderr)


def preload() -> None:
    """Import TensorFlow once, before any child is forked, on the portable numeric path."""
    numeric.apply()
    os.environ.update(preset_env())  # children inherit them
    if "tensorflow" in sys.modules:
        return
    # TensorFlow's C++ start-up lines ("oneDNN custom operations are on", "All log messages
    # before absl::InitializeLog()") ignore TF_CPP_MIN_LOG_LEVEL; they are not the checker's
    # news, so file descriptor 2 points elsewhere while TensorFlow is imported.
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as quiet:
        os.dup2(quiet.fileno(), 2)
        try:
            import keras  # noqa: F401
            import tensorflow  # noqa: F401
        except ImportError:  # the docs-only environment: nothing to preload
            pass
        except BaseException:
            os.dup2(saved, 2)
            quiet.seek(0)
            sys.stderr.write(quiet.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    """Signal the process group a child leads (the child and everything it started)."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


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
    import threading
    import warnings

    os.setsid()  # its own process group: the parent kills the group, grandchildren included
    die_with_parent()
    confined = confine()  # first, while this process has one thread
    if PID in confined:
        contain()  # from here on, in the namespace's second process; it ends with its init
    out = os.open(os.path.join(workdir, "stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    err = os.open(os.path.join(workdir, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    # One thread per child: children do not fight over cores, and a parallel run
    # gives the same numbers as a serial one.
    try:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except ImportError:
        pass

    # A forked child inherits NumPy's global random state, so two runs of an unseeded snippet
    # would print the same numbers and pass the two-run rule. Fresh entropy per child (Python's
    # own random module reseeds itself after fork); a snippet that seeds itself is unaffected.
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()

    faulthandler.register(signal.SIGTERM, file=sys.stderr, all_threads=False, chain=True)
    guards = Guards(lambda filename: filename == snippet)
    reads: set[str] = set()
    inherited = set(sys.modules)  # the harness's own modules are not the snippet's imports
    sys.addaudithook(lambda event, args: reads.add(args[0]) if event == "open" and isinstance(args[0], str) else None)
    os.chdir(ROOT)
    sys.argv = [snippet]
    sys.path.insert(0, os.path.dirname(snippet))
    raised = ""
    with warnings.catch_warnings():
        guards.install()
        try:
            runpy.run_path(snippet, run_name="__main__")
        except BaseException as exc:  # noqa: BLE001 - every failure is reported
            raised = _format_exception(exc, snippet)
    sys.stdout.flush()
    sys.stderr.flush()
    stderr = Path(workdir, "stderr").read_text(encoding="utf-8", errors="replace")
    report = guards.report(raised, stderr)
    lingering = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    for t in lingering:
        t.join(1.0)
    lingering = [t for t in lingering if t.is_alive()]
    if lingering and report["status"] == "ok":
        report = {"status": "thread", "detail": "still running after the last line: "
                  + ", ".join(f"thread {t.name!r} ({getattr(t, '_target', None) or 'run'})" for t in lingering)}
    modules = {getattr(m, "__file__", None) for n, m in list(sys.modules.items()) if n not in inherited}
    report["reads"] = sorted(_repo_files(reads | {m for m in modules if m}) - {snippet})
    report["confined"] = confined
    conn.send(report)
    conn.close()
    if lingering:  # do not wait for them: the report is sent, the parent kills the group
        os._exit(0)


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


# --------------------------------------------------------------------------- scheduling


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def jobs() -> int:
    """Snippets run at once: SNIPCHECK_JOBS, or one per core."""
    return int(os.environ.get("SNIPCHECK_JOBS", 0)) or os.cpu_count() or 1


MAX_OUTPUT = 64 * 1024  # bytes of stdout a snippet may print: a page shows all of it


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM reached the checker: every child was killed, nothing may be written."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def _crash_detail(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.Signals._value2member_map_ else "?"
        why = (": most likely the machine ran out of memory and the kernel's OOM killer ended it "
               "(use less data or a smaller model)" if -exitcode == signal.SIGKILL else "")
        return f"killed by signal {name} ({-exitcode}){why}"
    if exitcode == 0:
        return ("its process ended (exit code 0) before the checker could see how the snippet ran: "
                "the snippet (or a library it calls) ended the process itself, as os._exit() does. "
                "Let the snippet end normally: remove the os._exit call")
    return f"exit code {exitcode}"


def _read_output(workdir: str) -> tuple[str, str | None]:
    """The child's stdout as text, and what is wrong with it for a recording (None: nothing)."""
    path = Path(workdir, "stdout")
    size = path.stat().st_size
    with open(path, "rb") as f:
        data = f.read(MAX_OUTPUT + 1)
    text = data.decode("utf-8", errors="replace")
    if size > MAX_OUTPUT:
        return text, (f"printed {size:,} bytes; the limit is {MAX_OUTPUT // 1024} KB (a page shows every "
                      "byte). Print a summary instead: a shape, a few values, a final loss")
    if not data.strip():
        return text, ("printed nothing to stdout, so its page would show an empty output (text sent to "
                      "stderr is not recorded). Print what the reader should see with print(...)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return text, (f"printed bytes that are not UTF-8 (at byte {exc.start}: {data[exc.start:exc.start + 8]!r}). "
                      "Print text: decode bytes with .decode('utf-8'), or print their repr()")
    return text, None


@contextlib.contextmanager
def stopping():
    """While inside: SIGINT or SIGTERM raises ``Stopped`` (the caller kills what it started
    and writes nothing). Only the main thread can take signals; elsewhere this does nothing."""
    import threading

    def stop(signum, frame):
        raise Stopped(signum)

    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            handlers[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def run_many(snippets: list[Path], jobs: int = 1) -> dict[Path, Result]:
    """Run snippets, at most ``jobs`` at a time, each in its own child process (and process
    group). SIGINT or SIGTERM kills every running group and raises ``Stopped``."""
    preload()
    ctx = _context()
    pending = list(snippets)
    running: dict[int, tuple] = {}
    results: dict[Path, Result] = {}
    with stopping():
        try:
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
                        report = None
                        if sentinel in ready and reader.poll():
                            try:
                                report = reader.recv()
                            except EOFError:
                                report = None
                        if sentinel not in ready:
                            _kill_group(proc.pid, signal.SIGTERM)  # faulthandler prints where it was
                            proc.join(5)
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
                        _kill_group(proc.pid)  # whatever the snippet started dies with it
                        proc.join()
                        del running[sentinel]
                        if report is None:
                            report = {"status": "crashed", "detail": _crash_detail(proc.exitcode)}
                        stdout, bad_output = _read_output(workdir)
                        if report["status"] == "ok" and bad_output:
                            report = {**report, "status": "output", "detail": bad_output}
                        results[snippet] = Result(
                            snippet,
                            report["status"],
                            stdout=stdout,
                            stderr=Path(workdir, "stderr").read_text(encoding="utf-8", errors="replace"),
                            detail=report["detail"],
                            seconds=time.monotonic() - start,
                            reads=report.get("reads", []),
                            confined=report.get("confined", []),
                        )
        finally:
            for snippet, proc, *_ in running.values():
                _kill_group(proc.pid)
                proc.kill()
                proc.join()
    return results
