"""snipcheck/notebooks.py: notebook pages generated from percent-format snippets, under the
snippets' guards and confinement.

A raising cell fails generation naming the cell and keeps the old notebook; a clean source
generates a notebook with its hash and outputs; a notebook source obeys the snippet guards with
the same message; its kernel is confined like a snippet and leaves no process behind; a
Markdown-only edit patches the notebook without running it; a stored error output fails the
site build naming the cell. The content checks of the notebooks in docs/ are in
test_content_notebooks.py."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from snipcheck import confinement, layout, notebooks
from snipcheck.layout import ROOT

pytestmark = pytest.mark.selftest


RAISING_SOURCE = """\
# %% [markdown]
# # A notebook whose second code cell raises

# %%
print("first cell runs")

# %%
numbers = [1, 2, 3]
print(numbers[10])
"""


def generate_elsewhere(source, notebook) -> subprocess.CompletedProcess:
    """snipcheck.notebooks.generate in a child process: the kernel machinery (and the modules it
    imports) stays out of this process, whose forked children run the snippets."""
    code = (
        "import sys; from pathlib import Path; from snipcheck import notebooks\n"
        "try:\n    print(notebooks.generate(Path(sys.argv[1]), Path(sys.argv[2])))\n"
        "except notebooks.NotebookError as exc:\n    sys.exit(str(exc))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(source), str(notebook)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_raising_cell_fails_generation_naming_the_cell_and_keeps_the_old_notebook(tmp_path):
    source = tmp_path / "broken.py"
    source.write_text(RAISING_SOURCE, encoding="utf-8")
    notebook = tmp_path / "broken.ipynb"
    old = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("the old notebook")])
    nbformat.write(old, str(notebook))
    before = notebook.read_bytes()

    done = generate_elsewhere(source, notebook)
    assert done.returncode != 0, "generation passed although a cell raised"
    message = done.stderr
    assert "code cell 2" in message and "line 7" in message, message
    assert "numbers = [1, 2, 3]" in message and "IndexError" in message, message
    assert notebook.read_bytes() == before, "the old notebook was changed"
    assert {p.name for p in tmp_path.iterdir()} == {"broken.py", "broken.ipynb"}, (
        "a temporary file was left behind"
    )


def test_clean_source_generates_a_notebook_with_hash_and_outputs(tmp_path):
    """The same function writes a good notebook (so the test above fails for the right reason)."""
    source = tmp_path / "fine.py"
    source.write_text(RAISING_SOURCE.replace("numbers[10]", "numbers[1]"), encoding="utf-8")
    notebook = tmp_path / "fine.ipynb"
    done = generate_elsewhere(source, notebook)
    assert done.returncode == 0 and done.stdout.strip() == "updated", done.stderr[-2000:]
    assert notebooks.stored_hash(notebook) == notebooks.source_hash(source)
    assert notebooks.text_output(notebook) == "first cell runs\n2\n"


GUARDED_SOURCES = {
    "network": """\
# %%
import socket
print("before")

# %%
socket.create_connection(("192.0.2.1", 80), timeout=1)
""",
    "warned": """\
# %%
import warnings
warnings.warn("readers would see this", UserWarning)
print("after")
""",
    "logged": """\
# %%
import logging
logging.getLogger("lesson").warning("readers would see this log line")
print("after")
""",
}


@pytest.mark.parametrize("kind", sorted(GUARDED_SOURCES))
def test_a_notebook_source_obeys_the_snippet_guards_with_the_same_message(tmp_path, kind):
    """The kernel runs under the guards of every snippet: the message is the one the snippet
    check gives for the same file, line for line, but for where the line is."""
    from snipcheck import outputs, run

    source = tmp_path / f"{kind}.py"
    source.write_text(GUARDED_SOURCES[kind], encoding="utf-8")
    notebook = tmp_path / f"{kind}.ipynb"
    done = generate_elsewhere(source, notebook)
    assert done.returncode != 0 and not notebook.exists(), done.stdout
    as_snippet = outputs.check(run.run_many([source])[source])
    first, last = as_snippet.splitlines()[0], as_snippet.splitlines()[-1]
    assert first in done.stderr and last in done.stderr, f"{done.stderr}\n---\n{as_snippet}"
    assert {"network": "192.0.2.1", "warned": "readers would see this",
            "logged": "readers would see this log line"}[kind] in done.stderr


# What only the kernel's namespaces stop: a subprocess (no audit hook sees it) that writes to
# docs/ or connects to a server on 127.0.0.1, and a process that detaches from the kernel.
CONFINED_SOURCES = {
    "writes to docs/": ("""\
# %%
import subprocess
subprocess.run(["sh", "-c", "echo changed > {path}"], check=True)
print("wrote")
""", confinement.READ_ONLY, ["tried to change a file in the repository", "{path}", "Read-only file system",
                             "Write to a temporary folder"]),
    "connects to 127.0.0.1": ("""\
