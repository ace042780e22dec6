"""The strict site build (mkdocs.yml and the hooks in hooks/): the mistakes a contributor can make
in a page or a snippet fail it with the file named and the fix. A missing snippet or section, a
broken link or anchor, a stale output, an output block without its recording, a bad figure line
or an unreadable output, a chart without alt text, a missing recorded run for the explorer. The
hooks add the version line to every output block, escape the page description, and never import
TensorFlow. Each runs on a pristine copy of the content (``site_copy``) or on a made-up topic."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from snipcheck import layout
from snipcheck.layout import RECORDED_WITH, ROOT
from snipcheck.site import load_hook

pytestmark = pytest.mark.selftest


LESSON = "training-weights/index.md"


SNIPPET = "snippets/training-weights/regression.py"


@pytest.fixture
def broken_copy(site_copy):
    """A copy of docs/ built with the project's own mkdocs.yml; returns (edit, build)."""
    return site_copy.edit_page, site_copy.build


def test_the_unbroken_copy_builds(broken_copy):
    _, build = broken_copy
    assert build().returncode == 0


def test_missing_snippet_fails_the_build_naming_the_file(broken_copy):
    edit, build = broken_copy
    edit(LESSON, "snippets/training-weights/regression.py\"", "snippets/training-weights/regresion.py\"")
    done = build()
    assert done.returncode != 0
    assert "training-weights/index.md" in done.stderr
    assert "snippets/training-weights/regresion.py" in done.stderr


def test_missing_snippet_section_fails_the_build(broken_copy):
    edit, build = broken_copy
    edit(LESSON, "classification.py:compile", "classification.py:compiler")
    done = build()
    assert done.returncode != 0
    assert "compiler" in done.stderr


def test_broken_link_fails_the_build_naming_page_and_target(broken_copy):
    edit, build = broken_copy
    edit("index.md", "(training-weights/index.md)", "(training-weights/lesson.md)")
    done = build()
    assert done.returncode != 0
    assert "index.md" in done.stderr and "training-weights/lesson.md" in done.stderr


def test_broken_anchor_fails_the_build(broken_copy):
    edit, build = broken_copy
    edit("index.md", "(training-weights/index.md)", "(training-weights/index.md#no-such-heading)")
    done = build()
    assert done.returncode != 0
    assert "no-such-heading" in done.stderr


