"""snipcheck/run.py: one forked child per snippet. Children are isolated and print the same in
parallel as in series; nothing a snippet started survives it (even in a session of its own);
a fork, an os._exit, a SIGKILL or a thread left running each get their message; and a stopped
refresh kills every process and writes nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from snipcheck import confinement, layout, outputs, run


@pytest.mark.selftest
def test_children_are_isolated(tmp_path):
    """A snippet's globals and imports do not leak into the next one."""
    first = write(tmp_path, "a.py", "import json\nsecret = 41\nprint('a')\n")
    second = write(tmp_path, "b.py", "print('secret' in globals(), 'json' in globals())\n")
    results = run.run_many([first, second], jobs=1)
    assert results[second].stdout == "False False\n"


@pytest.mark.selftest
def test_parallel_and_serial_runs_print_the_same(tmp_path):
    """Children are limited to one thread each, so parallelism cannot change a number."""
    chosen = [layout.SNIPPETS / "training-weights" / n for n in ("sample_model.py", "classification.py")]
    serial = run.run_many(chosen, jobs=1)
    parallel = run.run_many(chosen, jobs=2)
    for snippet in chosen:
        assert serial[snippet].ok and parallel[snippet].ok
        assert serial[snippet].stdout == parallel[snippet].stdout


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- processes


# What a snippet may start, and how: each kind's `sleep` gets an argument of its own, so a
# survivor is found by it in /proc, whatever its pid and namespace.
STARTS = {
    "timeout": """\
        # snipcheck: timeout=4
        import subprocess
        subprocess.Popen(["sleep", "{argument}"])
        subprocess.run(["sleep", "{argument}"])
        """,
    "background": """\
        import subprocess
        p = subprocess.Popen(["sleep", "{argument}"])
        print("left a process behind")
        """,
    "new session, then hangs": """\
        # snipcheck: timeout=4
        import subprocess, time
        subprocess.Popen(["sleep", "{argument}"], start_new_session=True)
        time.sleep(1000)
        """,
    "new session, then ends": """\
        import subprocess
        subprocess.run(["sh", "-c", "setsid sleep {argument} >/dev/null 2>&1 &"], check=True)
        print("the shell is gone, its sleep is not")
        """,
    "new session, then raises": """\
        import subprocess
        subprocess.run(["sh", "-c", "setsid sleep {argument} >/dev/null 2>&1 &"], check=True)
        raise RuntimeError("failed after starting a process")
        """,
}


DETACHED = {kind for kind in STARTS if kind.startswith("new session")}  # out of the process group


# Snippets that end badly in other ways than by leaving a process behind.
OTHER_ENDINGS = {
    "fork": """\
        import os
        pid = os.fork()
        print("which process?", pid)
        """,
    "exit0": """\
        import os
        print("bye", flush=True)
        os._exit(0)
        """,
    "sigkill": """\
        import os, signal
        print("about to die", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """,
    "thread": """\
        import threading, time
        threading.Thread(target=time.sleep, args=(1000,), name="forever").start()
        print("main thread done")
        """,
}


@pytest.fixture(scope="module")
def process_results(tmp_path_factory, processes):
    folder = tmp_path_factory.mktemp("processes")
    arguments = {kind: processes.sleep_argument() for kind in STARTS}
    code = {kind: text.format(argument=arguments[kind]) for kind, text in STARTS.items()} | OTHER_ENDINGS
    snippets = {name: write(folder, f"{i}.py", text) for i, (name, text) in enumerate(code.items())}
    results = run.run_many(list(snippets.values()), jobs=2)
    return {name: results[path] for name, path in snippets.items()}, arguments


@pytest.mark.parametrize("kind, status", [
    ("timeout", "timeout"),
    ("background", "warned"),  # Python itself warns that the Popen object died with its process running
    ("new session, then hangs", "timeout"),
    ("new session, then ends", "ok"),
    ("new session, then raises", "raised"),
])
def test_no_process_a_snippet_started_survives(process_results, processes, needs_confinement, kind, status):
    """Real processes, looked for afterwards: on success, failure or timeout, nothing a
    snippet started is left, even in a session of its own (beyond the process group's reach:
    the PID namespace ends it)."""
    results, arguments = process_results
    if kind in DETACHED:
        needs_confinement(confinement.PID)
    assert results[kind].status == status, results[kind].explain()
    survivors = processes.left_running(arguments[kind], within=0)
    assert not survivors, f"outlived its snippet ({kind}): {survivors}"


