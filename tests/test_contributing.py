"""The contributor's side: the guide, the version line on outputs, the workflows, the messages.

* CONTRIBUTING.md is the guide's single source; the site's Contribute page shows it with its
  example lines literal, and every command, file and test it names exists.
* Every output block on the site names the TensorFlow and platform that recorded it, from
  snippets/<topic>/recorded-with.json, which has an entry for every output and no other.
  The docs build never imports TensorFlow.
* The workflow files pass two linters from PyPI (check-jsonschema with GitHub's workflow
  schema, zizmor for unsafe patterns); a broken workflow fails them. CI runs the README's test
  command read-only; the deploy workflow builds with exactly `nox -s docs`, and only CI calls
  it, after the tests passed on the same commit.
* Each mistake a contributor can make gives a message naming the file and the fix. The ones
  not already proved in test_harness, test_build, test_quiz and test_pages are proved here,
  by calling the project's own checks on a broken copy in a temporary folder.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bs4 import BeautifulSoup

from snipcheck import layout, numeric, outputs, rules
from snipcheck.layout import RECORDED_WITH, ROOT
from snipcheck.site import load_hook

GUIDE = ROOT / "CONTRIBUTING.md"
GUIDE_PAGE = ROOT / "docs" / "contributing.md"
WORKFLOWS = ROOT / ".github" / "workflows"


recorded_with = load_hook("recorded_with")


# --------------------------------------------------------------------------- the guide


def test_the_site_page_includes_the_guide_and_the_nav_lists_it_after_the_topics():
    assert '--8<-- "CONTRIBUTING.md"' in GUIDE_PAGE.read_text(encoding="utf-8")
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["nav"]
    titles = [next(iter(item)) for item in nav]
    assert titles[-1] == "Contribute" and nav[-1]["Contribute"] == "contributing.md", titles


def test_the_guide_types_no_python():
    problems = [
        f"CONTRIBUTING.md:{lineno}: a ```{language} block; the guide shows commands, Markdown and "
        f"YAML only ({', '.join(sorted(rules.FREE))}). Point to a snippet under snippets/ instead."
        for lineno, language, _ in rules.blocks(GUIDE)
        if language not in rules.FREE
    ]
    assert not problems, "\n".join(problems)


def test_the_site_shows_the_guides_examples_literally(built_site):
    html = (built_site / "contributing" / "index.html").read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article")
    text = article.get_text()
    assert '--8<-- "snippets/my-topic/one_step.py"' in text
    assert '--8<-- "snippets/my-topic/one_step.py:compile"' in text
    assert "# --8<-- [start:compile]" in text and "# --8<-- [end:compile]" in text
    assert ";--8<--" not in text, "an escape character leaked into the Contribute page"
    assert article.find("h1").get_text(strip=True).startswith("Contribute")


def test_every_command_file_and_test_the_guide_names_exists():
    guide = GUIDE.read_text(encoding="utf-8")
    sessions = set(re.findall(r"^def (\w+)\(session", (ROOT / "noxfile.py").read_text(encoding="utf-8"), re.M))
    named = set(re.findall(r"nox -s (\w+)", guide))
    assert named <= sessions, f"CONTRIBUTING.md names nox sessions that do not exist: {named - sessions}"
    for path in set(re.findall(r"`((?:tests|hooks|docs|snippets|\.github)/[\w./-]+\.(?:py|md|yml))`", guide)):
        if "my-topic" in path:  # the guide's example topic
            continue
        assert (ROOT / path).exists(), f"CONTRIBUTING.md names {path}, which does not exist"
    for file, test in set(re.findall(r"(test_\w+\.py)::(test_\w+)", guide)):
        source = (ROOT / "tests" / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {test}\(", source, re.M), f"CONTRIBUTING.md names {file}::{test}, which does not exist"


# --------------------------------------------------------------------------- version line


def installed_tensorflow() -> str:
    for name in ("tensorflow", "tensorflow-cpu"):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    pytest.fail("TensorFlow is not installed in the test environment", pytrace=False)


def test_every_output_has_an_entry_and_every_entry_an_output():
    problems = rules.recorded_with_problems()
    assert not problems, "\n".join(problems)


def test_entry_for_a_missing_output_is_reported(tmp_path):
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "kept.py").write_text("print(1)\n", encoding="utf-8")
    (folder / "kept.out").write_text("1\n", encoding="utf-8")
    (folder / "new.out").write_text("2\n", encoding="utf-8")
    stamp = outputs.versions()
    (folder / RECORDED_WITH).write_text(json.dumps({"kept.out": stamp, "gone.out": stamp}), encoding="utf-8")
    problems = rules.recorded_with_problems(tmp_path)
    assert len(problems) == 2, problems
    assert "has an entry for gone.out" in problems[1] and str(folder / "gone.out") in problems[1]
    assert f"Run: nox -s outputs -- {folder}" in problems[1]
    assert "new.out has no entry in" in problems[0] and "nox -s outputs --" in problems[0]


def test_a_deleted_output_gets_one_fix(tmp_path):
    """The snippet is there, its .out was deleted: record it again (which also renews the
    entry); no second message asks to delete the entry by hand."""
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "kept.py").write_text("print(1)\n", encoding="utf-8")
    (folder / RECORDED_WITH).write_text(json.dumps({"kept.out": outputs.versions()}), encoding="utf-8")
    problems = rules.recorded_with_problems(tmp_path) + rules.missing_outputs(tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].endswith(f"Record it with: nox -s outputs -- {folder / 'kept.py'}")


def output_titles(html: Path) -> list[str]:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    return [t.get_text() for t in soup.select("article .filename")]


@pytest.mark.parametrize(
    "page", [p for p in sorted(layout.DOCS.rglob("*.md")) if rules.included_outputs(p)], ids=layout.rel
)
def test_output_blocks_name_the_installed_tensorflow_and_platform(page, built_site):
    html = layout.built_page(built_site, page)
    titles = output_titles(html)
    tensorflow = installed_tensorflow()
    for output in rules.included_outputs(page):
        entry = json.loads((output.parent / RECORDED_WITH).read_text(encoding="utf-8"))[output.name]
        assert entry["tensorflow"] == tensorflow, (
            f"{layout.rel(output)} was recorded with TensorFlow {entry['tensorflow']}, but "
            f"{tensorflow} is installed. Refresh it: nox -s outputs -- {layout.rel(output.with_suffix('.py'))}"
        )
        line = f"Output · TensorFlow {tensorflow} · {entry['platform']} · oneDNN off"
        # hooks/version_matrix.py may add the versions it was checked on (tests/test_versions.py)
        assert any(t == line or t.startswith(line + " · ") for t in titles), (
            f"{layout.rel(html)} shows no title {line!r} for {layout.rel(output)}: {titles}")
    notes = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select("article details.numbers-note")
    assert len(notes) == 1, f"{layout.rel(html)} has {len(notes)} 'Why your numbers may differ' notes, not one"
    for setting in numeric.label(numeric.READER_LINE).split():
        assert setting in notes[0].get_text(), (setting, notes[0].get_text())
    assert notes[0].find("a")["href"].endswith("contributing/#why-a-number-differs-on-my-machine")


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
    assert "set `ONEDNN_MAX_CPU_ISA=AVX` `TF_ENABLE_ONEDNN_OPTS=0` in the environment" in note
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


# --------------------------------------------------------------------------- workflows


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: it is pinned in pyproject.toml's tests group; run nox -s tests.",
                    pytrace=False)
    return found


def lint(github: Path) -> list[str]:
    """Failures of both linters on the workflows under ``github``: one string per failing tool."""
    files = sorted(str(p) for p in (github / "workflows").glob("*.yml"))
    runs = {
        "check-jsonschema": [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             "--color", "never", *files],
        "zizmor": [tool("zizmor"), "--offline", "--color", "never", "--config",
                   str(github / "zizmor.yml"), str(github / "workflows")],
    }
    failures = []
    for name, command in runs.items():
        done = subprocess.run(command, capture_output=True, text=True, cwd=github.parent)
        if done.returncode:
            failures.append(f"{name} (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return failures


def test_workflows_pass_the_linters():
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == ["ci.yml", "deploy.yml"]
    failures = lint(ROOT / ".github")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("    runs-on: ubuntu-24.04\n", "    run-on: ubuntu-24.04\n",
         ["check-jsonschema", "ci.yml", "'runs-on' is a required property"]),
        ("      - run: bash .ci/run", '      - run: echo "${{ github.event.pull_request.title }}"',
         ["zizmor", "template-injection", "ci.yml"]),
        ("      - uses: actions/checkout@v4\n", "      - uses: someone/checkout@v4\n",
         ["zizmor", "unpinned-uses", "ci.yml"]),
    ],
    ids=["typo", "injection", "unpinned"],
)
def test_a_broken_workflow_fails_the_linters(tmp_path, old, new, expected):
    github = tmp_path / ".github"
    shutil.copytree(ROOT / ".github", github)
    ci = github / "workflows" / "ci.yml"
    text = ci.read_text(encoding="utf-8")
    assert old in text
    ci.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = "\n".join(lint(github))
    for fragment in expected:
        assert fragment in report, f"{fragment!r} missing from:\n{report}"


def workflow(name: str) -> dict:
    return yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def test_ci_runs_the_readme_test_command_read_only_with_the_cache():
    ci = workflow("ci.yml")
    assert set(ci["on"]) == {"pull_request", "push"}
    assert ci["permissions"] == {"contents": "read"}
    assert "secrets." not in (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    assert set(ci["jobs"]) == {"tests", "deploy", "matrix-versions", "matrix", "matrix-results"}  # test_versions.py
    job = ci["jobs"]["tests"]
    assert "permissions" not in job
    assert job["env"]["SNIPCHECK_CACHE"] == ".cache/snipcheck"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["bash .ci/run"]
    assert "nox -s tests" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "nox -s tests" in (ROOT / "README.md").read_text(encoding="utf-8")
    caches = {s["with"]["path"]: s["with"] for s in job["steps"] if s.get("uses", "").startswith("actions/cache@")}
    assert set(caches) == {".nox", ".cache/snipcheck"}
    assert "hashFiles('uv.lock', 'pyproject.toml')" in caches[".nox"]["key"] and "runner.os" in caches[".nox"]["key"]
    runs_key = caches[".cache/snipcheck"]["key"]
    assert "hashFiles('uv.lock')" in runs_key and "'snippets/**'" in runs_key


def test_deploy_runs_only_after_the_tests_pass_on_the_same_commit():
    """deploy.yml has no trigger of its own: the CI run that tested a push to main calls it
    (a reusable workflow of the same repository runs at the caller's commit), and only once
    its tests job passed. A red main, or a manual dispatch, never publishes."""
    deploy = workflow("deploy.yml")
    assert set(deploy["on"]) == {"workflow_call"}
    ci = workflow("ci.yml")
    assert set(ci["on"]["push"]["branches"]) == {"main"}
    gate = ci["jobs"]["deploy"]
    assert gate["needs"] == ["tests", "matrix-results"]  # and the version matrix (test_versions.py)
    assert gate["uses"] == "$/.github/workflows/deploy.yml"  # same repository, same commit
    assert "@" not in gate["uses"]
    assert gate["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert gate["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_deploy_builds_exactly_what_nox_docs_builds():
    deploy = workflow("deploy.yml")
    assert deploy["permissions"] == {"contents": "read"}
    build, publish = deploy["jobs"]["build"], deploy["jobs"]["deploy"]
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert "nox -s docs" in runs and not any("mkdocs" in run for run in runs)
    assert "permissions" not in build
    (upload,) = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    site_dir = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader).get("site_dir", "site")
    assert upload["with"]["path"].rstrip("/") == site_dir
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in publish["steps"])


# --------------------------------------------------------------------------- contributor errors


def test_orphan_output_names_the_file_and_the_fix(tmp_path):
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "renamed.out").write_text("1\n", encoding="utf-8")
    message = "\n".join(rules.orphan_outputs(tmp_path))
    assert "renamed.out has no snippet beside it (renamed.py is missing)" in message
    assert "Delete the output, or restore the snippet." in message


def test_missing_output_is_reported_by_the_page_check(tmp_path):
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "fresh.py").write_text("print(1)\n", encoding="utf-8")
    message = "\n".join(rules.missing_outputs(tmp_path))
    assert "fresh.py has no recorded output" in message
    assert f"Record it with: nox -s outputs -- {folder / 'fresh.py'}" in message


def test_typed_code_or_output_on_a_page_names_the_line_and_the_fix(tmp_path):
    page = tmp_path / "index.md"
    page.write_text(textwrap.dedent('''\
        # A page

        ```python
        print("typed on the page")
        ```

        ```text title="Output"
        typed on the page
        ```
        '''), encoding="utf-8")
    message = "\n".join(rules.block_problems(page))
    assert f"{page}:3: ```python block has inline content 'print(\"typed on the page\")'" in message
    assert "Move the code into a runnable file under snippets/<topic>/" in message
    assert f"{page}:7: ```text block has inline content 'typed on the page'" in message
    assert "Output blocks must include a recorded output" in message and "nox -s outputs" in message


def test_unseeded_snippet_names_the_file_and_the_fix(tmp_path):
    snippet = tmp_path / "noseed.py"
    snippet.write_text("import keras\nprint(keras.layers.Dense(1).units)\n", encoding="utf-8")
    message = "\n".join(rules.seed_problems(snippet))
    assert "noseed.py uses Keras but never calls keras.utils.set_random_seed(...)" in message
    assert "Seed it near the top" in message