def test_a_stale_output_fails_the_strict_build_naming_page_snippet_and_fix(site_copy):
    snippet = site_copy.folder / SNIPPET
    snippet.write_text(snippet.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = site_copy.build()
    assert done.returncode != 0
    assert f"docs/{LESSON} shows a stale output: {SNIPPET} changed since regression.out was recorded" in done.stderr
    assert f"Run: nox -s outputs -- {SNIPPET}" in done.stderr


# --------------------------------------------------------------------------- the version line (hooks/recorded_with.py)


recorded_with = load_hook("recorded_with")


def hook_config(base: Path) -> dict:
    return {
        "docs_dir": str(base / "docs"),
        "config_file_path": str(base / "mkdocs.yml"),
        "mdx_configs": {"pymdownx.snippets": {"base_path": [str(base)]}},
    }


@pytest.fixture
def topic(tmp_path):
    """A tiny repository: one page and one recorded snippet, with its recorded-with.json."""
    folder = tmp_path / "snippets" / "my-topic"
    folder.mkdir(parents=True)
    (folder / "first.py").write_text("# --8<-- [start:model]\nprint(1)\n# --8<-- [end:model]\n", encoding="utf-8")
    (folder / "first.out").write_text("1\n", encoding="utf-8")
    stamp = {"tensorflow": "2.21.0", "platform": "Linux x86_64",
             layout.NUMERIC_KEY: "ONEDNN_MAX_CPU_ISA=AVX OPENBLAS_NUM_THREADS=1 TF_ENABLE_ONEDNN_OPTS=0",
             layout.READER_KEY: "ONEDNN_MAX_CPU_ISA=AVX TF_ENABLE_ONEDNN_OPTS=0",
             layout.SOURCE_KEY: layout.source_digest(folder / "first.py")}
    (folder / RECORDED_WITH).write_text(json.dumps({"first.out": stamp}), encoding="utf-8")
    page = SimpleNamespace(file=SimpleNamespace(src_uri="my-topic/index.md"))

    def render(markdown: str) -> str:
        return recorded_with.on_page_markdown(textwrap.dedent(markdown), page, hook_config(tmp_path), None)

    return folder, render


def test_the_hook_adds_the_version_line_to_titled_indented_and_untitled_blocks(topic):
    _, render = topic
    shown = render('''\
        ```text title="Output"
        --8<-- "snippets/my-topic/first.out"
        ```

        === "Tab"

            ```text
            --8<-- "snippets/my-topic/first.out"
            ```
        ''')
    assert '```text title="Output · TensorFlow 2.21.0 · Linux x86_64 · oneDNN off"\n--8<--' in shown
    assert '    ```text title="Output · TensorFlow 2.21.0 · Linux x86_64 · oneDNN off"\n    --8<--' in shown
    # One note per page, at its end: what the outputs were recorded with and how to match them.
    assert shown.count("Why your numbers may differ") == 1
    note = shown[shown.index('<details class="info numbers-note"'):]
    assert "set `ONEDNN_MAX_CPU_ISA=AVX` and `TF_ENABLE_ONEDNN_OPTS=0` in the environment" in note
    assert "(../contributing.md#why-a-number-differs-on-my-machine)" in note
    assert note.rstrip().endswith("</details>")


def test_output_block_without_a_recording_fails_the_build(topic):
    from mkdocs.exceptions import PluginError

    folder, render = topic
    with pytest.raises(PluginError) as missing:
        render('```text title="Output"\n--8<-- "snippets/my-topic/frist.out"\n```\n')
    assert str(missing.value) == (  # a typo: no snippet of that name either
        "docs/my-topic/index.md shows snippets/my-topic/frist.out, which does not exist. "
        "Fix the path. Did you mean snippets/my-topic/first.out?"
    )
    (folder / "first.out").unlink()
    with pytest.raises(PluginError) as unrecorded:  # the snippet is there: record its output
        render('```text title="Output"\n--8<-- "snippets/my-topic/first.out"\n```\n')
    assert str(unrecorded.value) == (
        "docs/my-topic/index.md shows snippets/my-topic/first.out, which does not exist. "
        "Record it with: nox -s outputs -- snippets/my-topic/first.py"
    )
    (folder / "first.out").write_text("1\n", encoding="utf-8")
    (folder / RECORDED_WITH).write_text("{}", encoding="utf-8")
    with pytest.raises(PluginError) as no_entry:
        render('```text title="Output"\n--8<-- "snippets/my-topic/first.out"\n```\n')
    assert str(no_entry.value) == (
        "docs/my-topic/index.md shows snippets/my-topic/first.out, but "
        "snippets/my-topic/recorded-with.json has no entry for first.out, so the page cannot say "
        "which TensorFlow recorded it. Record it with: nox -s outputs -- snippets/my-topic/first.py"
    )


def test_missing_include_names_the_page_and_the_fix(topic):
    from mkdocs.exceptions import PluginError

    _, render = topic
    with pytest.raises(PluginError) as wrong_file:
        render('```python\n--8<-- "snippets/my-topic/frist.py"\n```\n')
    assert str(wrong_file.value) == (
        "docs/my-topic/index.md includes snippets/my-topic/frist.py, which does not exist. "
        "Did you mean snippets/my-topic/first.py?"
    )
    with pytest.raises(PluginError) as new_file:  # nothing close: create it
        render('```python\n--8<-- "snippets/my-topic/second_example.py"\n```\n')
    assert str(new_file.value) == (
        "docs/my-topic/index.md includes snippets/my-topic/second_example.py, which does not exist. "
        "Fix the path, or create the snippet with: nox -s new -- my-topic/second_example"
    )
    with pytest.raises(PluginError) as wrong_section:
        render('```python\n--8<-- "snippets/my-topic/first.py:modle"\n```\n')
    message = str(wrong_section.value)
    assert message.startswith("docs/my-topic/index.md includes the section 'modle' of "
                              "snippets/my-topic/first.py, which has no such section (it has: model).")
    assert "# --8<-- [start:modle]" in message
    assert render('```python\n--8<-- "snippets/my-topic/first.py:model"\n```\n')  # the right name builds


def test_the_docs_build_never_imports_tensorflow(tmp_path):
    """The build runs with TensorFlow and Keras made unimportable; any import attempt fails it."""
    script = textwrap.dedent(f"""\
        import sys
        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("tensorflow", "keras"):
                    raise ImportError("the docs build imported " + name)
        sys.meta_path.insert(0, Refuse())
        from mkdocs.__main__ import cli
        cli(["build", "--strict", "-d", {str(tmp_path / "site")!r}])
        """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          env=layout.preset_env())
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "training-weights" / "index.html").exists()


# --------------------------------------------------------------------------- figures (hooks/figures.py) and notebook pages


