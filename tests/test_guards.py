"""snipcheck/guards.py: what a snippet may not do. It cannot change the repository or reach the
network (however it tries), a logged warning fails like a Python warning, and an output that
cannot be recorded fails; a temporary folder is allowed. Every test runs real snippets; none can
pass without the protection it names."""

from __future__ import annotations

import shutil
import textwrap
import uuid
from pathlib import Path

import pytest

from snipcheck import cache as snipcache
from snipcheck import confinement, layout, outputs, run


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


@pytest.mark.selftest
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


@pytest.mark.selftest
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


@pytest.mark.selftest
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


@pytest.mark.selftest
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
