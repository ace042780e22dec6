"""Every internal link and anchor of the built HTML resolves, raw-HTML blocks and notebook
pages included (MkDocs's own validation sees Markdown links only); links to other hosts are
listed, not fetched.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from snipcheck.layout import CONFIG
from snipcheck.site import page_of

SITE_URL = yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["site_url"]

LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src",
           "iframe": "src", "video": "src", "audio": "src"}


def _ids(file: Path, cache: dict) -> set[str]:
    if file not in cache:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        cache[file] = {t["id"] for t in soup.find_all(id=True)} | {
            t["name"] for t in soup.find_all("a", attrs={"name": True})}
    return cache[file]


def link_problems(site: Path) -> tuple[list[str], list[str], int]:
    """Every internal href/src of every built page: the file exists and the #fragment is an
    id in it. Returns (problems, external links not tested, internal links checked)."""
    from bs4 import BeautifulSoup

    problems, external, checked, ids = [], set(), 0, {}
    for file in sorted(site.rglob("*.html")):
        page = page_of(site, file)
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        here = urljoin(SITE_URL, file.relative_to(site).as_posix())
        for tag, attr in ((t, a) for name, a in LINKING.items() for t in soup.find_all(name) if t.get(a) is not None):
            raw = tag[attr].strip()
            if raw == "" or raw.startswith(("data:", "javascript:", "mailto:", "tel:")):
                continue
            url = urljoin(here, raw)
            if not url.startswith(SITE_URL):
                if urlsplit(url).scheme in ("http", "https"):
                    external.add(url.split("#")[0])
                    continue
                problems.append(f"{page}: link {raw!r} leaves the site's address ({SITE_URL})")
                continue
            checked += 1
            parts = urlsplit(url[len(SITE_URL):])
            target = site / unquote(parts.path)
            if target.is_dir() or parts.path == "":
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page}: broken link {raw!r}: no file {target.relative_to(site)}")
                continue
            if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target, ids):
                problems.append(f"{page}: broken anchor {raw!r}: no id {unquote(parts.fragment)!r} in "
                                f"{page_of(site, target)}")
    return problems, sorted(external), checked

