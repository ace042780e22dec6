"""MkDocs hook: every built page sends a strict Content Security Policy.

A page may only run the scripts that the site ships (``'self'``) and the theme's own inline
scripts (Material's, and mkdocs-jupyter's on a notebook page), each allowed by the SHA-256
hash of its exact text, computed here at build time. A script that comes from the page's own
source (a ``<script>`` in the Markdown, or in a notebook's Markdown cell or output) gets no
hash, so the browser refuses it, as it refuses an ``onload=`` attribute or a ``javascript:``
link (``tests/test_browser_site.py`` checks that no
page reports a violation, and ``snipcheck.rules.pages.raw_html_problems`` names such a page before
it is built). The policy is a ``<meta http-equiv>`` tag, the first child of ``<head>``, so it
covers every script after it; GitHub Pages cannot send headers.

Only the standard library and MkDocs are used: the docs build never imports TensorFlow.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

from snipcheck.layout import read_notebook

# An inline script element: <script attrs>text</script>, without a src attribute.
SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<text>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
TYPE = re.compile(r"""\stype\s*=\s*(["']?)(?P<type>[^"'\s>]*)\1""", re.IGNORECASE)
# Script types the browser runs; others (application/json, text/x-mathjax-config) are data.
RUNS = {"", "module", "text/javascript", "application/javascript", "text/ecmascript"}
HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)

POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)


def inline_scripts(page: str) -> list[str]:
    """The text of every inline script the browser would run, in page order."""
    found = []
    for m in SCRIPT.finditer(page):
        attrs = m["attrs"] or ""
        if re.search(r"\ssrc\s*=", attrs, re.IGNORECASE):
            continue
        kind = TYPE.search(attrs)
        if (kind["type"].lower() if kind else "") in RUNS:
            found.append(m["text"])
    return found


def source_of(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def with_policy(page: str, untrusted=lambda script: False) -> str:
    """The page with its Content Security Policy as the first element of <head>: a hash for
    every inline script except those ``untrusted`` says came from the page's own source."""
    head = HEAD.search(page)
    if head is None or 'http-equiv="Content-Security-Policy"' in page:
        return page
    hashes = []
    for script in inline_scripts(page):
        if not untrusted(script) and source_of(script) not in hashes:
            hashes.append(source_of(script))
    policy = POLICY.format(hashes=" ".join(hashes))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=False)}">'
    return page[: head.end()] + meta + page[head.end() :]


def _author_text(page) -> str:
    """What the page's author wrote: a notebook's Markdown cells and stored outputs."""
    try:
        cells = read_notebook(page.file.abs_src_path).get("cells", [])
    except (OSError, ValueError, AttributeError, TypeError):
        return ""
    return json.dumps([c.get("source") for c in cells if c.get("cell_type") == "markdown"]
                      + [c.get("outputs") for c in cells], ensure_ascii=False)


def on_post_page(output: str, page, config) -> str:
    content = page.content or ""
    if str(page.file.src_uri).endswith(".ipynb"):
        # mkdocs-jupyter puts its own template scripts into the content: trust those, not
        # what the notebook's author wrote (a script text found in the notebook's source).
        written = _author_text(page)
        return with_policy(output, lambda script: bool(script.strip()) and (
            script.strip() in written or json.dumps(script.strip(), ensure_ascii=False)[1:-1] in written))
    authored = set(inline_scripts(content))  # a Markdown page's content is all the author's
    return with_policy(output, lambda script: script in authored)


def on_post_template(output_content: str, template_name: str, config) -> str:
    return with_policy(output_content) if template_name.endswith(".html") else output_content
