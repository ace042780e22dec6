"""What the kernel confines a snippet or a notebook kernel to, and the rule for it in CI.

* ``confine`` (in a single-threaded process, before it runs anything): an empty network
  namespace, a private mount namespace with the repository remounted read-only, and a new
  PID namespace, as root or in a user namespace, wherever the kernel allows them. Writes and
  connections from C++ code or from a subprocess then fail too. Returns what it applied;
* ``contain``, once ``confine`` applied a PID namespace: starts the namespace's first process
  (PID 1, an init that only waits) and returns in a forked child, where the work runs. When
  the run ends, so does the init, and the kernel kills every process left in the namespace,
  however it detached (a new session, a double fork). Where there is no PID namespace the
  caller's process group is the fallback (``snipcheck.run`` kills it);
* ``probe``, ``describe`` and ``problem``: the confinement this machine gives, the line each
  run prints about it, and, under ``CI``, the failure when some of it is missing, unless
  ``SNIPCHECK_ALLOW_UNCONFINED`` says why it may be (the one setting that allows it);
* ``python -m snipcheck.confinement COMMAND ...`` runs a command confined the same way: the
  notebook kernel's launcher (``snipcheck.notebooks``).

The audit hooks of ``snipcheck.guards`` run inside, whatever the kernel allows.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

from snipcheck.layout import ROOT

NETWORK, READ_ONLY, PID = "network namespace", "read-only repository", "PID namespace"
EVERYTHING = [NETWORK, READ_ONLY, PID]
ALLOW = "SNIPCHECK_ALLOW_UNCONFINED"  # the one setting that lets CI run with less

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER = 0x00020000, 0x40000000, 0x20000000, 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18

_libc = None
refusal = ""  # why the kernel refused, after a ``confine`` that did not apply everything


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Linux: this process gets ``sig`` when the process that started it dies (a snippet's
    child when the checker dies; the checker, with SIGTERM, when nox dies)."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)


# --------------------------------------------------------------------------- entering namespaces


def _unshare(flags: int) -> bool:
    global _libc, refusal
    import ctypes

    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if _libc.unshare(flags) == 0:
        return True
    refusal = f"unshare: {os.strerror(ctypes.get_errno())}"
    return False


def _mount(source, target, flags: int) -> bool:
    global refusal
    import ctypes

    if _libc.mount(source and os.fsencode(source), os.fsencode(target), None, flags, None) == 0:
        return True
    refusal = f"mount: {os.strerror(ctypes.get_errno())}"
    return False


def _enter(flags: int) -> bool:
    """unshare(flags), as root or else inside a new user namespace that maps this user."""
    if _unshare(flags):
        return True
    uid, gid = os.getuid(), os.getgid()
    if not _unshare(flags | CLONE_NEWUSER):
        return False
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)
    return True


def confine(root: Path = ROOT) -> list[str]:
    """In a single-threaded process: new network, mount and PID namespaces and the repository
    remounted read-only, as far as the kernel allows. Returns what it applied, in the order
    of ``EVERYTHING`` (``[]`` where it refuses: the audit hooks still guard Python code). The
    PID namespace holds the children forked afterwards: call ``contain`` next."""
    global refusal
    if not sys.platform.startswith("linux"):
        return []
    base = CLONE_NEWNS | CLONE_NEWNET
    try:
        if _enter(base | CLONE_NEWPID):
            applied = [NETWORK, PID]
        elif _enter(base):
            applied = [NETWORK]
        else:
            return []
    except OSError as exc:
        refusal = f"user namespace: {exc.strerror}"
        return []
    vfs = os.statvfs(root)
    keep = (MS_NOSUID if vfs.f_flag & os.ST_NOSUID else 0) | (MS_NODEV if vfs.f_flag & os.ST_NODEV else 0) \
        | (MS_NOEXEC if vfs.f_flag & os.ST_NOEXEC else 0)
    if (_mount(None, "/", MS_REC | MS_PRIVATE) and _mount(str(root), str(root), MS_BIND | MS_REC)
            and _mount(None, str(root), MS_REMOUNT | MS_BIND | MS_RDONLY | keep)):
        applied.insert(1, READ_ONLY)
        os.chdir(os.getcwd())  # a working folder in the repository: on the read-only mount too
    return applied


# --------------------------------------------------------------------------- the PID namespace


def _end_as(status: int) -> None:
    """End this process as a wait status says its work ended: the same code, or the same signal."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def contain() -> None:
    """Right after ``confine`` applied a PID namespace: start the namespace's init (PID 1, a
    ``cat`` that waits for its input to close), then fork. Returns in the child, the work's
    process; this process waits for it, closes the init's input, waits for the init, and ends
    as the work ended (the same exit code, or the same signal).

    When the init ends, the kernel kills every process left in the namespace, however it
    detached. It ends when this process does, however that happens: its input is a pipe that
    only this process holds. SIGTERM and SIGINT pass this process by (``snipcheck.run`` at a
    timeout and jupyter_client signal the whole process group: they reach the work, and the
    init, as PID 1, ignores them). Spawning the init copies nothing, unlike a fork of a
    process that has TensorFlow loaded."""
    cat = shutil.which("cat")
    command = [cat] if cat else [sys.executable, "-I", "-S", "-c", "import os; os.read(0, 1)"]
    reader, writer = os.pipe()  # the writer is not inherited by the init (close-on-exec)
    init = os.posix_spawn(command[0], command, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, reader, 0), (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    os.close(reader)
    work = os.fork()  # the namespace's second process
    if work == 0:
        os.close(writer)
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    _, status = os.waitpid(work, 0)
    os.close(writer)  # the init reads the end of its input and ends: the namespace ends with it
    os.waitpid(init, 0)
    _end_as(status)


# --------------------------------------------------------------------------- what a run prints


_probed: dict | None = None


def probe() -> dict:
    """What ``confine`` gives a child on this machine: {"applied": [...], "refusal": "..."}.
    Tried once per process, in a throwaway forked child."""
    global _probed
    if _probed is None and not sys.platform.startswith("linux"):
        _probed = {"applied": [], "refusal": f"namespaces are Linux only (this is {sys.platform})"}
    if _probed is None:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(reader)
                applied = confine()
                os.write(writer, json.dumps({"applied": applied, "refusal": refusal}).encode())
            finally:
                os._exit(0)
        os.close(writer)
        with os.fdopen(reader, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        _probed = json.loads(data or b'{"applied": [], "refusal": "the probe died"}')
    return _probed


def describe(found: dict | None = None) -> str:
    """The line each run prints: which confinement is active."""
    found = found or probe()
    applied = found["applied"]
    missing = [c for c in EVERYTHING if c not in applied]
    if not applied:
        text = f"confinement: audit hooks only (the kernel refused namespaces: {found['refusal']})"
    else:
        text = "confinement: " + ", ".join(applied) + ", audit hooks"
        if missing:
            text += f"; missing: {', '.join(missing)} ({found['refusal']})"
    reason = allowance()
    if missing and reason:
        text += f"; allowed by {ALLOW}: {reason}"
    return text


def allowance() -> str:
    """The reason ``SNIPCHECK_ALLOW_UNCONFINED`` gives, or '' (unset, or a bare yes: no reason)."""
    reason = os.environ.get(ALLOW, "").strip()
    return "" if reason.lower() in ("1", "true", "yes", "on") else reason


def problem(found: dict | None = None) -> str | None:
    """Under ``CI``, the failure when some confinement is missing and not allowed; else None."""
    found = found or probe()
    missing = [c for c in EVERYTHING if c not in found["applied"]]
    if not missing or not os.environ.get("CI") or allowance():
        return None
    given = os.environ.get(ALLOW, "").strip()
    told = f"{ALLOW}={given!r} gives no reason; " if given else ""
    return (
        f"{describe(found)}\n"
        f"In CI every snippet and notebook kernel runs confined, and here the kernel refused: "
        f"{', '.join(missing)}. {told}Run CI where unshare(2) is allowed (as root with "
        "CAP_SYS_ADMIN, or with unprivileged user namespaces), or allow it with the one setting "
        f'for this: {ALLOW}="why this machine cannot" (see CONTRIBUTING.md, "Confinement").'
    )


# --------------------------------------------------------------------------- the kernel launcher


def command(argv: list[str]) -> list[str]:
    """``argv`` run confined: what ``snipcheck.notebooks`` starts a kernel with."""
    return [sys.executable, "-m", "snipcheck.confinement", *argv]


def main(argv: list[str]) -> None:
    """Confine this process, then become ``argv`` (inside the PID namespace, when there is one)."""
    if not argv:
        sys.exit("usage: python -m snipcheck.confinement COMMAND [ARGUMENT ...]")
    die_with_parent()
    if PID in confine():
        contain()
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])


# --------------------------------------------------------------------------- finding survivors


def sleep_argument() -> str:
    """A duration for ``sleep`` that no other process has: the tests start real processes
    with it and look for them afterwards (``left_running``)."""
    import uuid

    return f"1000.{uuid.uuid4().int % 10**8:08d}"


def left_running(argument: str, within: float = 5.0) -> list[str]:
    """The processes (pid: command line) still running with ``argument`` after up to
    ``within`` seconds. Any found are then killed, by their id: a failing check leaves
    nothing behind."""
    import time

    deadline = time.monotonic() + within
    while True:
        found = {}
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                args = cmdline.read_bytes().split(b"\0")
            except OSError:
                continue
            if argument.encode() in args:
                found[int(cmdline.parent.name)] = b" ".join(args).decode(errors="replace").strip()
        if not found or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return [f"{pid}: {line}" for pid, line in found.items()]
