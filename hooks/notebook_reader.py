"""MkDocs hook: notebook pages that are light, keyboard-friendly and searchable.

mkdocs-jupyter renders a notebook as JupyterLab would show it. That page was heavy and hard
to use on a phone or with a keyboard. This hook rewrites the rendered notebook:

* every chart gets the alt text its cell gave it (``Image(png, metadata={"alt": ...})`` in
  the notebook source; nbconvert otherwise writes "No description has been provided for this
  image"), and becomes a file beside the page, loaded lazily, with its width and height set;
* the ``tabindex="0"`` that nbconvert puts on every cell and output is removed (a Tab stop
  that does nothing); overrides/main.html makes an output focusable only when it scrolls;
* a text output gets an "Output" title, like the lesson's output blocks;
* a heading that opens a Markdown cell moves out of the cell, so site search files each
  code cell under its own heading (it nests sections by element depth), and the hidden copy
  of each cell's code (for the copy button) is kept out of the search index;
* the ``<style>`` that holds a Python list repr (invalid CSS, from mkdocs-jupyter) is dropped;
* the inlined JupyterLab stylesheet keeps only the rules that match something on the page,
  and the custom properties those rules use (``purge``). Rules for state that JavaScript
  sets later are kept by SAFE below. The live preview skips this step (it is a third of a
  rebuild, and the page looks the same without it), as Material's optimize plugin is off
  outside the build.

Uses the standard library, MkDocs, ``snipcheck.layout`` (which names the page in messages) and
two parsers pinned in the docs dependency group that mkdocs-jupyter already installs (via
nbconvert): BeautifulSoup (with soupsieve, its CSS selector engine) and tinycss2. The docs
build never imports TensorFlow.
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path, PurePosixPath

import tinycss2
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from snipcheck.layout import page_source, previewing, read_notebook

DEFAULT_ALT = "No description has been provided for this image"
# Selectors about state that the page's scripts set after load, kept whatever the HTML says.
SAFE = re.compile(r"md-typeset__(?:scrollwrap|table)|clipboard|\.notice")
# Pseudo-classes and pseudo-elements that describe state or generated boxes: removed from a
# selector before asking whether it matches the page (":hover" matches nothing at build time).
STATEFUL = re.compile(
    r"::?-?[\w-]*(?:scrollbar|selection|placeholder|before|after|marker|backdrop)[\w-]*"
    r"|:(?:hover|focus(?:-visible|-within)?|active|visited|link|target|checked|disabled|enabled"
    r"|indeterminate|invalid|valid|required|optional|read-only|read-write|fullscreen|"
    r"-[\w-]+)(?![\w-])"
)
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")

_figures: dict[Path, bytes] = {}  # site file -> PNG, written after the build


# --------------------------------------------------------------------------- page content


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def chart_alts(path: str) -> list[str | None]:
    """The alt text of every PNG output of the notebook, in page order (None: not given)."""
    nb = read_notebook(path)
    alts = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                meta = output.get("metadata", {})
                alt = meta.get("alt") or (meta.get("image/png") or {}).get("alt")
                alts.append(_text(alt) if alt else None)
    return alts


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's header, or None if it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def reshape(content: str, page, config) -> str:
    soup = BeautifulSoup(content, "html.parser")
    src = page.file.src_uri
    # Drop the Python list repr that mkdocs-jupyter writes into a <style>.
    for style in soup.find_all("style"):
        if style.get_text().lstrip().startswith("['"):
            style.decompose()
    # No Tab stop that does nothing.
    for node in soup.select(".jupyter-wrapper [tabindex]"):
        if node.name not in ("a", "button", "input", "select", "textarea", "summary"):
            del node["tabindex"]
    # Charts: alt text from the notebook, a file of their own, loaded lazily.
    images = soup.select(".jupyter-wrapper .jp-RenderedImage img")
    alts = chart_alts(page.file.abs_src_path)
    stem = PurePosixPath(src).stem
    site = Path(config["site_dir"]) / PurePosixPath(page.file.dest_uri).parent
    missing = []
    for number, img in enumerate(images, start=1):
        alt = alts[number - 1] if number <= len(alts) else None
        if alt:
            img["alt"] = alt
        elif img.get("alt", DEFAULT_ALT) == DEFAULT_ALT:
            missing.append(number)
        source = img.get("src", "")
        if source.startswith("data:image/png;base64,"):
            data = base64.b64decode(source.split(",", 1)[1])
            name = f"{stem}-chart-{number}.png"
            _figures[site / name] = data
            img["src"] = name
            size = png_size(data)
            if size and not img.get("width"):
                img["width"], img["height"] = str(size[0]), str(size[1])
        img["loading"] = "lazy"
        img["decoding"] = "async"
    if missing:
        raise PluginError(
            f"{page_source(config, src)}: chart(s) {', '.join(map(str, missing))} have no alt text, so screen "
            "readers would hear nbconvert's default. In the notebook source under snippets/, show "
            'each chart with IPython.display.Image(png, metadata={"alt": "what it shows"}), then '
            "regenerate the notebook with: nox -s outputs"
        )
    # Text outputs: titled "Output", like the lesson's output blocks.
    for output in soup.select(".jupyter-wrapper .jp-RenderedText"):
        label = soup.new_tag("span", attrs={"class": "nb-output-title", "data-search-exclude": ""})
        label.string = "Output"
        output.insert(0, label)
    # Headings that open a Markdown cell move in front of the cell (see the module doc).
    for cell in soup.select(".jupyter-wrapper .jp-MarkdownCell"):
        rendered = cell.select_one(".jp-RenderedMarkdown")
        first = rendered and next((c for c in rendered.children if getattr(c, "name", None)), None)
        if first is not None and re.fullmatch(r"h[2-6]", first.name or "") and first.get("id"):
            cell.insert_before(first.extract())
    # Copy buttons: Material's, as on every other page (it adds one to each <pre><code>),
    # instead of mkdocs-jupyter's, whose hidden copy of the code was indexed a second time.
    for node in soup.select(".jupyter-wrapper .clipboard-copy-txt, .jupyter-wrapper .zeroclipboard-container"):
        node.decompose()
    for script in soup.find_all("script"):
        text = script.get_text()
        if "clipboard-copy" in text or "ClipboardCopyElement" in text:
            script.decompose()
        elif "mermaid" in text and not soup.select(".jp-Mermaid, .mermaid"):
            script.decompose()  # the Mermaid loader, on a page without diagrams
    for pre in soup.select(".jupyter-wrapper .highlight-ipynb > pre"):
        if pre.code is None:
            code = soup.new_tag("code")
            for child in list(pre.contents):
                code.append(child.extract())
            pre.append(code)
    return str(soup)


def on_page_content(content, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return content
    return reshape(content, page, config)


def on_post_build(config):
    for target, data in _figures.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# --------------------------------------------------------------------------- stylesheet purge


def _selectors(prelude) -> list[str]:
    """The selectors of a rule's prelude, split at top-level commas."""
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return [tinycss2.serialize(p).strip() for p in parts if tinycss2.serialize(p).strip()]


