"""The contributor's side: the guide, the workflows, the lock file.

* CONTRIBUTING.md is the guide's single source; the site's Contribute page shows it with its
  example lines literal, and every command, file and test it names exists.
* The workflow files pass two linters from PyPI (check-jsonschema with GitHub's workflow
  schema, zizmor for unsafe patterns); a broken workflow fails them. CI runs the README's test
  command read-only; the deploy workflow builds with exactly `nox -s docs`, and only CI calls
  it, after the tests passed on the same commit.
* uv.lock pins every package the nox sessions install.

Each mistake a contributor can make gives a message naming the file and the fix; the guide's
table names the test that proves each one (test_rules_*, test_build, test_status, ...)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from snipcheck.layout import ROOT
from snipcheck.rules import pages


GUIDE = ROOT / "CONTRIBUTING.md"


GUIDE_PAGE = ROOT / "docs" / "contributing.md"


WORKFLOWS = ROOT / ".github" / "workflows"


# --------------------------------------------------------------------------- the guide


def test_the_site_page_includes_the_guide_and_the_nav_lists_it_after_the_topics():
    assert '--8<-- "CONTRIBUTING.md"' in GUIDE_PAGE.read_text(encoding="utf-8")
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["nav"]
    titles = [next(iter(item)) for item in nav]
    assert titles[-1] == "Contribute" and nav[-1]["Contribute"] == "contributing.md", titles


def test_the_guide_types_no_python():
    problems = [
        f"CONTRIBUTING.md:{lineno}: a ```{language} block; the guide shows commands, Markdown and "
        f"YAML only ({', '.join(sorted(pages.FREE))}). Point to a snippet under snippets/ instead."
        for lineno, language, _ in pages.blocks(GUIDE)
        if language not in pages.FREE
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


@pytest.mark.selftest
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
    assert set(ci["jobs"]) == {"tests", "deploy", "matrix-versions", "matrix", "matrix-results"}  # test_matrix.py
    job = ci["jobs"]["tests"]
    assert "permissions" not in job
    assert job["env"]["SNIPCHECK_CACHE"] == ".cache/snipcheck"
    # where the namespaces work: CAP_SYS_ADMIN, no seccomp or AppArmor profile refusing unshare
    assert "--cap-add SYS_ADMIN" in job["container"]["options"] and "seccomp=unconfined" in job["container"]["options"]
    assert "SNIPCHECK_ALLOW_UNCONFINED" not in job["env"]
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
    assert gate["needs"] == ["tests", "matrix-results"]  # and the version matrix (test_matrix.py)
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


# --------------------------------------------------------------------------- the lock file


@pytest.mark.selftest
def test_the_lock_file_pins_every_package_the_sessions_install():
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert '"sync", "--locked"' in noxfile and "--compile-bytecode" in noxfile
    import tomllib

    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
    for group in groups.values():
        for pin in group:
            if isinstance(pin, str):
                name, _, version = pin.partition("==")
                assert f'name = "{name}"\nversion = "{version}"' in lock, f"uv.lock does not pin {pin}: run uv lock"