def test_an_unreadable_output_fails_the_build_naming_page_file_and_fix(tmp_path, monkeypatch):
    hook = load_hook("figures")
    broken = tmp_path / "snippets" / "topic" / "curve.out"
    broken.parent.mkdir(parents=True)
    broken.write_text("curve: w, loss\n  0.5  1.0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = {"mdx_configs": {"pymdownx.snippets": {"base_path": [str(tmp_path)]}}}
    with pytest.raises(PluginError) as error:
        hook.figure("loss-curve", "snippets/topic/curve.out", "docs/topic/index.md", config, 1)
    message = str(error.value)
    assert "docs/topic/index.md" in message and "snippets/topic/curve.out" in message
    assert "nox -s outputs -- snippets/topic/curve.py" in message
    with pytest.raises(PluginError, match="must name a recorded output"):
        hook.figure("loss-curve", "snippets/topic/missing.out", "docs/topic/index.md", config, 1)


def test_a_bad_figure_line_fails_the_build_naming_page_file_and_fix(tmp_path, monkeypatch):
    hook = load_hook("figures")
    run = tmp_path / "snippets" / "topic" / "runs.out"
    run.parent.mkdir(parents=True)
    run.write_text("# sgd learning_rate=0.1 batch_size=4 seed=0\n0 0.5 0.0 2.0\n1 0.6 0.1 1.0\n", encoding="utf-8")
    (tmp_path / "points.json").write_text('{"x": [1, 2, 3, 4]}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = {"mdx_configs": {"pymdownx.snippets": {"base_path": [str(tmp_path)]}},
              "docs_dir": str(tmp_path / "docs"), "config_file_path": str(tmp_path / "mkdocs.yml")}
    page = SimpleNamespace(file=SimpleNamespace(src_uri="topic/index.md"))
    runs = ":figure: explorer-runs snippets/topic/runs.out"
    for line, fix in [
        (":figure: loss-curve", ":figure: KIND snippets/<topic>/<name>.out"),
        (":figure: pie-chart snippets/topic/runs.out", "Use one of: loss-curve, epoch-loss, explorer-runs"),
        (runs, f"Write: {runs} data=PATH"),
        (":figure: epoch-loss snippets/topic/runs.out data=points.json", "Write: :figure: epoch-loss snippets/topic/runs.out"),
        (f"{runs} data=gone.json", "gone.json as data, which does not exist"),
    ]:
        with pytest.raises(PluginError) as error:
            hook.on_page_markdown(f"# Page\n\n{line}\n", page, config, None)
        assert "docs/topic/index.md" in str(error.value) and fix in str(error.value), str(error.value)
    # The data set, not the hook, says what a full batch is.
    drawn = hook.on_page_markdown(f"{runs} data=points.json\n", page, config, None)
    assert "full batch" in drawn and 'data-recorded="snippets/topic/runs.out"' in drawn
    (tmp_path / "points.json").write_text('{"x": [1, 2, 3, 4, 5, 6, 7, 8]}', encoding="utf-8")
    with pytest.raises(PluginError, match="no full-batch run"):
        hook.on_page_markdown(f"{runs} data=points.json\n", page, config, None)


def test_a_missing_recorded_run_fails_the_build_naming_the_file_and_the_fix(site_copy):
    site_copy.edit_page("training-weights/explorer.md", "explorer_keras.out data=", "explorer_gone.out data=")
    done = site_copy.build()
    assert done.returncode != 0
    assert "snippets/training-weights/explorer_gone.out is missing" in done.stderr
    assert "nox -s outputs -- snippets/training-weights/explorer_gone.py" in done.stderr


def test_a_chart_without_alt_text_fails_the_build_naming_the_fix(site_copy):
    notebook = next(site_copy.docs.rglob("*.ipynb"))
    data = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("image/png", None)
            output.get("metadata", {}).pop("alt", None)
    notebook.write_text(json.dumps(data), encoding="utf-8")
    done = site_copy.build()
    assert done.returncode != 0
    assert "have no alt text" in done.stderr and "nox -s outputs" in done.stderr, done.stderr[-2000:]


def test_the_description_escapes_quotes(site_copy):
    """Material writes page.meta.description raw; overrides/main.html escapes it."""
    index = site_copy.docs / "index.md"
    index.write_text('---\ndescription: A "quoted" word & an <angle>.\n---\n\n'
                     + index.read_text(encoding="utf-8"), encoding="utf-8")
    done = site_copy.build()
    assert done.returncode == 0, done.stderr[-3000:]
    text = (site_copy.site / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta name="description" content="([^"]*)">', text)
    assert meta and html.unescape(meta[1]) == 'A "quoted" word & an <angle>.'
