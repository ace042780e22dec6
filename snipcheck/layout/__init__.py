"""Where things live and how pages name them: every rule that ties pages to snippets.

* a snippet is any ``snippets/<topic>/*.py`` whose name does not start with ``_``; its
  recorded stdout sits beside it as ``<name>.out``, and ``recorded-with.json`` in the same
  folder says which versions recorded each output;
* a snippet in jupytext's percent format (its first line opens a cell with ``# %%``) is also
  the source of the notebook page of the same name in ``docs/<topic>/``;
* a page shows a snippet by an inclusion line, ``--8<-- "snippets/<topic>/<name>.py"`` (or
  ``...py:section`` for the lines between ``# --8<-- [start:section]`` and ``[end:section]``),
  and its output by a fence whose only line includes the ``.out``;
* ``nox -s outputs -- PATH`` is the one command that records or refreshes an output; it
  stamps each output's ``recorded-with.json`` entry with the sha256 of the snippet source it
  ran, so an output whose snippet changed since is known to be stale without running anything
  (``Recording.stale``: the preview shows a banner, the strict build and the checks fail).

Standard library only: the MkDocs hooks import this package (and nothing else of the engine),
so the docs build never imports TensorFlow. Its modules, each with one job; every name is
imported from here (``from snipcheck.layout import Recording``)::

    paths         where things live; paths as contributors type them, the refresh hint, the
                  environment presets, hashes, the atomic write
    grammar       the inclusion grammar: inclusion lines, sections, output blocks, settings
    recording     a recorded output and recorded-with.json; a notebook page's source hash
    snippet       the Snippet value, made once at discovery; snippets a command line names
    mkdocs_pages  pages as MkDocs finds and writes them, and the plan of a page's notebook
    versions      the version matrix's files: the list, each version's project, its results
"""

from __future__ import annotations

from snipcheck.layout.paths import (  # noqa: F401
    CONFIG, DOCS, FAST_CHECK, PRESETS, PREVIEW, ROOT, SNIPPETS, atomic_write,
    did_you_mean, digest, preset_env, previewing, refresh_hint, rel, SnippetError, source_digest,
)
from snipcheck.layout.grammar import (  # noqa: F401
    INCLUDE, OUTPUT_BLOCK, SECTION, SETTINGS, includes, sections, shown_code,
)
from snipcheck.layout.recording import (  # noqa: F401
    NOTEBOOK_META, NUMERIC_KEY, READER_KEY, RECORDED_WITH, SOURCE_KEY, read_notebook, Recording,
    stale_notebook,
)
from snipcheck.layout.snippet import (  # noqa: F401
    DEFAULTS, NOTEBOOK_MARK, discover, notebook_path, notebook_sources, output_path, pages, settings,
    Snippet, snippets_named,
)
from snipcheck.layout.mkdocs_pages import (  # noqa: F401
    FENCE, HEADING, NO_NOTEBOOK, PAGE_NOTEBOOKS, base_paths, built_page, Cell, find_included,
    front_matter, notebook_pages, page_cells, page_notebook_path, page_snippets, page_source,
    stale_page_notebook,
)
from snipcheck.layout.versions import (  # noqa: F401
    CHECKED_ON, SEAL_KEY, VERSIONS, checked_on, current_results, matrix_problem, matrix_seal,
    matrix_versions, version_project,
)
