"""Hardening: a snippet cannot damage the repository, escape the guards, leave processes
behind (however they detach), or hide a wrong number; a page cannot hide one either; every run
says how it is confined, and CI fails without it. Every test starts real processes, runs the
real compare or reads a real page; none can pass without the protection it names."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from snipcheck import cache as snipcache
from snipcheck import compare, confinement, layout, outputs, run
from snipcheck.rules import pages, seeds

# --------------------------------------------------------------------------- the compare

RTOL, ATOL = 1e-3, 1e-6


@pytest.mark.parametrize(
    "recorded, printed",
    [
        ("[0.005 0.005 0.005 0.005 0.   ]", "[0.005 0.005 0.005 0.005 1.   ]"),  # sample_model.out
        ("lr 1e-03", "lr 2e-03"),
        ("lr 1.0e-03", "lr 1.1e-03"),
        ("w 0.5", "w 0.6"),
        ("[1. 2.]", "[2. 1.]"),
        ("samples 1797", "samples 1798"),
        ("steps 1000000000000", "steps 1000000000001"),  # integers are exact at any size
        ("count 3", "count 3.0"),  # an integer is not a float
    ],
    ids=["0. to 1.", "1e-03 to 2e-03", "1.0e-03 to 1.1e-03", "0.5 to 0.6", "swapped array",
         "1797 to 1798", "huge integer", "int vs float"],
)
def test_a_real_change_fails(recorded, printed):
    assert compare.same_output(recorded, printed, RTOL, ATOL) is False


@pytest.mark.parametrize(
    "recorded, printed",
    [("w 0.615", "w 0.616"), ("loss 1.8294", "loss 1.8296"), ("[ 0.62  -0.   ]", "[ 0.62   0.   ]"),
     ("samples 1797", "samples 1797")],
)
def test_a_rounding_flip_still_passes(recorded, printed):
    assert compare.same_output(recorded, printed, RTOL, ATOL) is True


def test_the_real_sample_model_output_fails_when_a_still_unit_moves():
    out = layout.SNIPPETS / "training-weights" / "sample_model.out"
    text = out.read_text(encoding="utf-8")
    assert "0.   ]" in text
    changed = text.replace("0.   ]", "1.   ]")
    message = compare.mismatch(out.with_suffix(".py"), changed)
    assert message and "output differs" in message and "+[0.005 0.005 0.005 0.005 1.   ]" in message


def test_hex_tokens_are_text_not_an_overflow():
    assert compare.same_output("id 0x7fb5c812e700", "id 0x7fb5c812e700", RTOL, ATOL)
    assert not compare.same_output("id 0x7fb5c812e700", "id 0x7fb5c812e900", RTOL, ATOL)
    assert not compare.same_output("812e700", "812e701", RTOL, ATOL)  # inf: compared as text
    problems = compare.unstable("<Dense at 0x7fb5c812e700>\n")
    assert len(problems) == 1 and "memory address (0x7fb5c812e700)" in problems[0]


def test_only_keras_progress_lines_have_their_times_masked():
    progress = "1/1 ━━━━━━━━━━━━━━━━━━━━ 0s 12ms/step - loss: 0.5000"
    assert compare.same_output(progress, progress.replace("0s 12ms", "1s 3ms"), RTOL, ATOL)
    assert compare.same_output("1/1 - 0s - 12ms/step", "1/1 - 1s - 3ms/step", RTOL, ATOL)
    assert not compare.same_output("fit took 0.417s", "fit took 0.512s", RTOL, ATOL)
    assert compare.unstable(progress) == []
    problems = compare.unstable("fit took 0.417s\n")
    assert len(problems) == 1 and "prints a time (0.417s), which changes on every run" in problems[0]


# --------------------------------------------------------------------------- the guards


NOWHERE = "192.0.2.1"  # TEST-NET-1: never routed, so a guard that fails cannot reach anyone


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def victim():
    """A scratch folder inside the repository, with a page and an output to attack."""
    folder = layout.ROOT / "tests" / f"_victim_{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "page.md").write_text("The true sentence.\n", encoding="utf-8")
    (folder / "other.out").write_text("recorded\n", encoding="utf-8")
    yield folder
    shutil.rmtree(folder)


ATTACKS = {
    "write another output": "Path({out!r}).write_text('hacked\\n')",
    "append to a page": "open({page!r}, 'a').write('A false sentence.\\n')",
    "delete a page": "os.remove({page!r})",
    "rename a page": "os.rename({page!r}, {page!r} + '.bak')",
    "write from C++": "import tensorflow as tf\ntf.io.write_file({page!r}, 'overwritten')",
    "write from a subprocess": "subprocess.run(['sh', '-c', 'echo false >> {page}'])",
}
KERNEL_ONLY = {"write from C++", "write from a subprocess"}


@pytest.fixture(scope="module")
def attack_results(victim, tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    snippets = {}
    for i, (name, line) in enumerate(ATTACKS.items()):
        code = "import os, subprocess\nfrom pathlib import Path\n" + line.format(
            out=str(victim / "other.out"), page=str(victim / "page.md")) + "\nprint('done')\n"
        snippets[name] = folder / f"attack_{i}.py"
        snippets[name].write_text(code, encoding="utf-8")
    snippets["temporary folder"] = write(folder, "tmp_ok.py", """\
        import shutil, tempfile
        from pathlib import Path
        with tempfile.TemporaryDirectory() as d:
            Path(d, "a.txt").write_text("kept")
            shutil.copy(Path(d, "a.txt"), Path(d, "b.txt"))
            print(Path(d, "b.txt").read_text())
        """)
    results = run.run_many(list(snippets.values()), jobs=2)
    return {name: results[path] for name, path in snippets.items()}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_snippet_cannot_change_the_repository(attack_results, victim, attack, needs_confinement):
    result = attack_results[attack]
    if attack in KERNEL_ONLY:
        needs_confinement(confinement.READ_ONLY)
    assert (victim / "page.md").read_text(encoding="utf-8") == "The true sentence.\n"
    assert (victim / "other.out").read_text(encoding="utf-8") == "recorded\n"
    assert not (victim / "page.md.bak").exists()
    assert result.status == "wrote", result.explain()
    message = outputs.check(result)
    assert layout.rel(result.snippet) in message
    assert "tried to change a file in the repository" in message
    assert layout.rel(victim) in message  # names the path
    assert "temporary folder" in message


def test_a_snippet_may_write_to_a_temporary_folder(attack_results):
    result = attack_results["temporary folder"]
    assert result.ok, result.explain()
    assert result.stdout == "kept\n"


NETWORK = {
    "DNS lookup": "import socket\nsocket.gethostbyname('example.com')",
    "raw _socket connect": f"import _socket\ns = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)\n"
                           f"s.settimeout(3)\ns.connect(('{NOWHERE}', 80))",
    "subprocess connects": "import subprocess, sys\nsubprocess.run([sys.executable, '-c', "
                           f"\"import socket; socket.create_connection(('{NOWHERE}', 80), timeout=3)\"], check=True)",
    "UDP sendmsg": f"import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                   f"s.sendmsg([b'x'], [], 0, ('{NOWHERE}', 53))",
    "reloaded socket": f"import importlib, socket\nimportlib.reload(socket)\n"
                       f"s = socket.socket()\ns.settimeout(3)\ns.connect(('{NOWHERE}', 80))",
}


@pytest.fixture(scope="module")
def network_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("network")
    snippets = {}
    for i, (name, code) in enumerate(NETWORK.items()):
        snippets[name] = folder / f"net_{i}.py"
        snippets[name].write_text(code + "\nprint('reached')\n", encoding="utf-8")
    results = run.run_many(list(snippets.values()), jobs=2)
    return {name: results[path] for name, path in snippets.items()}


@pytest.mark.parametrize("attempt", sorted(NETWORK))
def test_every_network_attempt_fails_naming_the_snippet(network_results, attempt, needs_confinement):
    result = network_results[attempt]
    if attempt == "subprocess connects":
        needs_confinement(confinement.NETWORK)
    assert result.status == "network", result.explain()
    message = outputs.check(result)
    assert layout.rel(result.snippet) in message
    assert "tried to open a network connection" in message and "Snippets run offline" in message


def test_the_kernel_confines_children_where_it_can(network_results, needs_confinement):
    """Here (Linux as root or with user namespaces) every namespace is applied."""
    for what in confinement.EVERYTHING:
        needs_confinement(what)
    assert network_results["DNS lookup"].confined == confinement.EVERYTHING


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


# --------------------------------------------------------------------------- confinement you can see

# A machine whose kernel refuses unshare(2), as some CI containers do, simulated in the child
# that probes it (snipcheck.confinement.probe forks from this interpreter).
REFUSED = """\
import sys
import snipcheck.confinement as c
def refuse(flags):
    c.refusal = "unshare: Operation not permitted (simulated)"
    return False
