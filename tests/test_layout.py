"""snipcheck/layout/: one package the hooks import, whose modules each have one job. Every public
name of its modules is importable from ``snipcheck.layout`` itself, and each is defined once."""

from __future__ import annotations

import ast
import importlib

import pytest

from snipcheck import layout
from snipcheck.layout import ROOT

pytestmark = pytest.mark.selftest

MODULES = sorted(p.stem for p in (ROOT / "snipcheck" / "layout").glob("*.py") if p.stem != "__init__")


def defined(stem: str) -> list[str]:
    """The public top-level names a module of the package defines."""
    tree = ast.parse((ROOT / "snipcheck" / "layout" / f"{stem}.py").read_text(encoding="utf-8"))
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    names += [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    return [n for n in names if not n.startswith("_")]


@pytest.mark.parametrize("stem", MODULES)
def test_every_public_name_of_a_layout_module_is_importable_from_the_package(stem):
    module = importlib.import_module(f"snipcheck.layout.{stem}")
    missing = [n for n in defined(stem) if getattr(layout, n, None) is not getattr(module, n)]
    assert not missing, (f"snipcheck/layout/{stem}.py defines {missing}, which snipcheck.layout does not "
                         f"export: add them to its import from snipcheck.layout.{stem}")


def test_no_name_is_defined_in_two_layout_modules():
    seen: dict[str, str] = {}
    twice = []
    for stem in MODULES:
        for name in defined(stem):
            if name in seen:
                twice.append(f"{name} ({seen[name]}.py and {stem}.py)")
            seen[name] = stem
    assert not twice, f"defined twice in snipcheck/layout/: {twice}"
