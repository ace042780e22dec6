"""snipcheck/__main__.py: the command line. ``--help`` exits 0, a wrong command exits 2, and
``refresh --no-cache`` records an output without TensorFlow's start-up lines."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snipcheck import layout


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.mark.parametrize("args, code", [(["--help"], 0), (["-h"], 0), ([], 2), (["nonsense"], 2)])
def test_the_command_line_help(args, code):
    done = subprocess.run([sys.executable, "-m", "snipcheck", *args], cwd=layout.ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == code, done.stdout + done.stderr
    assert "python -m snipcheck check" in (done.stdout if code == 0 else done.stderr)


@pytest.mark.selftest
def test_no_cache_flag_is_accepted(tmp_path):
    snippet = write(tmp_path, "hello.py", "print('hello')\n")
    done = subprocess.run([sys.executable, "-m", "snipcheck", "refresh", "--no-cache", str(snippet)],
                          cwd=layout.ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert layout.output_path(snippet).read_text() == "hello\n"
    assert "oneDNN" not in done.stdout + done.stderr  # TensorFlow's C++ start-up lines are silenced
    assert "absl::InitializeLog" not in done.stdout + done.stderr
