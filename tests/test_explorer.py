"""The training explorer (docs/training-weights/explorer.md): its JavaScript agrees with Keras.

* The engine (docs/javascripts/explorer-engine.js), run in Chromium on the served site,
  gives Keras's recorded w, b and loss (snippets/training-weights/explorer_keras.out) at
  every step of every run, within float32 tolerance; a mismatch names the optimizer, the
  setting and the step. With Adam's bias correction removed, the comparison fails.
* "Copy as TensorFlow" copies code that, run with Python, prints what the widget shows.
* "Copy link": the link copied after 15 Adam steps reopens, in a new browser context, on
  the same w, b and loss; the address follows the state without new history entries; a
  link pasted into the open page opens; a refused clipboard points to the address bar; and
  every malformed or hostile fragment leaves the explorer on its defaults, with no error.
* In Chromium: stepping, the diverging preset, Adam against SGD, the keyboard alone, the
  live region, reduced motion, no JavaScript, 360 px, axe and requests to other hosts.
* The data file is what its generator makes; the explorer's own JS and CSS fit the budget.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from snipcheck.layout import ROOT, rel
from snipcheck.site import watched_page
RECORDED = ROOT / "snippets/training-weights/explorer_keras.out"
TEMPLATE = ROOT / "snippets/training-weights/explorer_template.py"
POINTS = ROOT / "docs/assets/explorer/points.json"
GENERATOR = ROOT / "snippets/training-weights/_explorer_points.py"
ENGINE = ROOT / "docs/javascripts/explorer-engine.js"
OWN_FILES = [ENGINE, ROOT / "docs/javascripts/explorer.js", ROOT / "docs/stylesheets/explorer.css"]
BUDGET = 40_000  # bytes, unminified: the explorer's own JavaScript and CSS
PAGE = "/training-weights/explorer/"
# float32 keeps about 7 significant digits; 100 steps of rounding stay well inside these.
RTOL, ATOL = 5e-5, 1e-6
MIN_STEPS = 100
BIAS_CORRECTION = "var alpha = f(f(lr * f(Math.sqrt(f(1 - b2p)))) / f(1 - b1p)); // bias correction"
HEADER = re.compile(r"^# (\w+) learning_rate=(\S+) batch_size=(\d+) seed=(\d+)$")
PRINTED = re.compile(r"^step +(\d+): w = (\S+), b = (\S+), loss = (\S+)$")


# --------------------------------------------------------------------------- recorded run


def recorded_runs(path: Path = RECORDED) -> list[dict]:
    """Each run of the recorded Keras output: settings and rows [w, b, loss] by step."""
    runs: list[dict] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        header = HEADER.match(line)
        if header:
            name, rate, batch, seed = header.groups()
            runs.append({"settings": {"optimizer": name, "learningRate": float(rate),
                                      "batchSize": int(batch), "seed": int(seed)}, "rows": []})
        else:
            runs[-1]["rows"].append([float(v) for v in line.split()[1:]])
    return runs


def describe(settings: dict) -> str:
    return (f"{settings['optimizer']} learning_rate={settings['learningRate']} "
            f"batch_size={settings['batchSize']} seed={settings['seed']}")


def compare(run: dict, computed: list[list[float]]) -> tuple[list[str], float, float]:
    """Mismatches (first one per run, with the step), the largest absolute and relative gaps."""
    problems, largest, relative = [], 0.0, 0.0
    if len(computed) != len(run["rows"]):
        return [f"{describe(run['settings'])}: JavaScript gave {len(computed)} rows, Keras "
                f"{len(run['rows'])}"], largest, relative
    for step, (keras_row, js_row) in enumerate(zip(run["rows"], computed)):
        for name, want, got in zip(("w", "b", "loss"), keras_row, js_row):
            gap = abs(got - want)
            largest = max(largest, gap)
            relative = max(relative, gap / max(abs(want), ATOL))
            if not problems and not gap <= ATOL + RTOL * abs(want):
                problems.append(
                    f"{describe(run['settings'])}, step {step}: {name} is {got!r} in JavaScript "
                    f"but {want!r} in Keras (difference {gap:.3g}, tolerance "
                    f"{ATOL + RTOL * abs(want):.3g}). Fix the rule in {rel(ENGINE)}, or "
                    f"if Keras changed, record again: nox -s outputs -- "
                    f"{rel(RECORDED.with_suffix('.py'))}"
                )
    return problems, largest, relative


def engine_history(page, source: str | None, run: dict) -> list[list[float]]:
    """The engine's rows for a recorded run: the page's own engine, or ``source`` evaluated
    apart from the page (a changed copy of the engine)."""
    return page.evaluate(
        """([source, data, settings, steps]) => {
            let engine = window.ExplorerEngine;
            if (source !== null) {
                const module = { exports: {} };
                new Function("module", source)(module);
                engine = module.exports;
            }
            return engine.history(engine.loadPoints(data), settings, steps);
        }""",
        [source, json.loads(POINTS.read_text(encoding="utf-8")), run["settings"], len(run["rows"]) - 1],
    )


def test_the_recorded_run_covers_every_optimizer_for_enough_steps():
    steps = {}
    for run in recorded_runs():
        name = run["settings"]["optimizer"]
        steps[name] = max(steps.get(name, 0), len(run["rows"]) - 1)
    assert set(steps) == {"sgd", "momentum", "adam"}, steps
    assert all(s >= MIN_STEPS for s in steps.values()), steps


def test_the_comparison_names_optimizer_setting_and_step():
    run = recorded_runs()[0]
    changed = [list(row) for row in run["rows"]]
    changed[7][1] += 0.01
    problems, largest, _ = compare(run, changed)
    assert problems and "sgd learning_rate=0.1 batch_size=32 seed=0, step 7: b" in problems[0], problems
    assert largest == pytest.approx(0.01, rel=1e-3)


def test_the_points_file_is_what_its_generator_makes():
    done = subprocess.run([sys.executable, str(GENERATOR)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == POINTS.read_text(encoding="utf-8"), (
        f"{rel(POINTS)} is not what {rel(GENERATOR)} prints. Never edit it by "
        f"hand; write it again with: python {rel(GENERATOR)} > {rel(POINTS)}"
    )


def test_the_explorer_fits_its_budget():
    sizes = {rel(p): p.stat().st_size for p in OWN_FILES}
    assert sum(sizes.values()) <= BUDGET, f"{sum(sizes.values())} bytes > {BUDGET}: {sizes}"


# --------------------------------------------------------------------------- in Chromium


class Watched:
    """A page in a fresh context (``snipcheck.site.watched_page``); closing it asserts that
    nothing went to another host and nothing failed."""

    def __init__(self, browser, url: str, **options):
        self._stack = contextlib.ExitStack()
        self.page, self.errors, self.foreign = self._stack.enter_context(watched_page(browser, url, **options))

    def close(self):
        try:
            assert not self.foreign, f"requests to another host: {self.foreign}"
            assert not self.errors, f"errors on {PAGE}: {self.errors}"
        finally:
            self._stack.close()


@pytest.fixture
def explorer(browser, site_url):
    watched = Watched(browser, site_url + PAGE, viewport={"width": 1280, "height": 900})
    watched.page.wait_for_selector("#explorer-step")
    yield watched.page
    watched.close()


def shown(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#explorer-numbers dd')].map(d => [d.dataset.name, d.textContent]))""")


