"""Scaffold a new topic, or a new snippet in an existing topic, that passes the checks at once.

``nox -s new -- my-topic`` (a topic) creates::

    docs/my-topic/index.md       the topic's page: a title, a first example, its output
    snippets/my-topic/first.py   a first runnable, seeded snippet
    snippets/my-topic/first.out  its output, recorded by running it (snipcheck refresh)

and adds the page to the nav in mkdocs.yml (as text, so comments and layout stay as they were).

``nox -s new -- my-topic/my_example`` (a snippet) creates ``snippets/my-topic/my_example.py``,
records its output and prints the two blocks that show it on a page.

Command line (``nox -s new`` runs it with ``--no-record``, then ``nox -s outputs`` records)::

    python -m snipcheck new TOPIC [--title "Page title"] [--no-record]
    python -m snipcheck new TOPIC/SNIPPET [--no-record]

Only the standard library is needed to write the files; recording runs the snippet, so it
needs the snippets environment (TensorFlow).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from snipcheck.layout import CONFIG, DOCS, ROOT, SNIPPETS, preset_env, refresh_hint, rel

TOPIC = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SNIPPET = re.compile(r"[a-z][a-z0-9_]*")
FIRST = "first"
# The nav entry new topics go before (the guide comes after every topic).
LAST_ENTRIES = ("Contribute",)

PAGE = '''\
---
description: {title}. Replace this sentence with one that says what the page teaches.
---

# {title}

Say in one or two short sentences what this page teaches and who it is for.

## A first example

The code below builds a model with one weight and one bias, trains it on four points that
lie on a line, and prints the weight and the bias before and after training.

```python
--8<-- "snippets/{topic}/{first}.py"
```

```text title="Output"
--8<-- "snippets/{topic}/{first}.out"
```

The output shows both numbers moving: training changed the weights. Explain what your own
output shows in words, and never type a number that the output above does not show.
'''

FIRST_SNIPPET = '''\
"""{title}: a first snippet. Replace it with the example your page needs."""

import keras
import numpy as np

keras.utils.set_random_seed(0)

# Four points on the line y = 2x + 1.
x = np.array([[0.0], [1.0], [2.0], [3.0]])
y = 2 * x + 1

# --8<-- [start:model]
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mean_squared_error")
# --8<-- [end:model]


def show(when):
    kernel, bias = model.layers[0].get_weights()
    print(f"{{when}}: weight {{kernel[0, 0]:.4f}}, bias {{bias[0]:.4f}}")


show("before training")
model.fit(x, y, epochs=50, verbose=0)
show("after training")
'''

NEW_SNIPPET = '''\
"""{topic}: {name}. Replace this with your example; keep the seed near the top."""

import keras
import numpy as np

keras.utils.set_random_seed(0)

# --8<-- [start:model]
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
# --8<-- [end:model]

kernel, bias = model.layers[0].get_weights()
print("kernel:", np.round(kernel.ravel(), 4))
print("bias:", np.round(bias, 4))
'''

SHOW = '''\
```python
--8<-- "snippets/{topic}/{name}.py"
```

```text title="Output"
--8<-- "snippets/{topic}/{name}.out"
```
'''


class ScaffoldError(Exception):
    """Something the contributor can fix; the message says what and how."""


# --------------------------------------------------------------------------- nav


def yaml_scalar(text: str) -> str:
    """A nav title as YAML: plain when safe, else a double-quoted (JSON) string."""
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,.'()?-]*", text) and not text.endswith(" ")
    return text if plain else json.dumps(text)


def add_to_nav(config_text: str, title: str, page: str) -> str:
    """mkdocs.yml with a new top-level nav section for ``page``, before the guide's entry.

    The file is edited as text, so every comment and blank line stays where it was.
    """
    lines = config_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"nav:\s*(#.*)?$", line)), None)
    if start is None:
        raise ScaffoldError("mkdocs.yml has no top-level 'nav:' section; add one, then run again.")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    items = [(i, m) for i in range(start + 1, end) if (m := re.match(r"([ \t]*)- ", lines[i]))]
    if not items:
        raise ScaffoldError("mkdocs.yml's nav is empty or not a list; fix it, then run again.")
    top = items[0][1][1]
    child = next((m[1] for _, m in items if len(m[1]) > len(top)), top + "    ")
    if any(re.search(rf"(?<![\w/-]){re.escape(page)}\b", line) for line in lines[start:end]):
        raise ScaffoldError(f"mkdocs.yml's nav already lists {page}.")
    entry = f"{top}- {yaml_scalar(title)}:\n{child}- Lesson: {page}\n"
    before = next(
        (i for i, m in items if m[1] == top and lines[i][len(top) + 2 :].startswith(tuple(f"{n}:" for n in LAST_ENTRIES))),
        None,
    )
    if before is None:  # after the last line of the nav that is not blank
        before = end
        while before > start + 1 and not lines[before - 1].strip():
            before -= 1
        if not lines[before - 1].endswith("\n"):
            lines[before - 1] += "\n"
    lines.insert(before, entry)
    return "".join(lines)


def check_nav(old: str, new: str, title: str, page: str) -> None:
    """With PyYAML at hand: the edit added exactly one nav section and changed nothing else."""
    try:
        import yaml
    except ImportError:  # the edit is still checked by the strict build
        return

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !!python/name: etc.
    before, after = yaml.load(old, Loader=Loader), yaml.load(new, Loader=Loader)
    added = [item for item in after.get("nav", []) if item not in before.get("nav", [])]
    same = {k: v for k, v in after.items() if k != "nav"} == {k: v for k, v in before.items() if k != "nav"}
    if not same or added != [{title: [{"Lesson": page}]}] or len(after["nav"]) != len(before["nav"]) + 1:
        raise ScaffoldError("adding the page to mkdocs.yml's nav went wrong; mkdocs.yml was left as it was. "
                            f"Add it by hand: '- {title}:' with '- Lesson: {page}' below it.")


# --------------------------------------------------------------------------- create


def record(snippet: Path) -> int:
    """Run the snippet through the checker's refresh: the output is what it really prints."""
    return subprocess.call([sys.executable, "-m", "snipcheck", "refresh", rel(snippet)], cwd=ROOT, env=preset_env())


