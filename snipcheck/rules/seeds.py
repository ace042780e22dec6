"""A snippet that uses Keras or TensorFlow seeds itself, read as code, not text.

``seed_problems`` returns a list of problems; each names the file and the fix.
"""

from __future__ import annotations

from pathlib import Path

from snipcheck.layout import refresh_hint, rel


def _seeds(tree) -> bool:
    """True when the module itself calls ``set_random_seed(...)`` (``keras.utils.``,
    ``tf.keras.utils.`` or an imported name), outside any function or class body that might
    never run. Comments and strings do not count: this reads the code, not the text."""
    import ast

    def calls(node) -> bool:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "set_random_seed":
                return True
        return any(calls(child) for child in ast.iter_child_nodes(node))

    return calls(tree)


def _imports_keras(tree) -> bool:
    import ast

    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        if any(n.split(".")[0] in ("keras", "tensorflow") for n in names):
            return True
    return False


def seed_problems(snippet: Path) -> list[str]:
    """Readers must get the same numbers at home: a snippet that imports Keras or TensorFlow
    calls keras.utils.set_random_seed(...) in its own code (read as code, so a comment or a
    string does not count). Snippets that use only NumPy or the standard library are held to
    the same by the two-run rule of ``nox -s outputs`` (``snipcheck.outputs.twice``)."""
    import ast

    try:
        tree = ast.parse(Path(snippet).read_text(encoding="utf-8"), filename=str(snippet))
    except SyntaxError as exc:
        return [f"{rel(snippet)}:{exc.lineno}: not valid Python ({exc.msg}). Fix it, then run: "
                f"{refresh_hint(rel(snippet))}"]
    if _imports_keras(tree) and not _seeds(tree):
        return [
            f"{rel(snippet)} uses Keras but never calls keras.utils.set_random_seed(...) in its code "
            "(a comment or a string does not count). Seed it near the top so readers get the "
            "recorded numbers."
        ]
