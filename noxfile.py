"""Sessions: docs (strict build), serve (live preview), tests (every check),
outputs (refresh recorded outputs), new (scaffold a topic or a snippet), bench (speed and
size figures).

Dependencies are pinned in pyproject.toml's [dependency-groups] and installed from there;
the engine (snipcheck/) is installed editable, with no dependencies of its own. Every session
that runs the engine calls its one command line, ``python -m snipcheck``.
"""

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["docs", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
ENV = {"NO_MKDOCS_2_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0"}


def install(session: nox.Session, group: str) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, group))
    session.install("--no-deps", "-e", ".")  # the engine; the MkDocs hooks import its layout


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (strict: any warning fails). Never imports TensorFlow."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", *session.posargs, env=ENV)


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview on http://127.0.0.1:8000; only changed pages are rebuilt."""
    install(session, "docs")
    session.run("mkdocs", "serve", "--dirty", "-a", "127.0.0.1:8000", *session.posargs, env=ENV)


@nox.session
def tests(session: nox.Session) -> None:
    """Every check: snippets against recorded outputs, pages, the strict build, the browser."""
    install(session, "tests")
    session.run("pytest", *session.posargs, env=ENV)


@nox.session
def outputs(session: nox.Session) -> None:
    """Re-run snippets and rewrite recorded outputs that changed beyond tolerance.

    nox -s outputs                                  # every snippet
    nox -s outputs -- snippets/training-weights/regression.py
    nox -s outputs -- --no-cache snippets/training-weights/regression.py   # execute, never reuse

    Then it re-executes the notebooks made from those snippets (snipcheck/notebooks.py).
    """
    install(session, "snippets")
    args = [a for a in session.posargs if a != "--no-cache"]
    env = {**ENV, "SNIPCHECK_CACHE": "off"} if "--no-cache" in session.posargs else ENV
    session.run("python", "-m", "snipcheck", "refresh", *args, env=env)
    session.run("python", "-m", "snipcheck", "notebooks", *args, env=env)


@nox.session
def new(session: nox.Session) -> None:
    """Scaffold a topic or a snippet that passes the checks at once (see CONTRIBUTING.md).

    nox -s new -- my-topic                 # docs/my-topic/index.md, snippets/my-topic/first.py
    nox -s new -- my-topic/my_example      # snippets/my-topic/my_example.py

    Then `outputs` runs next and records the new snippet's output by running it.
    """
    args = session.posargs
    targets = [a for i, a in enumerate(args) if not a.startswith("-") and args[i - 1 : i] != ["--title"]]
    if len(targets) != 1:
        session.error('Name what to create: nox -s new -- my-topic [--title "Page title"], '
                      "or nox -s new -- my-topic/my_example")
    install(session, "docs")  # PyYAML, to check the nav edit
    session.run("python", "-m", "snipcheck", "new", "--no-record", *args, env=ENV)
    topic, _, name = targets[0].strip("/").partition("/")
    session.notify("outputs", [f"snippets/{topic}/{name or 'first'}.py"])


@nox.session
def bench(session: nox.Session) -> None:
    """Speed and size figures side by side: snippet checks, site build, page weight."""
    install(session, "tests")
    session.run("python", "-m", "snipcheck", "bench", env=ENV)