def _matches(selector: str, soup, classes: set[str]) -> bool:
    if SAFE.search(selector):
        return True
    # Quick no: a class the page never uses (most of JupyterLab's stylesheet).
    plain = re.sub(r":not\([^()]*\)", "", selector)
    if any(name not in classes for name in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", plain)):
        return False
    probe = STATEFUL.sub("", selector)
    probe = re.sub(r"\[data-md-color-scheme[^\]]*\]", "[data-md-color-scheme]", probe)
    probe = re.sub(r":(?:not|is|where)\(\s*\)", "", " ".join(probe.split()))
    # A compound left empty (".menu > :hover" -> ".menu > ") stands for any element.
    probe = re.sub(r"(^|[>+~(]\s*)(?=$|[),>+~])", r"\1*", probe.strip()).strip() or "*"
    try:
        return soup.select_one(probe) is not None
    except Exception:  # a selector soupsieve does not know: keep the rule
        return True


def _kept_rules(rules, soup, classes: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _selectors(rule.prelude) if _matches(s, soup, classes)]
            if selectors:
                kept.append((", ".join(selectors), rule))
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            inner = _kept_rules(tinycss2.parse_rule_list(rule.content, True, True), soup, classes)
            if inner:
                kept.append((rule, inner))
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":
            kept.append((None, rule))
    return kept


def _declarations(rule) -> list:
    return [d for d in tinycss2.parse_blocks_contents(rule.content, True, True) if d.type == "declaration"]


def _walk(kept):
    for head, body in kept:
        if isinstance(head, str):
            yield body
        elif head is not None:
            yield from _walk(body)


def _write(kept, used: set[str]) -> str:
    out = []
    for head, body in kept:
        if isinstance(head, str):
            decls = [d for d in _declarations(body) if not d.name.startswith("--") or d.name in used]
            if decls:
                text = ";".join(f"{d.name}:{tinycss2.serialize(d.value).strip()}"
                                + ("!important" if d.important else "") for d in decls)
                out.append(f"{head}{{{text}}}")
        elif head is None:
            out.append(tinycss2.serialize([body]))
        else:
            inner = _write(body, used)
            if inner:
                out.append(f"@{head.at_keyword} {tinycss2.serialize(head.prelude).strip()}{{{inner}}}")
    return "".join(out)


def purge(css: str, soup) -> str:
    """The rules of css that match the page, with only the custom properties they use."""
    classes = {c for tag in soup.find_all(class_=True) for c in tag["class"]}
    kept = _kept_rules(tinycss2.parse_stylesheet(css, True, True), soup, classes)
    defined: dict[str, str] = {}
    used: set[str] = set()
    for rule in _walk(kept):
        for decl in _declarations(rule):
            value = tinycss2.serialize(decl.value)
            if decl.name.startswith("--"):
                defined[decl.name] = defined.get(decl.name, "") + value
            else:
                used.update(VAR_USE.findall(value))
    for head, body in kept:  # at-rules such as @keyframes use properties too
        if head is None:
            used.update(VAR_USE.findall(tinycss2.serialize([body])))
    # Properties the site's own stylesheets read from the notebook's (extra.css).
    used.update(n for n in defined if n.startswith("--jp-mirror-editor"))
    # Custom properties that use others: follow them until nothing new turns up.
    todo = list(used)
    while todo:
        for name in VAR_USE.findall(defined.get(todo.pop(), "")):
            if name not in used:
                used.add(name)
                todo.append(name)
    return _write(kept, used)


STYLE = re.compile(r'(<style[^>]*>)(.*?)(</style>)', re.DOTALL)


def on_post_page(output, page, config):
    if not page.file.src_uri.endswith(".ipynb") or previewing():
        return output
    soup = BeautifulSoup(output, "html.parser")
    for style in soup.find_all("style"):
        style.decompose()

    def shrink(match: re.Match) -> str:
        css = match[2]
        if len(css) < 2000:  # the small page styles: as they are
            return match[0]
        return match[1] + purge(css, soup) + match[3]

    return STYLE.sub(shrink, output)
