"""Run snippets: TensorFlow imported once, then one forked child per snippet, with guards.

* ``preload`` imports TensorFlow before any child is forked, so no child pays the import;
* each child runs one snippet (a fresh interpreter where fork is missing), limited to one
  TensorFlow thread so a parallel run prints exactly what a serial one does;
* ``Guards`` make a run fail on an exception, on any Python warning or logged warning
  (``logging``, absl, TensorFlow, Keras), on a network attempt, on a change to a file of the
  repository, and on ``os.fork``. They are audit hooks (``sys.addaudithook``), so they see
  the C functions under ``socket``, ``open`` and ``os`` and cannot be undone by reloading a
  module. The forked children and the notebook kernel (``snipcheck.notebooks``) install the
  same guards, so a snippet and a notebook source obey the same rules and get the same
  messages (``Result.explain``);
* ``confine`` adds the kernel's protection in each forked child where the kernel allows it:
  a private mount namespace with the repository remounted read-only, and an empty network
  namespace. Writes and connections from C++ code or from a subprocess then fail too. Where
  the kernel refuses, the audit hooks alone guard (Python code only);
* each child leads its own process group, and the whole group is killed when the child ends,
  times out or the checker is stopped, so nothing a snippet started outlives it;
* ``run_many`` schedules children, at most ``jobs`` at a time, and kills one at its limit
  (SIGTERM first, so faulthandler prints the line it was stuck on). SIGINT or SIGTERM to the
  checker kills every running child's group and raises ``Stopped``: the caller writes nothing.
"""

from __future__ import annotations

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

from snipcheck.layout import ROOT, rel, refresh_hint, settings

SKIP_DIRS = {".nox", ".cache", ".git", "__pycache__", "site", ".venv"}


