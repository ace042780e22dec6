"""Run snippets: TensorFlow imported once, then one forked child per snippet, with guards.

* ``preload`` imports TensorFlow before any child is forked, so no child pays the import;
* each child runs one snippet (a fresh interpreter where fork is missing), limited to one
  TensorFlow thread so a parallel run prints exactly what a serial one does;
* ``Guards`` make a run fail on an exception, on any Python warning and on a network
  attempt. The forked children and the notebook kernel (``snipcheck.notebooks``) install the
  same guards, so a snippet and a notebook source obey the same rules and get the same
  messages (``Result.explain``);
* ``run_many`` schedules children, at most ``jobs`` at a time, and kills one at its limit
  (SIGTERM first, so faulthandler prints the line it was stuck on).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import multiprocessing.connection
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from snipcheck.layout import ROOT, rel, refresh_hint, settings

SKIP_DIRS = {".nox", ".cache", ".git", "__pycache__", "site", ".venv"}


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
            x for x in (head, self.detail.rstrip(), tail, f"{fixes[self.status]}: " + refresh_hint(where)) if x
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


# --------------------------------------------------------------------------- guards


class _NetworkBlocked(OSError):
    pass


class Guards:
    """Refuse the network and record warnings while a snippet runs; ``report`` says how the
    run went. ``is_snippet(filename)`` tells the snippet's own frames from library frames."""

    def __init__(self, is_snippet):
        self.is_snippet = is_snippet
        self.network: list[str] = []
        self.warnings: list[str] = []

    def frame(self) -> str:
        """The snippet's own line that is running now, for messages that point at it."""
        import traceback

        frames = [f for f in traceback.extract_stack() if self.is_snippet(f.filename)]
        return f'File "{frames[-1].filename}", line {frames[-1].lineno}: {frames[-1].line}' if frames else ""

    def install(self) -> None:
        import socket
        import warnings

        def refuse(what: str, target) -> None:
            self.network.append(f"{what}({target!r}) at {self.frame() or 'an unknown line'}")
            raise _NetworkBlocked(f"network access is disabled for snippets: {what}({target!r})")

        for name in ("connect", "connect_ex", "sendto"):
            original = getattr(socket.socket, name)

            def guarded(sock, *args, _original=original, _name=name, **kwargs):
                if sock.family in (socket.AF_INET, socket.AF_INET6):
                    refuse(f"socket.{_name}", args[-1] if args else None)
                return _original(sock, *args, **kwargs)

            setattr(socket.socket, name, guarded)
        socket.getaddrinfo = lambda host, *a, **k: refuse("socket.getaddrinfo", host)
        socket.create_connection = lambda address, *a, **k: refuse("socket.create_connection", address)

        def record(message, category, filename, lineno, file=None, line=None):
            where = self.frame()
            self.warnings.append(f"{category.__name__}: {message}\n  raised at {filename}:{lineno}"
                                 + (f"\n  from {where}" if where else ""))

        warnings.simplefilter("always")
        warnings.showwarning = record

    def report(self, raised: str = "") -> dict:
        """{"status", "detail"} for the run: network beats an exception beats a warning."""
        if self.network:
            return {"status": "network", "detail": "\n".join(self.network)}
        if raised:
            return {"status": "raised", "detail": raised}
        if self.warnings:
            return {"status": "warned", "detail": "\n".join(self.warnings)}
        return {"status": "ok", "detail": ""}


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
    report = guards.report(raised)
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


# --------------------------------------------------------------------------- scheduling


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def jobs() -> int:
    """Snippets run at once: SNIPCHECK_JOBS, or one per core."""
    return int(os.environ.get("SNIPCHECK_JOBS", 0)) or os.cpu_count() or 1


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


# --------------------------------------------------------------------------- notebook kernels

_kernel_guards: Guards | None = None


def guard_kernel() -> None:
    """Run in a notebook kernel before its first cell: the guards every snippet runs under.
    Cell code is compiled from files that IPython names ``ipykernel_*`` or ``<ipython-input``."""
    global _kernel_guards
    _kernel_guards = Guards(lambda filename: "ipykernel_" in filename or filename.startswith("<ipython-input"))
    _kernel_guards.install()


def kernel_report() -> str:
    """Run in the kernel after the last cell: the guards' report, as JSON."""
    import json

    return json.dumps(_kernel_guards.report() if _kernel_guards else {"status": "ok", "detail": ""})
