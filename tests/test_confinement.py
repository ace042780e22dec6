"""snipcheck/confinement.py: every run prints the confinement it got, and in CI a missing one fails
the run naming it and the one setting that allows it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snipcheck import confinement, layout

pytestmark = pytest.mark.selftest


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


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