def press_step(page, times: int) -> None:
    for _ in range(times):
        page.click("#explorer-step")


def choose(page, optimizer: str, rate: float, batch: int, seed: int) -> None:
    page.select_option("#explorer-optimizer", optimizer)
    page.select_option("#explorer-batch", str(batch))
    page.select_option("#explorer-seed", str(seed))
    page.evaluate(
        """rate => { const r = document.querySelector('#explorer-rate');
            for (let i = 0; i <= Number(r.max); i++) { r.value = i; r.dispatchEvent(new Event('input'));
              if (document.querySelector('#explorer-rate-value').textContent === String(rate)) return; }
            throw new Error('no learning rate ' + rate); }""",
        rate,
    )


@pytest.mark.browser
def test_the_engine_gives_kerass_numbers_at_every_step(explorer):
    problems, largest, relative, compared = [], 0.0, 0.0, 0
    for run in recorded_runs():
        found, gap, rel = compare(run, engine_history(explorer, None, run))
        problems += found
        largest, relative, compared = max(largest, gap), max(relative, rel), compared + len(run["rows"])
    print(f"\nexplorer vs Keras: {compared} steps, largest difference {largest:.3g} "
          f"(largest relative {relative:.3g})")
    assert not problems, "\n".join(problems)


@pytest.mark.selftest
@pytest.mark.browser
def test_without_adams_bias_correction_the_comparison_fails_naming_the_step(explorer):
    source = ENGINE.read_text(encoding="utf-8")
    assert source.count(BIAS_CORRECTION) == 1, (
        f"the bias-correction line moved in {rel(ENGINE)}: update BIAS_CORRECTION here")
    broken = source.replace(BIAS_CORRECTION, "var alpha = lr;")
    problems = []
    for run in recorded_runs():
        problems += compare(run, engine_history(explorer, broken, run))[0]
    assert problems and all(p.startswith("adam ") for p in problems), problems
    assert ", step 1: w is" in problems[0], problems