@dataclasses.dataclass
class Result:
    snippet: Path
    status: str  # ok | raised | warned | logged | network | wrote | forked | thread | output | timeout | crashed
    stdout: str = ""
    stderr: str = ""
    detail: str = ""
    seconds: float = 0.0
    reads: list[str] = dataclasses.field(default_factory=list)  # repo files it read or imported
    cached: bool = False  # taken from the cache of verified runs, not executed
    confined: list[str] = dataclasses.field(default_factory=list)  # what the kernel applied

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
            "logged": "Snippets must run without logged warnings (readers would see them). "
            "Change the call the warning names, then run",
            "network": "Snippets run offline: use data that ships with a package "
            "(for example sklearn.datasets.load_digits) or that the code makes, then run",
            "wrote": "Snippets must never change the repository. Write to a temporary folder "
            "(tempfile.TemporaryDirectory()) instead, then run",
            "forked": "A snippet stays one process (a forked copy would print into the same "
            "output, in a random order). Remove the fork, then run",
            "thread": "Join every thread you start (or make it a daemon thread) so the snippet "
            "ends, then run",
            "output": "Only what a reader can read is recorded. Fix what it prints, then run",
            "timeout": "Make it faster (fewer epochs, less data) or raise the limit with a "
            "'# snipcheck: timeout=SECONDS' comment, then run",
            "crashed": "The process died without a Python traceback"
            + ("; see its stderr above." if self.stderr.strip() else " and printed nothing to stderr.")
            + " Then run",
        }
        head = {
            "raised": f"{where} raised an exception:",
            "warned": f"{where} emitted a Python warning:",
            "logged": f"{where} logged a warning:",
            "network": f"{where} tried to open a network connection:",
            "wrote": f"{where} tried to change a file in the repository:",
            "forked": f"{where} tried to fork its process:",
            "thread": f"{where} finished, but left a thread running:",
            "output": f"{where} printed an output that cannot be recorded:",
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


# --------------------------------------------------------------------------- guards


class _Refused(PermissionError):
    pass


# Audit events that change a file: event -> ((index of a path argument, index of its dir_fd
# argument or None), ...), as CPython raises them.
_WRITES = {
    "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.mkdir": ((0, 2),), "os.rename": ((0, 2), (1, 3)),
    "os.truncate": ((0, None),), "os.chmod": ((0, 2),), "os.chown": ((0, 3),), "os.link": ((0, 2), (1, 3)),
    "os.symlink": ((1, 2),), "os.utime": ((0, 3),), "shutil.rmtree": ((0, 1),), "shutil.move": ((0, None), (1, None)),
    "shutil.copyfile": ((1, None),), "shutil.copymode": ((1, None),), "shutil.copystat": ((1, None),),
    "os.removexattr": ((0, None),), "os.setxattr": ((0, None),),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"}
_SENDS = {"socket.connect", "socket.sendto", "socket.sendmsg"}


class Guards:
    """Refuse the network, changes to the repository and ``os.fork``, and record warnings
    (the ``warnings`` module and every logger) while a snippet runs; ``report`` says how the
    run went. ``is_snippet(filename)`` tells the snippet's own frames from library frames.

    The refusals are an audit hook: it sees the C functions themselves (``_socket``,
    ``open``, ``os``), whatever module calls them, and it cannot be removed."""

    def __init__(self, is_snippet, root: Path = ROOT):
        self.is_snippet = is_snippet
        self.root = str(root)
        self.network: list[str] = []
        self.wrote: list[str] = []
        self.forked: list[str] = []
        self.warnings: list[str] = []
        self.logged: list[str] = []

    def frame(self) -> str:
        """The snippet's own line that is running now, for messages that point at it."""
        import traceback

        frames = [f for f in traceback.extract_stack() if self.is_snippet(f.filename)]
        return f'File "{frames[-1].filename}", line {frames[-1].lineno}: {frames[-1].line}' if frames else ""

    def _in_repository(self, path, dir_fd=None) -> str | None:
        """The repository path that ``path`` names, or None (a temporary folder, a cache)."""
        if isinstance(path, int) or path is None:
            return None
        try:
            name = os.fsdecode(path)
            if isinstance(dir_fd, int) and dir_fd >= 0 and not os.path.isabs(name):
                name = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), name)
            full = os.path.realpath(name)
        except (TypeError, ValueError, OSError):
            return None
        if full != self.root and not full.startswith(self.root + os.sep):
            return None
        if "__pycache__" in full.split(os.sep):  # Python's own bytecode cache: not a change
            return None
        return rel(full)

    def _audit(self, event: str, args: tuple) -> None:
        if event == "open" and len(args) >= 3 and isinstance(args[2], int) and args[2] & _WRITE_FLAGS:
            paths = [(args[0], None)]
        elif event in _WRITES:
            paths = [(args[i], args[fd] if fd is not None and fd < len(args) else None)
                     for i, fd in _WRITES[event] if i < len(args)]
        elif event in _LOOKUPS:
            return self._refuse_network(event, args[0] if args else None)
        elif event in _SENDS:
            sock = args[0] if args else None
            family = getattr(sock, "family", None)
            if family is not None and int(family) in (2, 10):  # AF_INET, AF_INET6
                return self._refuse_network(event, args[1] if len(args) > 1 else None)
            return None
        elif event == "os.fork" or event == "os.forkpty":
            self.forked.append(f"{event}() at {self.frame() or 'an unknown line'}")
            raise _Refused(f"snippets may not fork: {event}()")
        else:
            return None
        for path, dir_fd in paths:
            inside = self._in_repository(path, dir_fd)
            if inside:
                self.wrote.append(f"{event} {inside} at {self.frame() or 'an unknown line'}")
                raise _Refused(f"snippets may not change the repository: {event} {inside}")

    def _refuse_network(self, what: str, target) -> None:
        self.network.append(f"{what}({target!r}) at {self.frame() or 'an unknown line'}")
        raise _Refused(f"network access is disabled for snippets: {what}({target!r})")

    def install(self) -> None:
        import logging
        import warnings

        def record(message, category, filename, lineno, file=None, line=None):
            where = self.frame()
            self.warnings.append(f"{category.__name__}: {message}\n  raised at {filename}:{lineno}"
                                 + (f"\n  from {where}" if where else ""))

        warnings.simplefilter("always")
        warnings.showwarning = record

        # Every logger's records pass through Logger.callHandlers (absl's and TensorFlow's too).
        original = logging.Logger.callHandlers

        def call_handlers(logger, log_record, _original=original):
            if log_record.levelno >= logging.WARNING:
                where = self.frame()
                self.logged.append(f"{log_record.levelname} {log_record.name}: {log_record.getMessage()}"
                                   + (f"\n  from {where}" if where else ""))
            return _original(logger, log_record)

        logging.Logger.callHandlers = call_handlers
        sys.addaudithook(self._audit)

    def report(self, raised: str = "", stderr: str = "") -> dict:
        """{"status", "detail"} for the run: a refusal beats an exception beats a warning.
        ``stderr`` shows refusals that the kernel made for C++ code or a subprocess."""
        network = list(self.network)
        wrote = list(self.wrote)
        for line in (raised + "\n" + stderr).splitlines():
            if not network and re.search(r"Network is unreachable|Temporary failure in name resolution|"
                                         r"Name or service not known|Could not resolve host", line):
                network.append(f"refused by the network namespace: {line.strip()}")
            if not wrote and "Read-only file system" in line:
                wrote.append(f"refused by the read-only repository: {line.strip()}")
        for status, found in (("network", network), ("wrote", wrote), ("forked", self.forked)):
            if found:
                return {"status": status, "detail": "\n".join(found)}
        if raised:
            return {"status": "raised", "detail": raised}
        if self.warnings:
            return {"status": "warned", "detail": "\n".join(self.warnings)}
        if self.logged:
            return {"status": "logged", "detail": "\n".join(self.logged)}
        return {"status": "ok", "detail": ""}


