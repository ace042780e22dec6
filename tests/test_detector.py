"""snipcheck/detector.py: the refresh refuses an output that another CPU prints differently, and,
with the portable settings removed, ``claim_capacity.py``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snipcheck import layout, numeric, outputs


CAPACITY = layout.SNIPPETS / "training-weights" / "claim_capacity.py"


@pytest.mark.selftest
def test_an_output_that_depends_on_the_cpu_is_refused(tmp_path):
    """OpenBLAS picks its kernels by CPU: a snippet that prints which one it got prints
    something another CPU does not. The refresh refuses it and writes nothing."""
    snippet = write(tmp_path, "kernels.py", """\
        import numpy as np
        from threadpoolctl import threadpool_info

        print(sorted({i.get("architecture") for i in threadpool_info() if i.get("architecture")}))
        """)
    lines: list[str] = []
    assert outputs.refresh([snippet], echo=lines.append) == 1
    text = "\n".join(lines)
    assert "kernels.py prints a different output on another CPU" in text, text
    assert "OPENBLAS_CORETYPE=Sandybridge" in text and "OPENBLAS_CORETYPE=Nehalem" in text
    assert "(this CPU)" in text and "(other CPU)" in text and "-['Sandybridge']" in text
    assert "Print fewer digits" in text and "nox -s outputs -- " in text
    assert "two runs in a row" not in text  # it is not randomness: a third run agreed
    assert not layout.output_path(snippet).exists()


@pytest.mark.selftest
def test_without_the_portable_settings_the_refresh_refuses_claim_capacity(tmp_path):
    """The proof that the detector would have caught what reached main: with the portable
    settings removed (SNIPCHECK_NUMERIC=native), claim_capacity.py's scores change when it runs
    as another CPU, and the refresh refuses it, naming the settings and showing the diff."""
    copy = tmp_path / CAPACITY.name
    shutil.copy(CAPACITY, copy)
    shutil.copy(layout.output_path(CAPACITY), layout.output_path(copy))
    recorded = layout.output_path(copy).read_text()
    env = {**os.environ, numeric.SWITCH: "native"}
    for name in numeric.portable():
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "snipcheck", "refresh", "--no-cache", str(copy)],
                          cwd=layout.ROOT, env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "claim_capacity.py prints a different output on another CPU" in out, out
    assert "ONEDNN_MAX_CPU_ISA=SSE41" in out and "TF_ENABLE_ONEDNN_OPTS=1" in out
    assert "+2 hidden layers of 256" in out and "-2 hidden layers of 256" in out
    assert "no output or notebook is written" in out
    assert layout.output_path(copy).read_text() == recorded


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path