@pytest.mark.browser
def test_stepping_changes_w_b_and_the_loss_as_the_engine_and_keras_say(explorer):
    assert shown(explorer)["step"] == "0"
    press_step(explorer, 3)
    expected = explorer.evaluate(
        """data => { const E = window.ExplorerEngine; const run = E.makeRun(E.loadPoints(data),
            {optimizer: 'sgd', learningRate: 0.1, batchSize: 32, seed: 0});
            run.step(); run.step(); const s = run.step();
            return {step: '3', w: s.w.toFixed(4), b: s.b.toFixed(4), gw: s.gw.toFixed(4),
                    gb: s.gb.toFixed(4), loss: s.loss.toFixed(4)}; }""",
        json.loads(POINTS.read_text(encoding="utf-8")),
    )
    assert shown(explorer) == expected
    keras = next(r for r in recorded_runs() if describe(r["settings"]) == "sgd learning_rate=0.1 batch_size=32 seed=0")
    for value, want in zip((shown(explorer)[k] for k in ("w", "b", "loss")), keras["rows"][3]):
        assert abs(float(value) - want) <= 5e-5 + 1e-5 * abs(want)
    assert "step 3" in explorer.text_content("#explorer-status")


@pytest.mark.browser
def test_the_diverging_preset_makes_the_loss_grow(explorer):
    explorer.click("text=Diverges (1.05)")
    losses = [float(shown(explorer)["loss"])]
    for _ in range(12):
        press_step(explorer, 1)
        losses.append(float(shown(explorer)["loss"]))
    assert all(b > a for a, b in zip(losses, losses[1:])), losses
    assert losses[-1] > 10 * losses[0], losses


@pytest.mark.browser
def test_adams_path_differs_from_sgds(explorer):
    press_step(explorer, 15)
    sgd = shown(explorer)
    explorer.select_option("#explorer-optimizer", "adam")
    press_step(explorer, 15)
    adam = shown(explorer)
    paths = explorer.eval_on_selector_all(".explorer__path", "ps => ps.map(p => p.getAttribute('d'))")
    assert abs(float(sgd["w"]) - float(adam["w"])) > 0.2 or abs(float(sgd["b"]) - float(adam["b"])) > 0.2
    assert len(set(paths)) == len(paths) and all(paths), "the old (SGD) and new (Adam) paths are drawn"


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.textContent")


