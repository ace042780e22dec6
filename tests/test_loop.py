"""The contributor's loop: one message per failure, two speeds, a narrowed check, outputs
that keep recorded-with.json tidy, and a notebook that is not run again for a prose edit."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from snipcheck import layout, notebooks, outputs
from snipcheck.layout import RECORDED_WITH, ROOT

pytestmark = pytest.mark.selftest


def run_pytest(folder, *args) -> subprocess.CompletedProcess:
    """pytest, with the project's plugin, on test files written into ``folder``."""
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "snipcheck.pytest_plugin",
                           "-p", "no:cacheprovider", *args, str(folder)],
                          cwd=folder, capture_output=True, text=True)


def test_a_failed_shared_fixture_is_reported_once_and_its_dependents_skipped(tmp_path):
    (tmp_path / "test_shared.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.fixture(scope="session")
        def site():
            pytest.fail("the real cause: docs/a.md includes snippets/a/frist.py", pytrace=False)

        @pytest.fixture(scope="session")
        def served(site):
            return site

        @pytest.mark.parametrize("n", range(5))
        def test_uses_the_site(site, n):
            pass

        def test_uses_it_through_another_fixture(served):
            pass

        def test_needs_nothing():
            pass
    '''), encoding="utf-8")
    done = run_pytest(tmp_path, "-rs")
    assert "1 passed, 5 skipped, 1 error" in done.stdout, done.stdout
    assert done.stdout.count("the real cause: docs/a.md includes snippets/a/frist.py") == 1, done.stdout
    assert "the shared fixture 'site' failed; its error is reported once, above" in done.stdout


def test_the_fast_check_leaves_out_self_tests_and_the_browser(tmp_path):
    (tmp_path / "test_speeds.py").write_text(textwrap.dedent('''
        import pytest

        def test_content():
            pass

        def test_breaks_a_copy(tmp_path):
            pass

        def test_check_fails_on_a_flipped_key():
            pass

        @pytest.mark.browser
        def test_in_chromium():
            pass
    '''), encoding="utf-8")
    done = run_pytest(tmp_path, "-m", "not selftest and not browser")
    assert "1 passed, 3 deselected" in done.stdout, done.stdout


def test_only_keeps_one_topic_or_one_page_and_its_snippets(tmp_path):
    (tmp_path / "test_focus.py").write_text(textwrap.dedent('''
        import pytest
        from snipcheck import layout

        @pytest.mark.parametrize("snippet", layout.discover(), ids=layout.rel)
        def test_snippet(snippet):
            pass

        @pytest.mark.parametrize("page", sorted(layout.DOCS.rglob("*.md")), ids=layout.rel)
        def test_page(page):
            pass

        def test_the_build():
            pass
    '''), encoding="utf-8")
    pages = sorted(layout.DOCS.rglob("*.md"))
    page = next(p for p in pages if layout.includes(p.read_text(encoding="utf-8")) and p.parent != layout.DOCS)
    shown = {m["path"].split(":")[0] for m in layout.includes(page.read_text(encoding="utf-8"))
             if m["path"].endswith(".py")}
    done = run_pytest(tmp_path, "-v", "--only", str(page))
    kept = [line for line in done.stdout.splitlines() if " PASSED" in line]
    assert any(layout.rel(page) in line for line in kept), done.stdout
    assert sum("test_page[" in line for line in kept) == 1, kept
    assert {line.split("[", 1)[1].split("]")[0] for line in kept if "test_snippet[" in line} == shown
    assert any("test_the_build" in line for line in kept)

    topic = page.parent.name
    done = run_pytest(tmp_path, "-v", "--only", topic)
    snippets_kept = sum("test_snippet[" in line and " PASSED" in line for line in done.stdout.splitlines())
    assert snippets_kept == len(layout.discover(layout.SNIPPETS / topic)), done.stdout


def test_outputs_prunes_entries_whose_output_is_gone(tmp_path):
    """Replacing the scaffold's first example: first.py and first.out deleted, second.py
    recorded. The refresh removes the entry for first.out itself."""
    folder = tmp_path / "my-topic"
    folder.mkdir()
    (folder / "second.py").write_text("print(2)\n", encoding="utf-8")
    (folder / "second.out").write_text("2\n", encoding="utf-8")
    (folder / RECORDED_WITH).write_text(json.dumps({"first.out": outputs.versions()}), encoding="utf-8")
    said = []
    outputs.note_versions([folder / "second.out"], echo=said.append)
    entries = json.loads((folder / RECORDED_WITH).read_text(encoding="utf-8"))
    assert set(entries) == {"second.out"}
    assert entries["second.out"][layout.SOURCE_KEY] == layout.source_digest(folder / "second.py")
    assert any("pruned" in line and "first.out" in line for line in said), said


@pytest.mark.skipif(not layout.notebook_sources(), reason="no notebook source in this repository")
def test_a_markdown_only_edit_patches_the_notebook_without_running_it(tmp_path, monkeypatch):
    source, notebook = sorted(layout.notebook_sources().items())[0]
    copy_source, copy_notebook = tmp_path / source.name, tmp_path / notebook.name
    text = source.read_text(encoding="utf-8")
    marker = "# %% [markdown]\n"
    assert marker in text
    copy_source.write_text(text.replace(marker, marker + "# A sentence added by the test.\n#\n", 1), encoding="utf-8")
    copy_notebook.write_bytes(notebook.read_bytes())
    (tmp_path / source.with_suffix(".out").name).write_bytes(source.with_suffix(".out").read_bytes())

    def no_run(*args, **kwargs):
        raise AssertionError("the notebook was executed for a Markdown-only edit")

    monkeypatch.setattr(notebooks, "execute", no_run)
    start = time.monotonic()
    assert notebooks.generate(copy_source, copy_notebook) == "patched"
    assert time.monotonic() - start < 15
    patched = json.loads(copy_notebook.read_text(encoding="utf-8"))
    assert "A sentence added by the test." in "".join(patched["cells"][0]["source"])
    assert notebooks.stored_hash(copy_notebook) == notebooks.source_hash(copy_source)
    before = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in patched["cells"] if c["cell_type"] == "code"]
    assert code == [c for c in before["cells"] if c["cell_type"] == "code"]  # outputs kept

    # a code edit is not patched: it runs
    copy_source.write_text(copy_source.read_text(encoding="utf-8") + "\nprint('one more line')\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="executed"):
        notebooks.generate(copy_source, copy_notebook)


def test_the_lock_file_pins_every_package_the_sessions_install():
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert '"sync", "--locked"' in noxfile and "--compile-bytecode" in noxfile
    import tomllib

    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
    for group in groups.values():
        for pin in group:
            if isinstance(pin, str):
                name, _, version = pin.partition("==")
                assert f'name = "{name}"\nversion = "{version}"' in lock, f"uv.lock does not pin {pin}: run uv lock"
