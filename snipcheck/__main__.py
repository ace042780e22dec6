"""One command line for the engine (the nox sessions call it)::

    python -m snipcheck check     [SNIPPET ...]          compare snippets with their recorded outputs
    python -m snipcheck refresh   [SNIPPET ...]          re-run them, rewrite outputs that changed
    python -m snipcheck notebooks [--force] [SNIPPET ...] regenerate notebooks from their sources
    python -m snipcheck new       TOPIC[/SNIPPET] [...]  scaffold a topic or a snippet
    python -m snipcheck bench     [--samples N] [--only PARTS]  speed and size figures, side by side
    python -m snipcheck matrix    --version 2.16 [--record] [SNIPPET ...]  on one TensorFlow of the matrix

The commands that run snippets (check, refresh, notebooks) first print which confinement is
active (``snipcheck.confinement``), and under ``CI`` stop when some of it is missing.
"""

from __future__ import annotations

import sys

COMMANDS = ("check", "refresh", "notebooks", "new", "bench", "matrix")


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"], ["help"]):
        print(__doc__.strip())
        return 0
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    from snipcheck import numeric

    numeric.apply()  # before anything imports TensorFlow or NumPy: one numeric path everywhere
    if command in ("check", "refresh", "notebooks", "matrix") and not {"-h", "--help"} & set(rest):
        from snipcheck import confinement

        problem = confinement.problem()
        print(problem or confinement.describe(), file=sys.stderr if problem else sys.stdout, flush=True)
        if problem:
            return 2
    if command in ("check", "refresh"):
        from snipcheck import outputs

        return outputs.main(command, rest)
    if command == "notebooks":
        from snipcheck import notebooks

        return notebooks.main(rest)
    if command == "matrix":
        from snipcheck import matrix

        return matrix.main(rest)
    if command == "new":
        from snipcheck import scaffold

        return scaffold.main(rest)
    from snipcheck import bench

    return bench.main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