@pytest.mark.browser
def test_the_keyboard_alone_runs_every_control(explorer):
    explorer.focus("#explorer-rate")
    reached = []
    for _ in range(14):
        reached.append(focused(explorer))
        explorer.keyboard.press("Tab")
    for control in ["explorer-rate", "Crawls (0.001)", "Good (0.1)", "Diverges (1.05)", "explorer-optimizer",
                    "explorer-batch", "explorer-seed", "explorer-step", "explorer-play",
                    "explorer-reset", "explorer-copy", "explorer-link"]:
        assert control in reached, f"Tab never reaches {control}: {reached}"

    explorer.focus("#explorer-rate")
    explorer.keyboard.press("ArrowRight")
    assert explorer.text_content("#explorer-rate-value") == "0.2"
    explorer.focus("#explorer-optimizer")
    explorer.keyboard.press("ArrowDown")
    assert explorer.eval_on_selector("#explorer-optimizer", "s => s.value") == "momentum"
    explorer.focus("#explorer-batch")
    explorer.keyboard.press("ArrowDown")
    assert explorer.eval_on_selector("#explorer-batch", "s => s.value") == "16"
    explorer.focus("#explorer-step")
    explorer.keyboard.press("Enter")
    explorer.keyboard.press("Space")
    assert shown(explorer)["step"] == "2"
    explorer.focus("#explorer-play")
    explorer.keyboard.press("Enter")
    explorer.wait_for_function("() => Number(document.querySelector('[data-name=step]').textContent) >= 5")
    explorer.keyboard.press("Space")
    assert explorer.get_attribute("#explorer-play", "aria-pressed") == "false"
    paused = shown(explorer)["step"]
    explorer.wait_for_timeout(400)
    assert shown(explorer)["step"] == paused, "Pause stops the steps"
    explorer.focus("#explorer-reset")
    explorer.keyboard.press("Enter")
    assert shown(explorer)["step"] == "0"
    explorer.focus("text=Crawls (0.001)")
    explorer.keyboard.press("Enter")
    assert explorer.text_content("#explorer-rate-value") == "0.001"
    explorer.focus("#explorer-link")
    explorer.keyboard.press("Enter")
    explorer.wait_for_function("() => document.querySelector('#explorer-copy-status').textContent !== ''")
    said = explorer.text_content("#explorer-copy-status")
    assert said.startswith("Copied a link to step 0") or "address bar" in said, said
    assert explorer.get_attribute("#explorer-copy-status", "aria-live") == "polite"


@pytest.mark.browser
def test_the_live_region_is_polite_and_quiet_while_playing(explorer):
    assert explorer.get_attribute("#explorer-status", "aria-live") == "polite"
    explorer.evaluate("""() => { window.statusChanges = 0; new MutationObserver(() => window.statusChanges++)
        .observe(document.querySelector('#explorer-status'), {childList: true, characterData: true, subtree: true}); }""")
    explorer.click("#explorer-play")
    explorer.wait_for_function("() => Number(document.querySelector('[data-name=step]').textContent) >= 10")
    explorer.click("#explorer-play")
    changes = explorer.evaluate("() => window.statusChanges")
    assert changes <= 3, f"the live region changed {changes} times in one play and pause"
    assert "Paused" in explorer.text_content("#explorer-status")


@pytest.mark.browser
def test_reduced_motion_runs_steps_without_animating(browser, site_url):
    watched = Watched(browser, site_url + PAGE, reduced_motion="reduce")
    page = watched.page
    page.wait_for_selector("#explorer-play")
    assert page.text_content("#explorer-play") == "Run 10 steps"
    page.click("#explorer-play")
    assert shown(page)["step"] == "10"
    watched.close()


@pytest.mark.browser
def test_without_javascript_the_recorded_run_shows(browser, site_url):
    watched = Watched(browser, site_url + PAGE, java_script_enabled=False)
    page = watched.page
    assert page.is_visible(".explorer-static svg")
    assert "needs JavaScript" in page.text_content("#explorer")
    first = recorded_runs()[0]
    cells = page.eval_on_selector_all("table tr", "rows => rows.map(r => r.innerText)")
    assert any(f"{first['rows'][100][2]:.4g}" in c and "\t100\t" in c for c in cells), cells[:3]
    watched.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_after_use_axe_finds_nothing_serious_and_nothing_scrolls_sideways(browser, site_url, width, scheme):
    from axe_playwright_python.sync_playwright import Axe

    watched = Watched(browser, site_url + PAGE, viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = watched.page
    page.wait_for_selector("#explorer-step")
    page.select_option("#explorer-optimizer", "adam")
    press_step(page, 5)
    page.click("text=Diverges (1.05)")
    press_step(page, 5)
    page.click("#explorer-link")
    page.wait_for_function("() => document.querySelector('#explorer-copy-status').textContent !== ''")
    violations = Axe().run(page, context={"include": [[".md-content"]]}).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {n['target']}"
               for v in violations if v["impact"] in ("serious", "critical") for n in v["nodes"]]
    assert not serious, "\n".join(serious)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    watched.close()


# --------------------------------------------------------------------------- Copy as TensorFlow


