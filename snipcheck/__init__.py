"""The engine behind the site's promise: every code line a reader sees runs, and every
output shown is the recorded output of that run.

Modules, each with one job (arrows are imports; nothing here imports ``tests``, and the
MkDocs hooks import ``layout`` only, so the docs build never imports TensorFlow)::

    layout/    every rule that ties pages to snippets: paths, the inclusion grammar, the
               Recording and Snippet values, page notebook plans, the matrix's files; the
               one part the hooks import (standard library only; its docstring maps it)
    compare    normalise, tolerance compare, diff; ``mismatch`` against a recording
    numeric    one numeric path on every CPU: the kernel settings applied before TensorFlow
               is imported                                      (standard library only)
    run        TensorFlow preloaded once, one forked child per snippet, the scheduler, Result
    status     how a run ended: one Status per outcome, with its headline and its fix
    detector   the second run as another CPU: refuses an output another CPU prints differently
    guards     audit hooks: no network, no repository writes, no fork, no warnings; the same
               in a notebook kernel
    confinement  the kernel's namespaces around a snippet or a notebook kernel: no network,
               the repository read-only, a PID namespace that ends with the run; the line each
               run prints about it, and CI's rule
    store      one atomic, signed JSON store behind one switch (SNIPCHECK_CACHE)
    cache      verified runs, keyed on everything that can change an output
    outputs    check and refresh recorded outputs, version stamps
    matrix     every snippet on every supported TensorFlow (``nox -s versions``): run one
               version, compare, record its results; print the matrix
    rules/     the content rules, one module per subject (its docstring maps them): pages,
               seeds, prose, quiz, practice, links, html, theme_owned; tests/ calls them
    notebooks  notebook pages generated from percent-format snippets, same guards and
               confinement
    page_notebooks  a notebook for every topic page that shows code, from its snippets in
               page order; checked top to bottom in a kernel, and each cell alone
    scaffold   ``nox -s new``: a topic or a snippet that passes the checks at once
    site       build, serve on 127.0.0.1, Debian's Chromium, the list of pages
    gate       the browser gate: every page in Chromium (axe, Tab walk, widths), per view
    bench      ``nox -s bench``: speed and size, side by side
    pytest_plugin  the test run's shape: markers, ``--only PATH``, one message per failure

``python -m snipcheck`` is the command line (see ``__main__``).
"""
