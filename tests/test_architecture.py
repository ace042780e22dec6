"""The layout shows the architecture, and these arrows must never exist:

* a hook importing anything but the standard library, MkDocs, ``snipcheck.layout`` and the
  parsers pinned in the docs dependency group (the docs build must never import TensorFlow);
* a module of ``snipcheck/layout/`` importing anything but the standard library and the
  other modules of that package;
* the engine importing from ``tests/``;
* a test module importing another test module or ``conftest``;
* a test module defining a helper longer than MAX_HELPER lines (rules and machinery live in
  ``snipcheck/``; ``tests/`` holds tests and short fixtures);
* a snippet importing the engine.

And each module of ``snipcheck/`` (and of ``snipcheck/rules/``) has its own test module:
``tests/test_<module>.py`` (``test_main.py`` for ``__main__``), ``tests/test_rules_<rule>.py``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from snipcheck.layout import ROOT, discover, rel

STDLIB = set(sys.stdlib_module_names)
# Parsers a hook may use instead of hand-written parsing (hooks/notebook_reader.py purges CSS
# with them); each must be pinned in pyproject.toml's docs group: import name -> distribution.
HOOK_LIBRARIES = {"mkdocs": "mkdocs", "tinycss2": "tinycss2", "bs4": "beautifulsoup4"}
MAX_HELPER = 20  # lines of a top-level function or class in tests/ that is not a test


def imports(path: Path) -> list[str]:
    """Every module a file imports, at any depth (``from a.b import c`` gives ``a.b``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            if node.module == "snipcheck":
                found += [f"snipcheck.{alias.name}" for alias in node.names]
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def long_helpers(path: Path) -> list[str]:
    """Top-level functions and classes of a file, tests left out, longer than MAX_HELPER lines
    (decorators counted), as 'name (N lines)'."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("test_"):
            length = node.end_lineno - min([node.lineno] + [d.lineno for d in node.decorator_list]) + 1
            if length > MAX_HELPER:
                found.append(f"{node.name} ({length} lines)")
    return found


@pytest.mark.parametrize("hook", sorted((ROOT / "hooks").glob("*.py")), ids=rel)
def test_hooks_import_only_the_layout_module(hook):
    bad = [m for m in imports(hook)
           if top(m) not in STDLIB | set(HOOK_LIBRARIES) | {"__future__"} and m not in ("snipcheck.layout",)]
    assert not bad, (f"{rel(hook)} imports {bad}; hooks may import only the standard library, MkDocs, "
                     f"snipcheck.layout and {', '.join(sorted(set(HOOK_LIBRARIES) - {'mkdocs'}))}")


def test_the_parsers_hooks_use_are_pinned_in_the_docs_group():
    import tomllib

    docs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]["docs"]
    pinned = {entry.split("==")[0].lower() for entry in docs if isinstance(entry, str)}
    assert set(HOOK_LIBRARIES.values()) <= pinned, set(HOOK_LIBRARIES.values()) - pinned


@pytest.mark.parametrize("module", sorted((ROOT / "snipcheck" / "layout").glob("*.py")), ids=rel)
def test_the_layout_package_imports_only_the_standard_library(module):
    bad = [m for m in imports(module)
           if top(m) not in STDLIB | {"__future__"} and not m.startswith("snipcheck.layout.")]
    assert not bad, (f"{rel(module)} imports {bad}: the hooks import snipcheck.layout, so it must stay "
                     "standard library only")


@pytest.mark.parametrize("module", sorted((ROOT / "snipcheck").rglob("*.py")), ids=rel)
def test_the_engine_never_imports_the_tests(module):
    bad = [m for m in imports(module) if top(m) in ("tests", "conftest")]
    assert not bad, f"{rel(module)} imports {bad}: shared helpers belong in the package, not in tests/"


@pytest.mark.parametrize("test", sorted((ROOT / "tests").glob("*.py")), ids=rel)
def test_no_test_module_imports_another_or_conftest(test):
    bad = [m for m in imports(test) if top(m) in ("tests", "conftest") or top(m).startswith("test_")]
    assert not bad, f"{rel(test)} imports {bad}: share fixtures through conftest and helpers through snipcheck/"


@pytest.mark.parametrize("test", sorted((ROOT / "tests").glob("*.py")), ids=rel)
def test_no_test_module_defines_a_long_helper(test):
    bad = long_helpers(test)
    assert not bad, (f"{rel(test)} defines {bad}: a rule or a helper that long belongs in snipcheck/ "
                     "(snipcheck/rules/ for content rules), called by the test; keep fixtures short")


@pytest.mark.parametrize("snippet", discover(), ids=rel)
def test_snippets_never_import_the_engine(snippet):
    bad = [m for m in imports(snippet) if top(m) in ("snipcheck", "tests")]
    assert not bad, f"{rel(snippet)} imports {bad}: a snippet is what readers run, without the checker"


@pytest.mark.selftest
def test_the_arrows_test_can_fail(tmp_path):
    hook = tmp_path / "bad_hook.py"
    hook.write_text("import tensorflow\nfrom snipcheck import run\nfrom snipcheck.layout import ROOT\n")
    assert imports(hook) == ["tensorflow", "snipcheck", "snipcheck.run", "snipcheck.layout"]


# --------------------------------------------------------------------------- maps that match

PACKAGE = ROOT / "snipcheck"


def modules(package: Path) -> list[str]:
    """The modules of a package (``name.py``) and its subpackages (``name/``), not ``__init__``."""
    return sorted([p.name for p in package.glob("*.py") if not p.name.startswith("__")]
                  + [p.name + "/" for p in package.iterdir() if (p / "__init__.py").is_file()])


def map_problems(package: Path, readme: str) -> list[str]:
    """Each module missing from its package's docstring map, or from README's Layout."""
    problems = []
    for package_dir in [package, *(p for p in package.iterdir() if (p / "__init__.py").is_file())]:
        doc = ast.get_docstring(ast.parse((package_dir / "__init__.py").read_text(encoding="utf-8"))) or ""
        for name in modules(package_dir):
            stem = name.rstrip("/").removesuffix(".py")
            if not any(line.split()[:1] == [stem] or line.split()[:1] == [f"{stem}/"]
                       for line in doc.splitlines() if line.strip()):
                problems.append(f"{rel(package_dir / '__init__.py')}: the module map has no line for {stem}")
    for name in modules(package):
        if not any(line.split()[:1] == [name] for line in readme.splitlines()):
            problems.append(f"README.md: the Layout has no line for {package.name}/{name}")
    return problems


def test_every_module_is_on_the_maps():
    problems = map_problems(PACKAGE, (ROOT / "README.md").read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems) + "\nAdd one line for it: what its one job is."


@pytest.mark.selftest
def test_the_maps_test_can_fail(tmp_path):
    package = tmp_path / "snipcheck"
    package.mkdir()
    (package / "__init__.py").write_text('"""Map::\n\n    layout     paths\n"""\n')
    (package / "layout.py").write_text("")
    (package / "forgotten.py").write_text("")
    problems = map_problems(package, "layout.py   paths\n")
    assert problems == [f"{rel(package / '__init__.py')}: the module map has no line for forgotten",
                        "README.md: the Layout has no line for snipcheck/forgotten.py"]


@pytest.mark.selftest
def test_the_long_helper_test_can_fail(tmp_path):
    helper = tmp_path / "test_long.py"
    helper.write_text("@pytest.fixture\ndef made():\n" + "    x = 1\n" * MAX_HELPER + "\n\ndef test_x():\n    pass\n")
    assert long_helpers(helper) == [f"made ({MAX_HELPER + 2} lines)"]


# --------------------------------------------------------------------------- a test module per module


def missing_test_modules(package: Path, tests: Path) -> list[str]:
    """Each module of the package (and of its subpackages) whose test module is missing from
    ``tests``: ``a/b.py`` is tested in ``test_b.py``, ``a/rules/c.py`` in ``test_rules_c.py``."""
    problems = []
    for module in sorted(package.rglob("*.py")):
        if module.name == "__init__.py":
            continue
        parts = module.relative_to(package).with_suffix("").parts
        test = tests / ("test_" + "_".join(part.strip("_") for part in parts) + ".py")
        if not test.is_file():
            problems.append(f"{rel(module)} has no test module: create {rel(test)} with the tests of that module")
    return problems


@pytest.mark.selftest
def test_every_module_of_the_engine_has_its_test_module():
    problems = missing_test_modules(PACKAGE, ROOT / "tests")
    assert not problems, "\n".join(problems)


@pytest.mark.selftest
def test_the_test_module_test_can_fail(tmp_path):
    package, tests = tmp_path / "snipcheck", tmp_path / "tests"
    (package / "rules").mkdir(parents=True)
    tests.mkdir()
    for name in ("__init__.py", "__main__.py", "layout.py", "forgotten.py", "rules/__init__.py", "rules/quiz.py"):
        (package / name).write_text("")
    for name in ("test_main.py", "test_layout.py"):
        (tests / name).write_text("")
    assert missing_test_modules(package, tests) == [
        f"{rel(package / 'forgotten.py')} has no test module: create {rel(tests / 'test_forgotten.py')} "
        "with the tests of that module",
        f"{rel(package / 'rules' / 'quiz.py')} has no test module: create {rel(tests / 'test_rules_quiz.py')} "
        "with the tests of that module"]