@pytest.mark.selftest
@pytest.mark.browser
@pytest.mark.parametrize("optimizer, rate, batch, seed, steps", [
    ("adam", 0.1, 8, 0, 12),
    ("momentum", 0.05, 16, 4, 7),
    ("sgd", 1.05, 32, 2, 5),
])
def test_copied_code_prints_what_the_widget_shows(browser, site_url, tmp_path, optimizer, rate, batch, seed, steps):
    watched = Watched(browser, site_url + PAGE, permissions=["clipboard-read", "clipboard-write"])
    page = watched.page
    page.wait_for_selector("#explorer-copy")
    choose(page, optimizer, rate, batch, seed)
    press_step(page, steps)
    widget = shown(page)
    expected = engine_history(page, None, {"settings": {"optimizer": optimizer, "learningRate": rate,
                                                        "batchSize": batch, "seed": seed},
                                           "rows": [None] * (steps + 1)})
    page.click("#explorer-copy")
    page.wait_for_function("() => document.querySelector('#explorer-copy-status').textContent.startsWith('Copied')")
    code = page.evaluate("() => navigator.clipboard.readText()")
    watched.close()

    assert "points.json" not in code and f"STEPS = {steps}\n" in code
    program = tmp_path / "copied.py"
    program.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(program)], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = [PRINTED.match(line) for line in done.stdout.splitlines()]
    assert all(printed) and len(printed) == steps + 1, done.stdout
    for m, row in zip(printed, expected):
        for name, value, want in zip(("w", "b", "loss"), m.groups()[1:], row):
            assert abs(float(value) - want) <= 5e-5 + 1e-5 * abs(want), (
                f"{optimizer} learning_rate={rate} batch_size={batch} seed={seed}, step {m[1]}: "
                f"{name} printed {value}, the engine gives {want}")
    last = printed[-1]
    assert last[1].strip() == widget["step"]
    for name, value in zip(("w", "b", "loss"), last.groups()[1:]):
        assert abs(float(value) - float(widget[name])) <= 1.5e-4 + 1e-5 * abs(float(value)), (name, value, widget)


# --------------------------------------------------------------------------- Copy link

DEFAULTS = {"optimizer": "sgd", "rate": "0.1", "batch": "32", "seed": "0"}
ADAM_15 = "optimizer=adam&rate=0.05&batch=32&seed=0&step=15"
CLIPBOARD = ["clipboard-read", "clipboard-write"]


def controls(page) -> dict[str, str]:
    return page.evaluate("""() => ({optimizer: document.querySelector('#explorer-optimizer').value,
        rate: document.querySelector('#explorer-rate-value').textContent,
        batch: document.querySelector('#explorer-batch').value,
        seed: document.querySelector('#explorer-seed').value})""")


def fragment(page) -> str:
    return urlsplit(page.url).fragment


def engine_shows(page, settings: dict, steps: int) -> dict[str, str]:
    """What the page should show for a run: the engine's numbers, as the page writes them."""
    return page.evaluate(
        """([data, settings, steps]) => { const E = window.ExplorerEngine;
            const run = E.makeRun(E.loadPoints(data), settings);
            for (let i = 0; i < steps; i++) run.step();
            const s = run.state(), f = v => Number.isFinite(v) ? v.toFixed(4) : String(v);
            return {step: String(s.step), w: f(s.w), b: f(s.b), gw: f(s.gw), gb: f(s.gb), loss: f(s.loss)}; }""",
        [json.loads(POINTS.read_text(encoding="utf-8")), settings, steps],
    )


@contextlib.contextmanager
def opened(browser, url: str, **options):
    """The explorer at ``url`` in a new browser context; on leaving without an error, it
    asserts that nothing went to another host and nothing failed (``Watched``)."""
    watched = Watched(browser, url, **options)
    try:
        watched.page.wait_for_selector("#explorer-link")
        yield watched.page
    except BaseException:
        watched._stack.close()
        raise
    watched.close()


def set_hash(page, value: str) -> None:
    """Change the fragment of the open page as a reader pasting a link does, and wait until the
    page's own hashchange listeners have run."""
    page.evaluate("""value => new Promise(done => {
        window.addEventListener('hashchange', () => setTimeout(done), {once: true});
        window.location.hash = value; })""", value)