c._unshare = refuse
"""
ENTRIES = {
    "the suite": "import pytest\nsys.exit(pytest.main(['-p', 'no:cacheprovider', 'tests/test_architecture.py']))\n",
    "the checker": "from snipcheck.__main__ import main\nsys.exit(main(['check', sys.argv[1]]))\n",
}


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_ci_fails_without_confinement_naming_it_and_the_setting_that_allows_it(tmp_path, entry):
    snippet = write(tmp_path, "hello.py", "print('hello')\n")
    (tmp_path / "hello.out").write_text("hello\n", encoding="utf-8")
    env = {**os.environ, "CI": "true", "SNIPCHECK_CACHE": "off"}
    env.pop(confinement.ALLOW, None)
    command = [sys.executable, "-c", REFUSED + ENTRIES[entry], str(snippet)]
    done = subprocess.run(command, cwd=layout.ROOT, env=env, capture_output=True, text=True, timeout=300)
    text = done.stdout + done.stderr
    assert done.returncode != 0, text
    for fragment in ["confinement: audit hooks only", "Operation not permitted (simulated)", "network namespace",
                     "read-only repository", "PID namespace", f'{confinement.ALLOW}="', "CONTRIBUTING.md"]:
        assert fragment in text, f"{fragment!r} missing from:\n{text}"

    allowed = subprocess.run(command, cwd=layout.ROOT, env={**env, confinement.ALLOW: "this container refuses unshare"},
                             capture_output=True, text=True, timeout=300)
    text = allowed.stdout + allowed.stderr
    assert allowed.returncode == 0, text
    assert f"allowed by {confinement.ALLOW}: this container refuses unshare" in text, text

    vague = subprocess.run(command, cwd=layout.ROOT, env={**env, confinement.ALLOW: "1"},
                           capture_output=True, text=True, timeout=300)
    assert vague.returncode != 0 and "gives no reason" in vague.stdout + vague.stderr


def test_each_run_prints_its_confinement(tmp_path):
    snippet = write(tmp_path, "hello.py", "print('hello')\n")
    done = subprocess.run([sys.executable, "-m", "snipcheck", "refresh", "--no-cache", str(snippet)],
                          cwd=layout.ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    line = done.stdout.splitlines()[0]
    assert line == confinement.describe(), done.stdout
    if sys.platform.startswith("linux") and os.geteuid() == 0:  # this machine, and CI, as root
        assert line == "confinement: network namespace, read-only repository, PID namespace, audit hooks"


@pytest.mark.parametrize("args, code", [(["--help"], 0), (["-h"], 0), ([], 2), (["nonsense"], 2)])
def test_the_command_line_help(args, code):
    done = subprocess.run([sys.executable, "-m", "snipcheck", *args], cwd=layout.ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == code, done.stdout + done.stderr
    assert "python -m snipcheck check" in (done.stdout if code == 0 else done.stderr)


# --------------------------------------------------------------------------- warnings and outputs


MISC_SNIPPETS = {
    "logging": "import logging\nlogging.getLogger('keras').warning('odd input')\nprint('x')\n",
    "absl": "from absl import logging\nlogging.warning('absl says so')\nprint('x')\n",
    "retracing": textwrap.dedent("""\
        import tensorflow as tf
        @tf.function
        def double(x):
            return x * 2
        for i in range(8):
            double(i)
        print("x")
        """),
    "empty": "import sys\nprint('only stderr', file=sys.stderr)\n",
    "not utf-8": "import sys\nsys.stdout.flush()\nsys.stdout.buffer.write(b'caf\\xe9\\n')\n",
    "oversized": "print('x' * 70_000)\n",
}


@pytest.fixture(scope="module")
def misc_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("misc")
    snippets = {name: write(folder, name.replace(" ", "_").replace("-", "") + ".py", text)
                for name, text in MISC_SNIPPETS.items()}
    results = run.run_many(list(snippets.values()), jobs=2)
    return {name: results[path] for name, path in snippets.items()}


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("logging", ["logged a warning", "WARNING keras: odd input", "line 2"]),
        ("absl", ["logged a warning", "WARNING absl: absl says so"]),
        ("retracing", ["logged a warning", "WARNING tensorflow", "retracing"]),
    ],
)
def test_a_logged_warning_fails_like_a_python_warning(misc_results, kind, expected):
    result = misc_results[kind]
    assert result.status == "logged", result.explain()
    message = outputs.check(result)
    for fragment in [*expected, "Change the call"]:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("empty", ["printed nothing to stdout", "stderr is not recorded", "print(...)"]),
        ("not utf-8", ["not UTF-8", "at byte 3", ".decode('utf-8')"]),
        ("oversized", ["70,001 bytes", "the limit is 64 KB", "Print a summary"]),
    ],
)
def test_an_output_that_cannot_be_recorded_fails(misc_results, kind, expected, tmp_path):
    result = misc_results[kind]
    assert result.status == "output", result.explain()
    message = outputs.check(result)
    for fragment in [*expected, "cannot be recorded", layout.rel(result.snippet)]:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    assert len(result.stdout) <= run.MAX_OUTPUT + 1
    cache = snipcache.Cache(tmp_path / "cache")
    cache.put(result)
    assert not cache.folder.exists()  # never stored


# --------------------------------------------------------------------------- refresh runs twice


def test_refresh_refuses_an_output_that_differs_between_two_runs(tmp_path):
    snippet = write(tmp_path, "unseeded.py", "import numpy as np\nprint(np.random.rand(3))\n")
    lines = []
    assert outputs.refresh([snippet], echo=lines.append) == 1
    text = "\n".join(lines)
    assert "unseeded.py printed different output on two runs in a row" in text
    assert "(first run)" in text and "(second run)" in text and "set_random_seed" in text
    assert not layout.output_path(snippet).exists()


def test_refresh_refuses_a_printed_time(tmp_path):
    snippet = write(tmp_path, "timed.py", "print('fit took 0.417s')\n")
    lines = []
    assert outputs.refresh([snippet], echo=lines.append) == 1
    assert "prints a time (0.417s), which changes on every run" in "\n".join(lines)
    assert not layout.output_path(snippet).exists()


def test_no_cache_flag_is_accepted(tmp_path):
    snippet = write(tmp_path, "hello.py", "print('hello')\n")
    done = subprocess.run([sys.executable, "-m", "snipcheck", "refresh", "--no-cache", str(snippet)],
                          cwd=layout.ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert layout.output_path(snippet).read_text() == "hello\n"
    assert "oneDNN" not in done.stdout + done.stderr  # TensorFlow's C++ start-up lines are silenced
    assert "absl::InitializeLog" not in done.stdout + done.stderr


# --------------------------------------------------------------------------- the cache


@pytest.fixture
def topic():
    folder = layout.ROOT / "tests" / f"_cache_topic_{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder)


def executed(snippet, cache):
    result = snipcache.run_checked([snippet], cache=cache)[snippet]
    assert result.ok, result.explain()
    return not result.cached


def test_a_hand_written_cache_entry_is_not_trusted(topic, tmp_path):
    snippet = write(topic, "raises.py", "raise RuntimeError('broken')\n")
    good = write(topic, "good.py", "print('good')\n")
    cache = snipcache.Cache(tmp_path / "cache")
    assert executed(good, cache) and not executed(good, cache)
    entry = json.loads(cache._file(good).read_text())
    forged = {**entry, "name": layout.rel(snippet),
              "value": {**entry["value"], "source": snipcache._digest(snippet), "stdout": "fine\n"}}
    cache._file(snippet).write_text(json.dumps(forged))
    result = snipcache.run_checked([snippet], cache=cache)[snippet]
    assert not result.cached and result.status == "raised"
    edited = {**entry, "value": {**entry["value"], "stdout": "edited\n"}}
    cache._file(good).write_text(json.dumps(edited))
    assert executed(good, cache)


@pytest.mark.parametrize("how", ["new file in a listed folder", "data read from C++"])
def test_a_change_the_audit_cannot_see_runs_the_snippet_again(topic, tmp_path, how):
    (topic / "data").mkdir()
    (topic / "data" / "a.txt").write_text("1")
    if how == "new file in a listed folder":
        code = "import os\nprint(sorted(os.listdir(os.path.join(os.path.dirname(__file__), 'data'))))\n"
    else:
        code = ("import os\nimport tensorflow as tf\n"
                "print(tf.io.read_file(os.path.join(os.path.dirname(__file__), 'data', 'a.txt')).numpy())\n")
    snippet = write(topic, "reads.py", code)
    cache = snipcache.Cache(tmp_path / "cache")
    assert executed(snippet, cache) and not executed(snippet, cache)
    if how == "new file in a listed folder":
        (topic / "data" / "b.txt").write_text("2")
    else:
        (topic / "data" / "a.txt").write_text("2")
    assert executed(snippet, cache)


def test_test_only_tools_do_not_change_the_fingerprint(monkeypatch):
    """``nox -s outputs`` and ``nox -s tests`` install different tools beside the same
    snippet packages; only the packages a snippet can import count."""
    from importlib import metadata

    before = snipcache.environment_fingerprint()
    names = snipcache.output_distributions()
    assert any(n.startswith("tensorflow-cpu==") for n in names) and any(n.startswith("numpy==") for n in names)
    assert not any(n.startswith(("pytest==", "playwright==", "mkdocs==")) for n in names)

    class Dist:
        metadata = {"Name": "pytest"}
        version = "0.0.0-other"
        requires = None

    real = metadata.distributions
    monkeypatch.setattr(metadata, "distributions", lambda: [*real(), Dist()])
    assert snipcache.environment_fingerprint() == before


# --------------------------------------------------------------------------- the seed rule


@pytest.mark.parametrize(
    "code, seeded",
    [
        ("import keras\nkeras.utils.set_random_seed(0)\n", True),
        ("import tensorflow as tf\ntf.keras.utils.set_random_seed(0)\n", True),
        ("from keras.utils import set_random_seed\nset_random_seed(0)\n", True),
        ("import keras\n# keras.utils.set_random_seed(0)\n", False),  # a comment is not a call
        ("import keras\nnote = 'keras.utils.set_random_seed(0)'\n", False),  # nor a string
        ("import keras\ndef later():\n    keras.utils.set_random_seed(0)\n", False),  # never called
        ("from tensorflow import keras\nprint(1)\n", False),
        ("import numpy as np\nprint(np.zeros(2))\n", True),  # NumPy only: the two-run rule covers it
    ],
    ids=["keras", "tf.keras", "imported name", "comment", "string", "inside a function", "from-import",
         "numpy only"],
)
def test_the_seed_rule_reads_the_code(tmp_path, code, seeded):
    snippet = write(tmp_path, "s.py", code)
    problems = seeds.seed_problems(snippet)
    assert (not problems) is seeded, problems
    if problems:
        assert "s.py uses Keras but never calls keras.utils.set_random_seed(...)" in problems[0]


# --------------------------------------------------------------------------- raw HTML on pages

RAW = {
    "script in a quiz legend": '<fieldset class="quiz" id="q-x">\n<legend markdown>Q? <script>alert(1)</script></legend>\n</fieldset>\n',
    "onload on an image": 'Text.\n\n<img src="x.png" alt="x" onload="alert(1)">\n',
    "onerror, spaced": 'Text.\n\n<img src=x alt=x ONERROR = "alert(1)">\n',
    "javascript: HTML link": '<a href="javascript:alert(1)">click</a>\n',
    "javascript: Markdown link": "[click](javascript:alert(1))\n",
    "javascript: spaced and cased": '<a href=" JavaScript:alert(1)">click</a>\n',
}


# Marks the number check trusts, typed by hand: each would hide 0.123 from the prose check.
HIDDEN = {
    "data-recorded on a span": "Loss is <span data-recorded>0.123</span> now.\n",
    "data-recorded with a value": '<div data-recorded="snippets/x/y.out">0.123</div>\n',
    "data-recorded in Markdown attributes": "The loss is 0.123.\n{ data-recorded }\n",
    "a learning-path nav": '<nav class="learning-path">0.123</nav>\n',
    "a highlight div": '<div class="admonition highlight">0.123</div>\n',
    "a class in Markdown attributes": "The loss is 0.123.\n{: .next-step }\n",
    "an svg": "<svg><text>0.123</text></svg>\n",
}


# What each kind of bad HTML is told, at the line where it sits.
REFUSED = {**{name: ("Pages hold text, not code that runs", code) for name, code in RAW.items()},
           **{name: ("Only the site's hooks mark what they draw from a recorded output", code)
              for name, code in HIDDEN.items()}}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_raw_html_that_runs_or_a_hook_mark_fails_naming_the_page(tmp_path, name):
    fix, code = REFUSED[name]
    page = write(tmp_path, "page.md", "# Title\n\n" + code)
    problems = pages.raw_html_problems(page)
    assert problems, name
    lines = [int(line) for line in re.findall(rf"{re.escape(str(page))}:(\d+):", "\n".join(problems))]
    assert all(fix in p for p in problems) and len(lines) == len(problems), problems
    assert all(code.splitlines()[n - 3].strip() for n in lines), (lines, code)  # each names a line of the code


def test_the_marks_refused_are_the_ones_the_number_check_trusts():
    from snipcheck.rules import prose

    for mark in pages.HOOK_MARKS:
        assert mark in prose.TRUSTED
    html = "<article><p>Typed 0.5.</p>" + "".join(
        f'<div class="{c}">0.7</div>' for c in pages.HOOK_CLASSES) + "<div data-recorded>0.9</div></article>"
    problems = prose.page_number_problems("page", html)  # only the typed number: the rest is trusted
    assert len(problems) == 1 and "the prose types 0.5," in problems[0], problems


def test_code_about_html_is_not_raw_html(tmp_path):
    page = write(tmp_path, "page.md", "Use `<script>` tags? No.\n\n```html\n<script>alert(1)</script>\n```\n"
                 "Hooks add `data-recorded` and `{ .highlight }`; we highlight the step. { .correct }\n")
    assert pages.raw_html_problems(page) == []


@pytest.mark.parametrize("page", [*layout.pages(), layout.ROOT / "CONTRIBUTING.md"], ids=layout.rel)
def test_no_page_holds_raw_html_that_runs(page):
    problems = pages.raw_html_problems(page)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- Content Security Policy

PROBE = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"""


