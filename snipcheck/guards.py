"""The guards every snippet runs under, in a forked child or in a notebook kernel.

* ``Guards`` make a run fail on any Python warning or logged warning (``logging``, absl,
  TensorFlow, Keras), on a network attempt, on a change to a file of the repository, and on
  ``os.fork``. They are audit hooks (``sys.addaudithook``), so they see the C functions under
  ``socket``, ``open`` and ``os`` and cannot be undone by reloading a module;
* the namespaces' refusals (``snipcheck.confinement``: a read-only repository, no network)
  stop C++ code and subprocesses, which no audit hook sees; ``namespace_refusals`` reads them
  from what the run wrote to stderr, so they get the same messages. Where the kernel refuses
  namespaces, the audit hooks alone guard (Python code only);
* ``guard_kernel`` and ``kernel_report`` install the same guards in a notebook kernel
  (``snipcheck.notebooks``), so a notebook source gets the messages every snippet gets.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from snipcheck.layout import ROOT, rel


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

    def __init__(self, is_snippet, root: Path = ROOT, logs_from_snippet_only: bool = False):
        self.is_snippet = is_snippet
        self.root = str(root)
        # A notebook kernel logs for itself too (ipykernel's own loggers): there, only records
        # logged while the cells' own code runs count.
        self.logs_from_snippet_only = logs_from_snippet_only
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
            where = self.frame() if log_record.levelno >= logging.WARNING else ""
            if log_record.levelno >= logging.WARNING and (where or not self.logs_from_snippet_only):
                self.logged.append(f"{log_record.levelname} {log_record.name}: {log_record.getMessage()}"
                                   + (f"\n  from {where}" if where else ""))
            return _original(logger, log_record)

        logging.Logger.callHandlers = call_handlers
        sys.addaudithook(self._audit)

    def report(self, raised: str = "", stderr: str = "") -> dict:
        """{"status", "detail"} for the run: a refusal beats an exception beats a warning.
        ``stderr`` shows refusals that the kernel made for C++ code or a subprocess."""
        refused = namespace_refusals(raised + "\n" + stderr)
        network = self.network or refused["network"]
        wrote = self.wrote or refused["wrote"]
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


def namespace_refusals(text: str) -> dict[str, list[str]]:
    """What the kernel refused, as a run's stderr (or a traceback) shows it: {"network": [the
    first line that says so], "wrote": [...]}. C++ code and subprocesses meet these refusals
    where ``snipcheck.confinement`` applied the namespaces; no audit hook sees them."""
    network: list[str] = []
    wrote: list[str] = []
    for line in text.splitlines():
        if not network and re.search(r"Network is unreachable|Temporary failure in name resolution|"
                                     r"Name or service not known|Could not resolve host", line):
            network.append(f"refused by the network namespace: {line.strip()}")
        if not wrote and "Read-only file system" in line:
            wrote.append(f"refused by the read-only repository: {line.strip()}")
    return {"network": network, "wrote": wrote}


# --------------------------------------------------------------------------- notebook kernels

_kernel_guards: Guards | None = None


def guard_kernel() -> None:
    """Run in a notebook kernel before its first cell: the guards every snippet runs under.
    Cell code is compiled from files that IPython names ``ipykernel_*`` or ``<ipython-input``."""
    global _kernel_guards
    _kernel_guards = Guards(lambda filename: "ipykernel_" in filename or filename.startswith("<ipython-input"),
                            logs_from_snippet_only=True)
    _kernel_guards.install()


def kernel_report() -> str:
    """Run in the kernel after the last cell: the guards' report, as JSON."""
    import json

    return json.dumps(_kernel_guards.report() if _kernel_guards else {"status": "ok", "detail": ""})