@pytest.mark.browser
def test_a_copied_link_reopens_the_same_state_in_a_new_context(browser, site_url):
    with opened(browser, site_url + PAGE, permissions=CLIPBOARD) as page:
        choose(page, "adam", 0.05, 32, 0)
        press_step(page, 15)
        before, settings = shown(page), controls(page)
        page.click("#explorer-link")
        page.wait_for_function(
            "() => document.querySelector('#explorer-copy-status').textContent.startsWith('Copied a link')")
        link = page.evaluate("() => navigator.clipboard.readText()")
        address = page.url

    assert before["step"] == "15" and settings == {"optimizer": "adam", "rate": "0.05", "batch": "32", "seed": "0"}
    assert urlsplit(link).fragment == ADAM_15, link
    assert link == address, "the address bar holds the link Copy link copied"
    with opened(browser, link) as page:
        after, reopened, status = shown(page), controls(page), page.text_content("#explorer-status")
    assert {k: after[k] for k in ("step", "w", "b", "loss")} == {k: before[k] for k in ("step", "w", "b", "loss")}
    assert after == before and reopened == settings
    assert status.startswith("Opened the link: Adam, learning rate 0.05, step 15:"), status


HOSTILE = {
    "rate out of range": "optimizer=adam&rate=5&batch=32&seed=0&step=15",
    "rate between the slider's stops": "optimizer=adam&rate=0.03&batch=32&seed=0&step=15",
    "rate written another way": "optimizer=adam&rate=5e-2&batch=32&seed=0&step=15",
    "negative rate": "optimizer=adam&rate=-0.05&batch=32&seed=0&step=15",
    "rate NaN": "optimizer=adam&rate=NaN&batch=32&seed=0&step=15",
    "rate Infinity": "optimizer=adam&rate=Infinity&batch=32&seed=0&step=15",
    "step NaN": "optimizer=adam&rate=0.05&batch=32&seed=0&step=NaN",
    "huge step": "optimizer=adam&rate=0.05&batch=32&seed=0&step=1000000000",
    "step with 400 digits": "optimizer=adam&rate=0.05&batch=32&seed=0&step=" + "9" * 400,
    "one step past the maximum": "optimizer=sgd&rate=0.1&batch=32&seed=0&step=201",
    "a step the diverging run never reaches": "optimizer=sgd&rate=1.1&batch=32&seed=0&step=175",
    "negative step": "optimizer=adam&rate=0.05&batch=32&seed=0&step=-1",
    "fractional step": "optimizer=adam&rate=0.05&batch=32&seed=0&step=1.5",
    "batch size not offered": "optimizer=adam&rate=0.05&batch=7&seed=0&step=15",
    "batch size zero": "optimizer=adam&rate=0.05&batch=0&seed=0&step=15",
    "seed not offered": "optimizer=adam&rate=0.05&batch=32&seed=99&step=15",
    "negative seed": "optimizer=adam&rate=0.05&batch=32&seed=-1&step=15",
    "unknown optimizer": "optimizer=rmsprop&rate=0.05&batch=32&seed=0&step=15",
    "optimizer in capitals": "optimizer=ADAM&rate=0.05&batch=32&seed=0&step=15",
    "__proto__ as optimizer": "optimizer=__proto__&rate=0.05&batch=32&seed=0&step=15",
    "script text as optimizer": "optimizer=%3Cscript%3Ewindow.hostile%3D1%3C%2Fscript%3E&rate=0.05&batch=32&seed=0&step=15",
    "markup in a value": "optimizer=adam%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.hostile%3D1%22%3E"
                         "&rate=0.05&batch=32&seed=0&step=15",
    "script text as an extra key": ADAM_15 + "&%3Cscript%3Ewindow.hostile%3D1%3C%2Fscript%3E=1",
    "__proto__ as an extra key": "__proto__=1&" + ADAM_15,
    "a key twice": ADAM_15 + "&step=3",
    "a key missing": "optimizer=adam&rate=0.05&batch=32&step=15",
    "a javascript: address": "javascript:window.hostile=1",
    "broken percent escapes": "optimizer=%E0%A4%A&rate=0.05&batch=32&seed=0&step=%",
    "too long": ADAM_15 + "&pad=" + "x" * 300,
    "a heading's anchor": "what-keras-recorded",
}


