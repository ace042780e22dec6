"""MkDocs hook for the live preview (``nox -s serve``).

* It marks the process as a preview (``snipcheck.layout.previewing``), so the other hooks show
  a stale output as a banner on its page instead of failing the build.
* It serves the site at the root of the dev address (http://127.0.0.1:8000/), the URL the
  guide gives, instead of under the path of ``site_url`` (the published site's prefix).

The files the preview watches beside docs/ and mkdocs.yml (snippets/, hooks/, overrides/)
are listed under ``watch:`` in mkdocs.yml. Only the standard library, MkDocs and
``snipcheck.layout`` are used.
"""

from __future__ import annotations

import os

from snipcheck.layout import PREVIEW


def on_startup(command, dirty):
    os.environ[PREVIEW] = "1" if command == "serve" else "0"


def on_serve(server, config, builder):
    host, port = config["dev_addr"]
    server.mount_path = "/"
    server.url = f"http://{host}:{port}/"
    return server