@pytest.mark.selftest
def test_without_a_pid_namespace_the_process_group_still_kills(tmp_path, processes, monkeypatch):
    """The fallback where the kernel refuses namespaces: the snippet's process group."""
    monkeypatch.setattr(run, "confine", lambda root=layout.ROOT: [])
    argument = processes.sleep_argument()
    snippets = [write(tmp_path, f"{i}.py", STARTS[kind].format(argument=argument))
                for i, kind in enumerate(("timeout", "background"))]
    results = run.run_many(snippets, jobs=2)
    assert [results[s].status for s in snippets] == ["timeout", "warned"]
    assert all(r.confined == [] for r in results.values() if r.status != "timeout")
    assert not processes.left_running(argument, within=2)


@pytest.mark.parametrize(
    "kind, status, expected",
    [
        ("fork", "forked", ["tried to fork its process", "os.fork()", "line 2", "Remove the fork"]),
        ("exit0", "crashed", ["os._exit()", "exit code 0", "remove the os._exit call", "printed nothing to stderr"]),
        ("sigkill", "crashed", ["killed by signal SIGKILL (9)", "out of memory"]),
        ("thread", "thread", ["left a thread running", "'forever'", "Join every thread"]),
    ],
)
def test_process_messages(process_results, kind, status, expected):
    result = process_results[0][kind]
    assert result.status == status, result.explain()
    message = outputs.check(result)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    assert "see its stderr above" not in message
    assert "Make it faster" not in message


# What nox does with a signal (nox.popen): SIGINT gives the command a moment, then SIGTERM;
# SIGTERM (or SIGKILL) ends nox at once, passing nothing on.
NOX = """\
import signal, subprocess, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started where SIGINT is ignored
child = subprocess.Popen(sys.argv[1:])
try:
    sys.exit(child.wait())
except KeyboardInterrupt:
    try:
        child.wait(timeout=0.3)
    except subprocess.TimeoutExpired:
        child.terminate()
    sys.exit(child.wait())
"""


HANGS = """\
    import subprocess, time
    from pathlib import Path
    subprocess.Popen(["sleep", "{argument}"])
    subprocess.Popen(["sleep", "{argument}"], start_new_session=True)
    Path({started!r}).write_text("started")
    time.sleep(6)
    print("finished")
    """


def _start_refresh(tmp_path, argument: str, *, through_nox: bool = False):
    """``python -m snipcheck refresh`` (under a stand-in for nox, or not) on a snippet that
    starts two ``sleep``, one in a session of its own, and hangs, with a second, quick snippet
    behind it; returns (process, snippets)."""
    started = tmp_path / "started"
    slow = write(tmp_path, "a_slow.py", HANGS.format(argument=argument, started=str(started)))
    quick = write(tmp_path, "b_quick.py", "print('quick')\n")
    command = [sys.executable, "-m", "snipcheck", "refresh", "--no-cache", "--jobs", "1", str(slow), str(quick)]
    if through_nox:
        command = [sys.executable, "-c", NOX, *command]
    proc = subprocess.Popen(command, cwd=layout.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert started.exists(), "the snippet never started"
    time.sleep(0.5)
    return proc, (slow, quick)


@pytest.mark.selftest
@pytest.mark.parametrize("to", ["the checker", "nox"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_kills_every_process_and_writes_nothing(tmp_path, processes, needs_confinement, signum, to):
    needs_confinement(confinement.PID)
    argument = processes.sleep_argument()
    proc, snippets = _start_refresh(tmp_path, argument, through_nox=to == "nox")
    proc.send_signal(signum)
    text, _ = proc.communicate(timeout=60)  # its output ends when the checker has ended
    if to == "the checker":
        assert proc.returncode == 128 + signum, text
    assert "no output was written" in text, text
    survivors = processes.left_running(argument)
    assert not survivors, f"outlived the stopped checker: {survivors}"
    assert not any(layout.output_path(s).exists() for s in snippets)
    assert not (tmp_path / layout.RECORDED_WITH).exists()


@pytest.mark.selftest
def test_a_stopped_parent_stops_the_refresh(tmp_path, processes, needs_confinement):
    """SIGTERM to nox used to leave the refresh running; it rewrote outputs afterwards."""
    needs_confinement(confinement.PID)
    argument = processes.sleep_argument()
    parent, snippets = _start_refresh(tmp_path, argument, through_nox=True)
    parent.kill()  # nox dies at once and passes nothing on
    parent.communicate(timeout=30)  # its output ends when the checker has ended
    survivors = processes.left_running(argument)
    assert not survivors, f"outlived the stopped checker: {survivors}"
    assert not any(layout.output_path(s).exists() for s in snippets)
    leftovers = subprocess.run(["pgrep", "-f", str(snippets[0].parent)], capture_output=True, text=True).stdout
    assert not leftovers.strip(), f"still running: {leftovers}"
