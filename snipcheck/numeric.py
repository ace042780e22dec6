"""One numeric path on every CPU: the same kernels run wherever a snippet runs.

TensorFlow, NumPy and OpenBLAS each pick their kernels by the CPU they find. TensorFlow
turns oneDNN on by itself on CPUs with AVX-512-class features, and oneDNN, OpenBLAS and
NumPy then choose code by instruction set. Different kernels round differently, and a
training run amplifies the difference: an output recorded on one CPU is not what another
CPU prints. So every run of the engine (the checker's children, notebook kernels, the
refresh, every nox session) uses ``PORTABLE``, set by ``apply`` before TensorFlow or NumPy
is imported:

* ``TF_ENABLE_ONEDNN_OPTS=0``: TensorFlow's own Eigen kernels, compiled for one instruction
  set, on every CPU. This is the one line a reader needs (``READER_LINE``);
* one thread for TensorFlow, OpenBLAS and OpenMP, as the checker's children always had;
* on x86-64, OpenBLAS's ``Sandybridge`` kernels (AVX, which TensorFlow requires anyway) and
  NumPy's baseline code only (no AVX2 or AVX-512 dispatch).

``OTHER_CPU`` is what the detector (``snipcheck.detector``) runs a second time: the settings
another CPU would bring, at instruction sets every x86-64 CPU that runs TensorFlow has. Only
the reader's line and the thread counts are kept, so a snippet passes only if a reader who
sets that one line on another CPU sees the recorded output.

One switch, the environment variable ``SNIPCHECK_NUMERIC``: unset (or ``portable``) applies
the settings; ``native`` applies none, to see what this CPU's own kernels print (the
refresh then checks but never writes, and the detector refuses CPU-fragile outputs). Only the
standard library is used.
"""

from __future__ import annotations

import os
import platform
import sys

SWITCH = "SNIPCHECK_NUMERIC"
X86 = platform.machine() in ("x86_64", "AMD64")
# TensorFlow's own kernels, not oneDNN's; and the one oneDNN matrix product that TensorFlow's
# own matrix multiplication still calls, capped at AVX (which TensorFlow requires anyway).
READER_LINE = {"TF_ENABLE_ONEDNN_OPTS": "0", **({"ONEDNN_MAX_CPU_ISA": "AVX"} if X86 else {})}
THREADS = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
X86_64 = {"OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"}
OTHER_CPU = {
    "TF_ENABLE_ONEDNN_OPTS": "1",  # what TensorFlow chooses on an AVX-512-class CPU...
    "ONEDNN_MAX_CPU_ISA": "SSE41",  # ...with oneDNN kernels of another instruction set
    "XLA_FLAGS": "--xla_cpu_max_isa=SSE4_2",  # code that XLA compiles (jit_compile=True)
    "OPENBLAS_CORETYPE": "Nehalem",  # OpenBLAS's SSE kernels
    "NPY_DISABLE_CPU_FEATURES": "",  # NumPy's dispatch as this CPU allows
}
# Libraries that read these settings once, when they are loaded.
READERS = ("tensorflow", "numpy", "scipy", "sklearn", "keras")


def native() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() == "native"


def portable() -> dict[str, str]:
    """The settings every run uses (empty when ``SNIPCHECK_NUMERIC=native``)."""
    if native():
        return {}
    return {**READER_LINE, **THREADS, **(X86_64 if X86 else {})}


def other_cpu() -> dict[str, str]:
    """The detector's second run: another CPU's settings, the reader's line and threads kept."""
    return {**OTHER_CPU, **({} if native() else {**READER_LINE, **THREADS})}


def label(settings: dict[str, str] | None = None) -> str:
    """The settings as one line (``recorded-with.json`` stores it; messages show it)."""
    settings = portable() if settings is None else settings
    return " ".join(f"{k}={v}" for k, v in sorted(settings.items())) or "the CPU's own kernels (native)"


def apply(settings: dict[str, str] | None = None) -> dict[str, str]:
    """Put ``settings`` (default: ``portable()``) into this process's environment, before
    TensorFlow or NumPy is imported. Raises RuntimeError when one of them was imported
    already under other settings, since they would be silently ignored."""
    settings = portable() if settings is None else settings
    changed = {k: v for k, v in settings.items() if os.environ.get(k) != v}
    late = [name for name in READERS if name in sys.modules]
    if changed and late:
        raise RuntimeError(
            f"snipcheck.numeric.apply() came after {', '.join(late)} was imported, so "
            f"{label(changed)} would not take effect. Call it before importing them.")
    os.environ.update(settings)
    return settings