# %%
import subprocess, sys
subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', {port}), timeout=3)"],
               check=True)
print("connected")
""", confinement.NETWORK, ["tried to open a network connection", "127.0.0.1", "{port}", "Snippets run offline"]),
}


@pytest.mark.parametrize("kind", sorted(CONFINED_SOURCES))
def test_a_notebook_kernel_is_confined_like_a_snippet(tmp_path, kind, needs_confinement):
    """The kernel runs in the snippets' namespaces: the attempt fails, and generation fails
    naming the source file and the path or the address, with the snippet's message."""
    import socket
    import uuid

    code, what, expected = CONFINED_SOURCES[kind]
    needs_confinement(what)
    target = ROOT / "docs" / f"_kernel_probe_{uuid.uuid4().hex[:8]}.txt"
    with socket.create_server(("127.0.0.1", 0)) as server:  # a real server the kernel must not reach
        port = server.getsockname()[1]
        source = tmp_path / "confined.py"
        source.write_text(code.format(path=layout.rel(target), port=port), encoding="utf-8")
        notebook = tmp_path / "confined.ipynb"
        try:
            done = generate_elsewhere(source, notebook)
        finally:
            written = target.exists()
            target.unlink(missing_ok=True)
    assert not written, f"the kernel wrote {layout.rel(target)}"
    assert done.returncode != 0 and not notebook.exists(), done.stdout
    for fragment in [str(source), *(f.format(path=layout.rel(target), port=port) for f in expected)]:
        assert fragment in done.stderr, f"{fragment!r} missing from:\n{done.stderr}"


def test_no_process_a_notebook_kernel_started_survives(tmp_path, processes, needs_confinement):
    needs_confinement(confinement.PID)
    argument = processes.sleep_argument()
    source = tmp_path / "detaches.py"
    source.write_text(f"""\
# %%
import subprocess
subprocess.run(["sh", "-c", "setsid sleep {argument} >/dev/null 2>&1 &"], check=True)
print("the kernel ends; its sleep must end too")
""", encoding="utf-8")
    done = generate_elsewhere(source, tmp_path / "detaches.ipynb")
    assert done.returncode == 0, done.stderr[-2000:]
    survivors = processes.left_running(argument)
    assert not survivors, f"outlived the notebook kernel: {survivors}"


@pytest.mark.skipif(not layout.notebook_sources(), reason="no notebook source in this repository")
def test_a_markdown_only_edit_patches_the_notebook_without_running_it(tmp_path, monkeypatch):
    source, notebook = sorted(layout.notebook_sources().items())[0]
    copy_source, copy_notebook = tmp_path / source.name, tmp_path / notebook.name
    text = source.read_text(encoding="utf-8")
    marker = "# %% [markdown]\n"
    assert marker in text
    copy_source.write_text(text.replace(marker, marker + "# A sentence added by the test.\n#\n", 1), encoding="utf-8")
    copy_notebook.write_bytes(notebook.read_bytes())
    (tmp_path / source.with_suffix(".out").name).write_bytes(source.with_suffix(".out").read_bytes())

    def no_run(*args, **kwargs):
        raise AssertionError("the notebook was executed for a Markdown-only edit")

    monkeypatch.setattr(notebooks, "execute", no_run)
    assert notebooks.generate(copy_source, copy_notebook) == "patched"
    patched = json.loads(copy_notebook.read_text(encoding="utf-8"))
    assert "A sentence added by the test." in "".join(patched["cells"][0]["source"])
    assert notebooks.stored_hash(copy_notebook) == notebooks.source_hash(copy_source)
    before = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in patched["cells"] if c["cell_type"] == "code"]
    assert code == [c for c in before["cells"] if c["cell_type"] == "code"]  # outputs kept

    # a code edit is not patched: it runs
    copy_source.write_text(copy_source.read_text(encoding="utf-8") + "\nprint('one more line')\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="executed"):
        notebooks.generate(copy_source, copy_notebook)


@pytest.fixture
def docs_copy(site_copy):
    """docs/ copied and built with the project's mkdocs.yml; returns (docs, build)."""
    return site_copy.docs, site_copy.build


def test_stored_error_output_fails_the_build_naming_the_cell(docs_copy):
    docs, build = docs_copy
    path = docs / "training-weights" / "experiment.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    code[2]["outputs"].append(
        {"output_type": "error", "ename": "ValueError", "evalue": "broken on purpose", "traceback": []}
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    done = build()
    assert done.returncode != 0, "the build passed with an error output in the notebook"
    assert "docs/training-weights/experiment.ipynb: code cell 3" in done.stderr, done.stderr[-2000:]
    assert "ValueError: broken on purpose" in done.stderr


def test_the_unbroken_docs_copy_builds(docs_copy):
    _, build = docs_copy
    done = build()
    assert done.returncode == 0, done.stderr[-2000:]