def violations(browser, url: str) -> tuple[list[str], list[str]]:
    from snipcheck.site import watched_page

    with watched_page(browser, url) as (page, errors, foreign):
        page.add_init_script(PROBE)
        page.reload(wait_until="networkidle")
        page.wait_for_timeout(200)
        found = page.evaluate("window.__violations")
        ran = page.evaluate("window.__ran || false")
    return found + [e for e in errors if "Content Security Policy" in e], ([f"ran: {ran}"] if ran else [])


@pytest.mark.browser
def test_every_page_sends_a_policy_and_reports_no_violation(built_site, site_url, browser):
    from snipcheck import site

    failures = []
    for path in site.pages(built_site):
        html = (built_site / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
        head = html[html.index("<head"):][:400]
        assert '<meta http-equiv="Content-Security-Policy"' in head, f"{path}: no policy at the top of <head>"
        assert "script-src 'self' 'sha256-" in html and "'unsafe-inline'" not in html.split("script-src")[1].split(";")[0]
        found, _ = violations(browser, site_url + path)
        failures += [f"{path}: {v}" for v in found]
    assert not failures, "\n".join(failures)


@pytest.mark.browser
def test_the_policy_blocks_a_script_that_slipped_into_a_page(site_copy, browser):
    from snipcheck import site

    site_copy.edit_page("index.md", "\n", '\n\n<div markdown>Hello <script>window.__ran = true</script></div>\n\n')
    done = site_copy.build()
    assert done.returncode == 0, done.stderr[-3000:]
    with site.serve(site_copy.site) as url:
        found, ran = violations(browser, url + "/")
    assert not ran, "the injected script ran"
    assert any("script-src" in v for v in found), found


# --------------------------------------------------------------------------- quiz.js and saved data

CORRUPT = {
    "invalid JSON": "{not json",
    "an array": "[1, 2]",
    "fractional": '{"%s": 0.5}',
    "negative": '{"%s": -1}',
    "too large": '{"%s": 99}',
    "unknown ids": '{"q-no-such-question": 1}',
    "__proto__": '{"__proto__": {"polluted": 1}, "%s": "1"}',
    "a string": '"hello"',
    "null": "null",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_quiz_survives_corrupt_saved_progress(browser, site_url, name):
    from snipcheck.site import watched_page

    url = site_url + "/training-weights/quiz/"
    with watched_page(browser, url, viewport={"width": 1280, "height": 900}) as (page, errors, foreign):
        first = page.locator("fieldset.quiz").first
        qid = first.get_attribute("id")
        value = CORRUPT[name] % qid if "%s" in CORRUPT[name] else CORRUPT[name]
        key = page.evaluate("'quiz-progress:' + location.pathname")
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, value])
        page.reload(wait_until="networkidle")
        assert page.locator(".quiz-score__text").count() == 1, "the score bar is missing"
        assert page.get_by_role("button", name="Reset quiz").count() == 1
        first = page.locator("fieldset.quiz").first
        assert page.locator("fieldset.quiz input:checked").count() == 0
        first.get_by_role("radio").nth(1).check()
        assert "1 answered" in page.locator(".quiz-score__text").inner_text()
        saved = json.loads(page.evaluate("k => localStorage.getItem(k)", key))
        assert saved == {qid: 1}, saved  # the new answer is saved, and only real answers are kept
        assert page.evaluate("({}).polluted === undefined")
        page.reload(wait_until="networkidle")
        assert page.locator("fieldset.quiz").first.get_by_role("radio").nth(1).is_checked()
    assert not errors, errors


