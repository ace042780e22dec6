"""MkDocs hook: every built page sends a strict Content Security Policy.

A page may only run the scripts that the site ships (``'self'``) and the theme's own inline
scripts, each allowed by the SHA-256 hash of its exact text, computed here at build time
from the page as written. Anything else that would run in the reader's browser, such as a
``<script>`` that slipped into a page's Markdown, an ``onload=`` attribute or a
``javascript:`` link, is refused by the browser (``tests/test_hardening.py`` checks that no
page reports a violation, and ``snipcheck.rules.raw_html_problems`` names such a page before
it is built). The policy is a ``<meta http-equiv>`` tag, the first child of ``<head>``, so it
covers every script after it; GitHub Pages cannot send headers.

Only the standard library and MkDocs are used: the docs build never imports TensorFlow.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

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


def inline_script_hashes(page: str) -> list[str]:
    """The CSP source of every inline script the browser would run, in page order."""
    found = []
    for m in SCRIPT.finditer(page):
        attrs = m["attrs"] or ""
        if re.search(r"\ssrc\s*=", attrs, re.IGNORECASE):
            continue
        kind = TYPE.search(attrs)
        if (kind["type"].lower() if kind else "") not in RUNS:
            continue
        digest = base64.b64encode(hashlib.sha256(m["text"].encode("utf-8")).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in found:
            found.append(source)
    return found


def with_policy(page: str) -> str:
    """The page with its Content Security Policy as the first element of <head>."""
    head = HEAD.search(page)
    if head is None or 'http-equiv="Content-Security-Policy"' in page:
        return page
    policy = POLICY.format(hashes=" ".join(inline_script_hashes(page)))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=False)}">'
    return page[: head.end()] + meta + page[head.end() :]


def on_post_page(output: str, page, config) -> str:
    return with_policy(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    return with_policy(output_content) if template_name.endswith(".html") else output_content
