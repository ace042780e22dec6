"""Problems the theme (Material for MkDocs) or a plugin (mkdocs-jupyter) puts in every
build, allowed once, here: the browser gate (``snipcheck.gate``, axe) and the HTML check
(``snipcheck.rules.html``, the Nu Html Checker) ask ``axe_allowed`` and ``vnu_allowed``.
Each entry has its reason and the upstream report (tests/test_rules_theme_owned.py checks both).
"""

from __future__ import annotations

import re

from snipcheck.site import NOTEBOOK_PAGES


# Problems the theme (Material for MkDocs) or a plugin (mkdocs-jupyter) puts in every build,
# that no setting or small override of ours removes. Each is matched narrowly: an axe rule on
# the named element, or a validator message on the named pages. Anything else fails.
THEME_OWNED = {
    "material-search-dialog-name": {
        "tool": "axe",
        "rule": "aria-dialog-name",
        "target": ".md-search",
        "reason": "Material's search overlay is a role=dialog <div> without an accessible "
        "name; the search field inside it is labelled. Fixing it means copying Material's "
        "whole search partial.",
        "upstream": "https://github.com/squidfunk/mkdocs-material/issues/6433",
    },
    "material-autocomplete-on-checkbox": {
        "tool": "vnu",
        "message": r"^Attribute “autocomplete” is only allowed when the input type is",
        "pages": "all",
        "reason": "Material's CSS-only toggles (drawer, search) are checkboxes with "
        "autocomplete=off, so browsers do not restore them on reload; the HTML spec does not "
        "list autocomplete for checkboxes.",
        "upstream": "https://github.com/squidfunk/mkdocs-material/issues/1513",
    },
    "material-empty-tabindex": {
        "tool": "vnu",
        "message": r"^Bad value “” for attribute “tabindex” on element “label”",
        "pages": "all",
        "reason": "Material's nav-item partial writes tabindex=\"\" on a section label "
        "(navigation.sections with navigation.indexes); browsers ignore the empty value.",
        "upstream": "https://github.com/squidfunk/mkdocs-material/pull/4836",
    },
    "material-toc-label": {
        "tool": "vnu",
        "message": r"^The value of the “for” attribute of the “label” element must be the ID "
        r"of a non-hidden form control",
        "pages": "all",
        "reason": "On a section index page Material's table-of-contents title is a <label> "
        "for the hidden __toc toggle (its CSS-only drawer).",
        "upstream": "https://github.com/squidfunk/mkdocs-material/issues/6433",
    },
    "jupyter-style-in-body": {
        "tool": "vnu",
        "message": r"^A “style” element in “body” must be the first child of its parent",
        "pages": "notebook",
        "reason": "mkdocs-jupyter inlines nbconvert's notebook styles inside the page body.",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/issues/143",
    },
    "jupyter-css": {
        "tool": "vnu",
        "message": r"^CSS: ",
        "pages": "notebook",
        "reason": "The JupyterLab stylesheet that mkdocs-jupyter inlines uses vendor and "
        "legacy properties (box-orient, overflow: overlay, ::-webkit-scrollbar parts).",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/issues/143",
    },
    "jupyter-empty-mathjax-src": {
        "tool": "vnu",
        "message": r"^Bad value “” for attribute “src” on element “script”",
        "pages": "notebook",
        "reason": "mkdocs-jupyter writes an empty MathJax <script src=\"\"> when no MathJax "
        "URL is set; the browser loads nothing (and nothing from a CDN).",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/issues/212",
    },
    "jupyter-clipboard-copy-label": {
        "tool": "vnu",
        "message": r"^The “aria-label” attribute must not be specified on any "
        r"“clipboard-copy” element",
        "pages": "notebook",
        "reason": "mkdocs-jupyter's copy button is a custom element with an aria-label (added "
        "upstream for screen readers) and no role in the markup.",
        "upstream": "https://github.com/danielfrg/mkdocs-jupyter/pull/206",
    },
}


def _pages_match(scope: str, page: str) -> bool:
    return scope == "all" or (scope == "notebook" and page in NOTEBOOK_PAGES)


def axe_allowed(rule: str, targets: list) -> str | None:
    """The THEME_OWNED key that allows this axe node, if any."""
    flat = " ".join(str(t) for t in targets)
    for key, entry in THEME_OWNED.items():
        if entry["tool"] == "axe" and entry["rule"] == rule and entry["target"] in flat:
            return key
    return None


def vnu_allowed(message: str, page: str) -> str | None:
    for key, entry in THEME_OWNED.items():
        if entry["tool"] == "vnu" and re.search(entry["message"], message) and _pages_match(
            entry["pages"], page
        ):
            return key
    return None