def test_without_the_kernel_the_python_guard_still_refuses(victim, tmp_path, monkeypatch):
    """Where the kernel refuses namespaces (some CI containers), the audit hooks alone refuse
    a Python write and a Python connection, with the same messages."""
    monkeypatch.setattr(run, "confine", lambda root=layout.ROOT: [])
    writer = write(tmp_path, "writes.py", f"open({str(victim / 'page.md')!r}, 'w').write('x')\n")
    caller = write(tmp_path, "calls.py", f"import socket\nsocket.create_connection(('{NOWHERE}', 80), timeout=3)\n")
    results = run.run_many([writer, caller], jobs=2)
    assert results[writer].confined == [] and results[writer].status == "wrote"
    assert f"open {layout.rel(victim / 'page.md')} at" in results[writer].detail
    assert (victim / "page.md").read_text(encoding="utf-8") == "The true sentence.\n"
    assert results[caller].status == "network", results[caller].explain()


def test_a_requirement_for_another_platform_does_not_count():
    """colorama (required by some packages on Windows only) is installed in the tests
    environment for other reasons; counting it made the two fingerprints differ."""
    if sys.platform == "win32":
        pytest.skip("the marker holds on Windows")
    assert not snipcache._applies('colorama; sys_platform == "win32"')
    assert not snipcache._applies('pytest; extra == "test"')
    assert snipcache._applies("numpy>=1.26")
    assert snipcache._applies('typing-extensions; python_version >= "3.8"')