def write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # never overwrite
        handle.write(text)


def new_topic(topic: str, title: str | None) -> list[Path]:
    if not TOPIC.fullmatch(topic):
        raise ScaffoldError(f"{topic!r} is not a topic name: use lowercase letters, digits and "
                            "hyphens, for example: nox -s new -- learning-rate")
    for folder in (DOCS / topic, SNIPPETS / topic):
        if folder.exists():
            raise ScaffoldError(f"{rel(folder)} already exists. Pick another topic name, or add a "
                                f"snippet to this topic: nox -s new -- {topic}/<snippet_name>")
    title = title or topic.replace("-", " ").capitalize()
    page = f"{topic}/index.md"
    config_old = CONFIG.read_text(encoding="utf-8")
    config_new = add_to_nav(config_old, title, page)
    check_nav(config_old, config_new, title, page)
    files = [DOCS / topic / "index.md", SNIPPETS / topic / f"{FIRST}.py"]
    write_new(files[0], PAGE.format(title=title, topic=topic, first=FIRST))
    write_new(files[1], FIRST_SNIPPET.format(title=title))
    CONFIG.write_text(config_new, encoding="utf-8")
    return files


def new_snippet(topic: str, name: str) -> Path:
    if not SNIPPET.fullmatch(name):
        raise ScaffoldError(f"{name!r} is not a snippet name: start with a lowercase letter and use "
                            "lowercase letters, digits and underscores, for example: "
                            f"nox -s new -- {topic}/one_step")
    if not (SNIPPETS / topic).is_dir():
        raise ScaffoldError(f"snippets/{topic}/ does not exist. Create the topic first: nox -s new -- {topic}")
    snippet = SNIPPETS / topic / f"{name}.py"
    if snippet.exists():
        raise ScaffoldError(f"{rel(snippet)} already exists. Pick another name.")
    write_new(snippet, NEW_SNIPPET.format(topic=topic, name=name))
    return snippet


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m snipcheck new", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", help="TOPIC for a new topic, TOPIC/SNIPPET for a new snippet")
    parser.add_argument("--title", help="the page title and nav entry of a new topic")
    parser.add_argument("--no-record", action="store_true",
                        help="write the files only; record the output afterwards with nox -s outputs")
    args = parser.parse_args(argv)
    topic, _, name = args.target.strip("/").partition("/")
    try:
        if name:
            snippet = new_snippet(topic, name)
            created = [snippet]
        else:
            created = new_topic(topic, args.title)
            snippet = created[1]
    except (ScaffoldError, FileExistsError) as exc:
        print(f"nox -s new: {exc}", file=sys.stderr)
        return 2
    for path in created:
        print(f"created   {rel(path)}")
    if not name:
        print(f"added     {topic}/index.md to the nav in mkdocs.yml")
    if args.no_record:
        print(f"Its output is recorded by: {refresh_hint(rel(snippet))}")
    elif record(snippet):
        print(f"\nThe snippet failed; fix it, then record its output with: {refresh_hint(rel(snippet))}",
              file=sys.stderr)
        return 1
    if name:
        print(f"\nShow it on a page of the topic (for example docs/{topic}/index.md) with:\n")
        print(SHOW.format(topic=topic, name=name))
    print("Next: nox -s serve to see the page, nox -s tests to run every check.")
    return 0