# --------------------------------------------------------------------------- the kernel's guard

_libc = None


def _unshare(flags: int) -> bool:
    global _libc
    import ctypes

    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc.unshare(flags) == 0


def _mount(source, target, flags: int) -> bool:
    return _libc.mount(source and os.fsencode(source), os.fsencode(target), None, flags, None) == 0


def confine(root: Path = ROOT) -> list[str]:
    """In a single-threaded forked child: an empty network namespace and the repository
    remounted read-only, as root or in a user namespace. Returns what the kernel applied
    (``[]`` where it refuses; the audit hooks still guard Python code)."""
    if not sys.platform.startswith("linux"):
        return []
    CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER = 0x00020000, 0x40000000, 0x10000000
    MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
    MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
    wanted = CLONE_NEWNS | CLONE_NEWNET
    try:
        if not _unshare(wanted):
            uid, gid = os.getuid(), os.getgid()
            if not _unshare(wanted | CLONE_NEWUSER):
                return []
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
                with open(f"/proc/self/{name}", "w") as f:
                    f.write(text)
    except OSError:
        return []
    applied = ["network namespace"]
    vfs = os.statvfs(root)
    keep = (MS_NOSUID if vfs.f_flag & os.ST_NOSUID else 0) | (MS_NODEV if vfs.f_flag & os.ST_NODEV else 0) \
        | (MS_NOEXEC if vfs.f_flag & os.ST_NOEXEC else 0)
    if (_mount(None, "/", MS_REC | MS_PRIVATE) and _mount(str(root), str(root), MS_BIND | MS_REC)
            and _mount(None, str(root), MS_REMOUNT | MS_BIND | MS_RDONLY | keep)):
        applied.append("read-only repository")
    return applied


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
    _die_with_parent()
    confined = confine()  # first, while this process has one thread
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


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the checker that started it dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


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


def run_many(snippets: list[Path], jobs: int = 1) -> dict[Path, Result]:
    """Run snippets, at most ``jobs`` at a time, each in its own child process (and process
    group). SIGINT or SIGTERM kills every running group and raises ``Stopped``."""
    import threading

    preload()
    ctx = _context()
    pending = list(snippets)
    running: dict[int, tuple] = {}
    results: dict[Path, Result] = {}

    def stop(signum, frame):
        raise Stopped(signum)

    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            handlers[signum] = signal.signal(signum, stop)
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
                        proc.terminate()  # SIGTERM: faulthandler prints where it was
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
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
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