@pytest.mark.browser
@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_malformed_or_hostile_fragment_leaves_the_defaults(browser, site_url, hostile):
    with opened(browser, site_url + PAGE + "#" + hostile) as page:  # no error, no other host
        assert controls(page) == DEFAULTS
        assert shown(page) == engine_shows(page, {"optimizer": "sgd", "learningRate": 0.1, "batchSize": 32, "seed": 0}, 0)
        assert page.text_content("#explorer-status").startswith("Ready. SGD, learning rate 0.1, step 0:")
        assert page.evaluate("() => window.hostile") is None, "the fragment's script ran"
        assert "hostile" not in page.content(), "the fragment's text is in the page"
        press_step(page, 1)
        assert shown(page)["step"] == "1" and fragment(page) == "optimizer=sgd&rate=0.1&batch=32&seed=0&step=1"


@pytest.mark.browser
@pytest.mark.parametrize("link, loss", [
    ("optimizer=sgd&rate=0.1&batch=32&seed=0&step=200", None),  # the most steps a link may ask for
    ("optimizer=sgd&rate=1.1&batch=32&seed=0&step=174", "Infinity"),  # where this run stops
])
def test_links_at_the_limits_open(browser, site_url, link, loss):
    settings = {"optimizer": "sgd", "learningRate": float(dict(p.split("=") for p in link.split("&"))["rate"]),
                "batchSize": 32, "seed": 0}
    steps = int(link.rsplit("=", 1)[1])
    with opened(browser, site_url + PAGE + "#" + link) as page:
        assert shown(page) == engine_shows(page, settings, steps)
        assert loss is None or shown(page)["loss"] == loss


@pytest.mark.browser
def test_the_address_follows_the_state_without_new_history_entries(explorer):
    assert fragment(explorer) == "", "loading the page leaves its address alone"
    entries = explorer.evaluate("() => history.length")
    press_step(explorer, 3)
    assert fragment(explorer) == "optimizer=sgd&rate=0.1&batch=32&seed=0&step=3"
    explorer.select_option("#explorer-optimizer", "momentum")
    explorer.select_option("#explorer-batch", "8")
    press_step(explorer, 2)
    assert fragment(explorer) == "optimizer=momentum&rate=0.1&batch=8&seed=0&step=2"
    explorer.click("#explorer-reset")
    assert fragment(explorer) == "optimizer=momentum&rate=0.1&batch=8&seed=0&step=0"
    explorer.click("text=Diverges (1.05)")
    explorer.click("#explorer-play")
    explorer.wait_for_function("() => Number(document.querySelector('[data-name=step]').textContent) >= 4")
    assert fragment(explorer) == "optimizer=momentum&rate=1.05&batch=8&seed=0&step=0", "updated while playing"
    explorer.click("#explorer-play")
    assert fragment(explorer) == f"optimizer=momentum&rate=1.05&batch=8&seed=0&step={shown(explorer)['step']}"
    assert explorer.evaluate("() => history.length") == entries


@pytest.mark.browser
def test_a_link_pasted_into_the_open_explorer_opens_and_an_anchor_changes_nothing(explorer):
    press_step(explorer, 2)
    set_hash(explorer, "optimizer=momentum&rate=0.2&batch=8&seed=3&step=7")
    assert controls(explorer) == {"optimizer": "momentum", "rate": "0.2", "batch": "8", "seed": "3"}
    opened = shown(explorer)
    assert opened == engine_shows(explorer, {"optimizer": "momentum", "learningRate": 0.2, "batchSize": 8, "seed": 3}, 7)
    for other in ("things-to-try", HOSTILE["unknown optimizer"], HOSTILE["huge step"]):
        set_hash(explorer, other)
        assert shown(explorer) == opened, f"#{other} changed the explorer"


@pytest.mark.selftest
@pytest.mark.browser
@pytest.mark.parametrize("refuse", [
    "navigator.clipboard.writeText = () => Promise.reject(new DOMException('Denied', 'NotAllowedError'))",
    "Object.defineProperty(navigator, 'clipboard', {value: undefined})",
], ids=["copying refused", "no clipboard"])
def test_when_copying_fails_copy_link_points_to_the_address_bar(browser, site_url, refuse):
    with opened(browser, site_url + PAGE) as page:
        page.evaluate(f"() => {{ {refuse}; }}")
        press_step(page, 4)
        set_hash(page, "what-keras-recorded")  # the reader followed a heading's link meanwhile
        page.click("#explorer-link")
        page.wait_for_function(
            "() => document.querySelector('#explorer-copy-status').textContent.includes('address bar')")
        assert fragment(page) == "optimizer=sgd&rate=0.1&batch=32&seed=0&step=4"
