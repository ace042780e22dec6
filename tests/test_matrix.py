"""The version matrix: every snippet's result on every TensorFlow in versions/versions.toml.

* each version's environment is made from the one list and locked (versions/<minor>/);
* every snippet has a result on every version that the matrix wrote (an entry edited by hand
  fails, naming the snippet and the version) and that is current (its snippet, its recording
  and the version's lock are those that were run). `nox -s versions` runs them again: CI
  does, one job per version, and .ci/run too;
* the three outcomes come from a run and its recording, with no path of the machine kept;
* each output's version line says where it was checked, a version where it differs shows
  that version's output under it, and the matrix page lists every snippet by version.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from snipcheck import layout, matrix
from snipcheck.rules import pages
from snipcheck.layout import ROOT, VERSIONS
from snipcheck.run import Result
from snipcheck.site import load_hook

VERSIONS_LISTED = list(layout.matrix_versions())
version_matrix = load_hook("version_matrix")


def test_the_matrix_spans_the_supported_versions():
    assert VERSIONS_LISTED == ["2.16", "2.17", "2.18", "2.19", "2.20", "2.21"]
    for minor, pins in layout.matrix_versions().items():
        assert pins["tensorflow-cpu"].startswith(minor + "."), (minor, pins)


@pytest.mark.parametrize("minor", VERSIONS_LISTED)
def test_each_version_is_made_from_the_list_and_locked(minor):
    folder = VERSIONS / minor
    assert (folder / "pyproject.toml").read_text(encoding="utf-8") == layout.version_project(minor), (
        f"versions/{minor}/pyproject.toml is not what versions/versions.toml makes. "
        f"Run: nox -s versions -- --record {minor}")
    lock = (folder / "uv.lock").read_text(encoding="utf-8")
    for name, version in layout.matrix_versions()[minor].items():
        assert f'name = "{name}"\nversion = "{version}"' in lock, (minor, name, version)
    assert 'name = "keras"\nversion = "3.' in lock, f"versions/{minor}/uv.lock pins no Keras 3"


def test_no_version_folder_is_left_out_of_the_list():
    folders = sorted(p.name for p in VERSIONS.iterdir() if p.is_dir())
    assert folders == sorted(VERSIONS_LISTED), f"versions/ holds {folders}; versions.toml lists {VERSIONS_LISTED}"


@pytest.mark.parametrize("minor", VERSIONS_LISTED)
def test_every_snippet_has_a_current_result_on_each_version(minor):
    problems = matrix.recorded_problems(minor)
    assert not problems, "\n".join(problems)


@pytest.mark.selftest
@pytest.mark.parametrize("edit", ["output", "outcome", "stale"])
def test_a_result_edited_by_hand_or_stale_fails_naming_snippet_and_version(tmp_path, edit):
    """A copy with one result changed by hand, or a snippet changed after it was checked."""
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets")
    shutil.copytree(VERSIONS, tmp_path / "versions")
    minor = VERSIONS_LISTED[0]
    results_file = tmp_path / "versions" / minor / layout.CHECKED_ON
    data = json.loads(results_file.read_text(encoding="utf-8"))
    output = next(o for o, e in data["results"].items() if e["outcome"] == "differs") if edit == "output" \
        else sorted(data["results"])[0]
    snippet = layout.Recording(Path(output)).snippet.as_posix()
    if edit == "output":
        data["results"][output]["output"] = data["results"][output]["output"].replace("0.", "0.9", 1)
    elif edit == "outcome":
        data["results"][output]["outcome"] = "fails"
    else:
        with open(tmp_path / snippet, "a", encoding="utf-8") as f:
            f.write("# changed\n")
    results_file.write_text(json.dumps(data), encoding="utf-8")
    assert matrix.recorded_problems(minor, ROOT) == [], "the copy must not touch the repository"
    problems = matrix.recorded_problems(minor, tmp_path)
    assert len(problems) == 1, problems
    start = (f"stale result: {snippet} changed since it was checked on TensorFlow {minor}" if edit == "stale"
             else f"{snippet} on TensorFlow {minor}: its result in versions/{minor}/{layout.CHECKED_ON} was not "
                  "written by the matrix (the entry was edited by hand")
    assert problems[0].startswith(start), problems[0]
    assert problems[0].endswith(f"Run: nox -s versions -- --record {minor} {snippet}"), problems[0]


def test_ci_runs_one_job_per_listed_version_then_collects_them():
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    jobs = yaml.load(text, Loader=yaml.BaseLoader)["jobs"]
    assert not any(f'"{minor}"' in text or f"'{minor}'" in text for minor in VERSIONS_LISTED), (
        "ci.yml names a version: it must read them from versions/versions.toml")
    assert "matrix_versions" in jobs["matrix-versions"]["steps"][-1]["run"]
    matrix = jobs["matrix"]
    assert matrix["strategy"]["matrix"]["tensorflow"] == "${{ fromJSON(needs.matrix-versions.outputs.versions) }}"
    assert matrix["strategy"]["fail-fast"] == "false" and matrix["env"]["TENSORFLOW"] == "${{ matrix.tensorflow }}"
    assert 'python3 -m nox -s versions -- "$TENSORFLOW"' in [s.get("run") for s in matrix["steps"]]
    collect = jobs["matrix-results"]
    assert collect["needs"] == "matrix" and collect["if"] == "always()"
    assert collect["steps"][-1]["run"] == "python3 -m snipcheck matrix --all --collect reports/*.json"
    assert "matrix-results" in jobs["deploy"]["needs"]
    assert "python3 -m nox -s versions\n" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.selftest
def test_collect_fails_on_a_missing_version_or_a_problem(tmp_path):
    lines = []
    report = {"version": "2.16", "results": {"snippets/t/a.out": {"outcome": "matches"}}, "problems": []}
    (tmp_path / "2.16.json").write_text(json.dumps(report), encoding="utf-8")
    assert matrix.collect([str(tmp_path / "2.16.json")], every=False, echo=lines.append) == 0
    assert "| a.py | matches |" in lines[0] and "| matches/differs/fails | 1/0/0 |" in lines[0]
    assert matrix.collect([str(tmp_path / "2.16.json")], every=True, echo=lines.append) == 1
    assert any("TensorFlow 2.17: no results" in line for line in lines)
    (tmp_path / "2.16.json").write_text(json.dumps({**report, "problems": ["x.py on TensorFlow 2.16: ..."]}))
    assert matrix.collect([str(tmp_path / "2.16.json")], every=False, echo=lines.append) == 1


# --------------------------------------------------------------------------- outcomes

SNIPPET = ROOT / "snippets" / "training-weights" / "one_step.py"


def test_a_run_matches_differs_or_fails():
    recorded = SNIPPET.with_suffix(".out").read_text(encoding="utf-8")
    same = matrix.entry(Result(SNIPPET, "ok", stdout=recorded), "2.16")
    assert same["outcome"] == "matches" and "output" not in same
    changed = recorded.replace(next(n for n in recorded.split() if "." in n and n[0].isdigit()), "123.5", 1)
    other = matrix.entry(Result(SNIPPET, "ok", stdout=changed), "2.16")
    assert other["outcome"] == "differs" and other["output"] == changed
    traceback = (f'Traceback (most recent call last):\n  File "{SNIPPET}", line 3, in <module>\n'
                 f'  File "{matrix.sysconfig.get_paths()["purelib"]}/keras/x.py", line 9\n'
                 "AttributeError: module 'keras' has no attribute 'new' at 0x7f00deadbeef")
    failed = matrix.entry(Result(SNIPPET, "raised", detail=traceback), "2.16")
    assert failed["outcome"] == "fails"
    assert str(ROOT) not in failed["error"] and "/keras/x.py" not in failed["error"].replace("site-packages/keras", "")
    assert 'File "snippets/training-weights/one_step.py", line 3' in failed["error"]
    assert failed["error"].endswith("has no attribute 'new' at 0x...") and "nox -s outputs" not in failed["error"]
    for found in (same, other, failed):
        assert layout.matrix_problem("snippets/training-weights/one_step.out", "2.16", found) is None
    assert matrix.same_result("snippets/training-weights/one_step.out", other, {**other, "output": changed + " "})
    assert not matrix.same_result("snippets/training-weights/one_step.out", other, same)


# --------------------------------------------------------------------------- the site


def current(output: str) -> dict[str, dict]:
    return layout.current_results(output)


def test_the_version_line_names_where_an_output_was_checked():
    order = ["2.16", "2.17", "2.18", "2.19", "2.20", "2.21"]
    every = {m: {"outcome": "matches"} for m in order}
    assert version_matrix.checked_phrase(every, order) == "checked on TensorFlow 2.16–2.21"
    one_differs = {**every, "2.16": {"outcome": "differs"}, "2.19": {"outcome": "fails"}}
    assert version_matrix.checked_phrase(one_differs, order) == (
        "checked on TensorFlow 2.17–2.18, 2.20–2.21 · differs on 2.16 · fails on 2.19")


@pytest.mark.parametrize(
    "page", [p for p in sorted(layout.DOCS.rglob("*.md")) if pages.included_outputs(p)], ids=layout.rel)
def test_outputs_show_their_versions_and_each_differing_output(page, built_site):
    soup = BeautifulSoup(layout.built_page(built_site, page).read_text(encoding="utf-8"), "html.parser")
    titles = [t.get_text() for t in soup.select("article .filename")]
    boxes = {(path, b.select_one("code").get_text())
             for b in soup.select("details.version-output") for path in b["data-recorded"].split()}
    for output in pages.included_outputs(page):
        name = layout.rel(output)
        results = current(name)
        assert set(results) == set(VERSIONS_LISTED), f"{name} has no current result on every version"
        phrase = version_matrix.checked_phrase(results, VERSIONS_LISTED)
        assert any(t.endswith(" · " + phrase) for t in titles), f"no title of {layout.rel(page)} ends with {phrase!r}"
        for minor, entry in results.items():
            if entry["outcome"] != "matches":
                text = (entry.get("output") or entry.get("error")).rstrip()
                assert (f"versions/{minor}/{layout.CHECKED_ON}", text) in boxes, (
                    f"{layout.rel(page)} does not show {name}'s output on TensorFlow {minor}")


def test_the_matrix_page_lists_every_snippet_by_version(built_site):
    soup = BeautifulSoup((built_site / "versions" / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("article .version-matrix table")
    heads = [th.get_text() for th in table.select("thead th")]
    assert heads[1:] == [f"TensorFlow {layout.checked_on(m)['tensorflow']}" for m in VERSIONS_LISTED]
    rows = {tr.select("td")[0].get_text(): [td.get_text() for td in tr.select("td")[1:]] for tr in table.select("tbody tr")}
    for snippet in layout.discover():
        output = layout.rel(snippet.with_suffix(".out"))
        key = snippet.name
        assert rows[key] == [current(output)[m]["outcome"] for m in VERSIONS_LISTED], key
    assert rows["matches"] == [str(sum(current(layout.rel(s.with_suffix(".out")))[m]["outcome"] == "matches"
                                       for s in layout.discover())) for m in VERSIONS_LISTED]
