/*
 * explorer.js: the training explorer on docs/training-weights/explorer.md.
 *
 * It builds the controls and three plain-SVG plots inside <div id="explorer">, and runs
 * every step with ExplorerEngine (explorer-engine.js), whose numbers tests/test_explorer.py
 * checks against Keras. The points come from assets/explorer/points.json, the file the
 * Keras snippets read too. "Copy as TensorFlow" fills in the template snippet shown on the
 * page (<div id="explorer-template">) with the current settings.
 *
 * Shareable state: the settings and the step count live in the address's fragment,
 * #optimizer=adam&rate=0.05&batch=32&seed=0&step=15 (LINK_KEYS, in that order). Opening such
 * an address replays the run to that step, so it shows the same numbers; "Copy link" copies
 * it. The fragment is untrusted: it is read with URLSearchParams and used only when it has
 * exactly those five keys, each once, each value one the controls themselves offer (the
 * slider's RATES, the selects' options), and a step count from 0 to MAX_STEPS that the run
 * reaches. Anything else (a heading's anchor, a typo, text a stranger wrote) is ignored and
 * the explorer starts on its defaults. Fragment text is never shown or put into the page.
 * After the first change the address follows the state with history.replaceState (while
 * playing, at each pause), so steps add no history entries; a valid fragment pasted into
 * the open page is restored too.
 *
 * Accessibility: native labelled controls (keyboard works), a polite live region updated
 * on step, pause, reset and setting changes (never at each animation frame), and with
 * prefers-reduced-motion the Play button runs ten steps at once instead of animating.
 * No network access beyond points.json on the same site; no dependency.
 */
(function () {
  "use strict";

  var E = window.ExplorerEngine;
  var SVG = "http://www.w3.org/2000/svg";
  var RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1, 1.05, 1.1];
  var PRESETS = [["Crawls", 0.001], ["Good", 0.1], ["Diverges", 1.05]];
  var OPTIMIZER_NAMES = { sgd: "SGD", momentum: "SGD with momentum", adam: "Adam" };
  var BATCHES = [32, 16, 8, 4];
  var MAX_STEPS = 200;  // also the most steps a link may ask for (CONTRIBUTING.md says so)
  var LINK_KEYS = ["optimizer", "rate", "batch", "seed", "step"];
  var MAX_FRAGMENT = 200;  // characters: a valid fragment is under 60
  var STEPS_PER_SECOND = 8;
  var REDUCED_STEPS = 10;
  var W_RANGE = [-2, 5];
  var B_RANGE = [-2, 4.5];
  var X_RANGE = [-1.1, 1.1];
  var Y_RANGE = [-2, 7];
  var PLOT = { width: 320, height: 220, left: 42, right: 10, top: 10, bottom: 34 };

  function el(tag, attrs, parent, text) {
    var node = tag.indexOf("svg:") === 0
      ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function fixed(value) {
    return Number.isFinite(value) ? value.toFixed(4) : String(value);
  }

  /* A plot: an SVG with a viewBox, axes and scales from data to pixels. */
  function makePlot(parent, title, description, xLabel, yLabel) {
    var figure = el("figure", { class: "explorer__plot" }, parent);
    var svg = el("svg:svg", {
      viewBox: "0 0 " + PLOT.width + " " + PLOT.height, role: "img", "aria-label": description,
    }, figure);
    el("figcaption", {}, figure, title);
    var id = "clip-" + title.replace(/\W+/g, "-").toLowerCase();
    var clip = el("svg:clipPath", { id: id }, el("svg:defs", {}, svg));
    var inner = { x: PLOT.left, y: PLOT.top, w: PLOT.width - PLOT.left - PLOT.right, h: PLOT.height - PLOT.top - PLOT.bottom };
    el("svg:rect", { x: inner.x, y: inner.y, width: inner.w, height: inner.h }, clip);
    el("svg:rect", { x: inner.x, y: inner.y, width: inner.w, height: inner.h, class: "explorer__frame" }, svg);
    var axes = el("svg:g", { class: "explorer__axes" }, svg);
    el("svg:text", { x: inner.x + inner.w / 2, y: PLOT.height - 4, "text-anchor": "middle" }, axes, xLabel);
    el("svg:text", { x: 12, y: inner.y + inner.h / 2, "text-anchor": "middle",
      transform: "rotate(-90 12 " + (inner.y + inner.h / 2) + ")" }, axes, yLabel);
    var layer = el("svg:g", { "clip-path": "url(#" + id + ")" }, svg);
    var plot = { svg: svg, inner: inner, axes: axes, layer: layer, x: null, y: null };
    plot.scale = function (xr, yr) {
      plot.x = function (v) { return inner.x + (v - xr[0]) / (xr[1] - xr[0]) * inner.w; };
      plot.y = function (v) { return inner.y + inner.h - (v - yr[0]) / (yr[1] - yr[0]) * inner.h; };
      plot.xr = xr;
      plot.yr = yr;
    };
    return plot;
  }

  function ticks(plot, xs, ys, format) {
    plot.axes.querySelectorAll(".explorer__tick").forEach(function (t) { t.remove(); });
    xs.forEach(function (v) {
      el("svg:text", { class: "explorer__tick", x: plot.x(v), y: plot.inner.y + plot.inner.h + 13, "text-anchor": "middle" }, plot.axes, String(v));
    });
    ys.forEach(function (v) {
      el("svg:text", { class: "explorer__tick", x: plot.inner.x - 4, y: plot.y(v) + 4, "text-anchor": "end" }, plot.axes, format ? format(v) : String(v));
    });
  }

  function clamp(v, lo, hi) {
    return Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : hi));
  }

  function pathData(plot, points) {
    var lo = -1e4, hi = 1e4;
    return points.map(function (p, i) {
      return (i ? "L" : "M") + clamp(plot.x(p[0]), lo, hi).toFixed(1) + " " + clamp(plot.y(p[1]), lo, hi).toFixed(1);
    }).join(" ");
  }

  function Explorer(root, data, template) {
    var points = E.loadPoints(data);
    var surface = E.surface(points);
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var settings = { optimizer: "sgd", learningRate: 0.1, batchSize: 32, seed: 0 };
    var run, trail, previous = null, playing = false, lastTime = 0, owed = 0, linked = false;

    root.textContent = "";
    root.classList.add("explorer--ready");
    var controls = el("div", { class: "explorer__controls" }, root);

    var rateBox = el("div", { class: "explorer__field explorer__rate" }, controls);
    var rateLabel = el("label", { for: "explorer-rate" }, rateBox, "Learning rate: ");
    var rateValue = el("output", { for: "explorer-rate", id: "explorer-rate-value" }, rateLabel);
    var rate = el("input", { type: "range", id: "explorer-rate", min: 0, max: RATES.length - 1, step: 1 }, rateBox);
    var presets = el("div", { class: "explorer__presets", role: "group", "aria-label": "Learning-rate presets" }, rateBox);
    PRESETS.forEach(function (preset) {
      var button = el("button", { type: "button", class: "md-button", "data-rate": preset[1] }, presets, preset[0] + " (" + preset[1] + ")");
      button.addEventListener("click", function () { setRate(preset[1]); });
    });

    function select(id, label, options) {
      var box = el("div", { class: "explorer__field" }, controls);
      el("label", { for: id }, box, label);
      var node = el("select", { id: id }, box);
      options.forEach(function (o) { el("option", { value: o[0] }, node, o[1]); });
      return node;
    }
    var optimizer = select("explorer-optimizer", "Optimizer", E.OPTIMIZERS.map(function (o) { return [o, OPTIMIZER_NAMES[o]]; }));
    var batch = select("explorer-batch", "Batch size", BATCHES.map(function (b) {
      return [b, b === points.x.length ? b + " (full batch)" : b + " (mini-batches)"];
    }));
    var seed = select("explorer-seed", "Seed (starting w)", Object.keys(points.starts).map(function (s) { return [s, s]; }));

    var buttons = el("div", { class: "explorer__buttons" }, root);
    var stepButton = el("button", { type: "button", class: "md-button md-button--primary", id: "explorer-step" }, buttons, "Step");
    var playButton = el("button", { type: "button", class: "md-button", id: "explorer-play", "aria-pressed": "false" }, buttons, reduced ? "Run " + REDUCED_STEPS + " steps" : "Play");
    var resetButton = el("button", { type: "button", class: "md-button", id: "explorer-reset" }, buttons, "Reset");
    var copyButton = el("button", { type: "button", class: "md-button", id: "explorer-copy" }, buttons, "Copy as TensorFlow");
    var linkButton = el("button", { type: "button", class: "md-button", id: "explorer-link" }, buttons, "Copy link");

    var numbers = el("dl", { class: "explorer__numbers", id: "explorer-numbers" }, root);
    var shown = {};
    [["step", "Step"], ["w", "w"], ["b", "b"], ["gw", "Gradient for w"], ["gb", "Gradient for b"], ["loss", "Loss"]].forEach(function (pair) {
      var box = el("div", {}, numbers);
      el("dt", {}, box, pair[1]);
      shown[pair[0]] = el("dd", { "data-name": pair[0] }, box);
    });
    var status = el("p", { class: "explorer__status", id: "explorer-status", "aria-live": "polite", role: "status" }, root);
    var copyStatus = el("p", { class: "explorer__status", id: "explorer-copy-status", "aria-live": "polite" }, root);
    var fallback = el("textarea", { class: "explorer__code", readonly: "", rows: 8, "aria-label": "Keras code for your settings", hidden: "" }, root);

    var plots = el("div", { class: "explorer__plots" }, root);
    var dataPlot = makePlot(plots, "The points and the current line", "The 32 points and the line y = w x + b for the current w and b.", "x", "y");
    dataPlot.scale(X_RANGE, Y_RANGE);
    ticks(dataPlot, [-1, 0, 1], [0, 2, 4, 6]);
    points.x.forEach(function (x, i) {
      el("svg:circle", { cx: dataPlot.x(x), cy: dataPlot.y(points.y[i]), r: 2.5, class: "explorer__point" }, dataPlot.layer);
    });
    var line = el("svg:line", { class: "explorer__line" }, dataPlot.layer);

    var surfacePlot = makePlot(plots, "The loss over (w, b) and the path", "Contours of the loss for every w and b, with the path the weights took. The cross marks the lowest loss.", "w", "b");
    surfacePlot.scale(W_RANGE, B_RANGE);
    ticks(surfacePlot, [-2, 0, 2, 4], [-2, 0, 2, 4]);
    drawContours(surfacePlot);
    var oldPath = el("svg:path", { class: "explorer__path explorer__path--old" }, surfacePlot.layer);
    var path = el("svg:path", { class: "explorer__path" }, surfacePlot.layer);
    var dot = el("svg:circle", { r: 4, class: "explorer__dot" }, surfacePlot.layer);

    var lossPlot = makePlot(plots, "The loss per step", "The loss after each step, on a logarithmic scale.", "step", "loss (log scale)");
    var oldCurve = el("svg:path", { class: "explorer__path explorer__path--old" }, lossPlot.layer);
    var curve = el("svg:path", { class: "explorer__path" }, lossPlot.layer);
    el("p", { class: "explorer__legend" }, root, "Solid: this run. Dashed: the run before it, to compare.");

    function drawContours(plot) {
      // loss - lowest = a dw^2 + 2 c dw db + d db^2: ellipses around the lowest point.
      var a = surface.a, c = surface.c, d = surface.d;
      var mean = (a + d) / 2, spread = Math.sqrt((a - d) * (a - d) / 4 + c * c);
      var l1 = mean + spread, l2 = mean - spread;
      var angle = Math.atan2(l1 - a, c);
      var sx = plot.inner.w / (W_RANGE[1] - W_RANGE[0]), sy = plot.inner.h / (B_RANGE[1] - B_RANGE[0]);
      var group = el("svg:g", { transform: "translate(" + plot.x(surface.w) + " " + plot.y(surface.b) + ") scale(" + sx + " " + -sy + ") rotate(" + angle * 180 / Math.PI + ")" }, plot.layer);
      [0.1, 0.4, 1, 2.5, 5, 10, 20, 40].forEach(function (level) {
        el("svg:ellipse", { cx: 0, cy: 0, rx: Math.sqrt(level / l1), ry: Math.sqrt(level / l2), class: "explorer__contour" }, group);
      });
      var mx = plot.x(surface.w), my = plot.y(surface.b);
      el("svg:path", { d: "M" + (mx - 5) + " " + (my - 5) + "l10 10m0 -10l-10 10", class: "explorer__lowest" }, plot.layer);
    }

    function draw() {
      var s = run.state();
      Object.keys(shown).forEach(function (key) {
        shown[key].textContent = key === "step" ? String(s.step) : fixed(s[key]);
      });
      var x0 = X_RANGE[0], x1 = X_RANGE[1];
      line.setAttribute("x1", dataPlot.x(x0));
      line.setAttribute("x2", dataPlot.x(x1));
      line.setAttribute("y1", clamp(dataPlot.y(s.w * x0 + s.b), -1e4, 1e4));
      line.setAttribute("y2", clamp(dataPlot.y(s.w * x1 + s.b), -1e4, 1e4));
      path.setAttribute("d", pathData(surfacePlot, trail));
      dot.setAttribute("cx", clamp(surfacePlot.x(s.w), -1e4, 1e4));
      dot.setAttribute("cy", clamp(surfacePlot.y(s.b), -1e4, 1e4));
      oldPath.setAttribute("d", previous ? pathData(surfacePlot, previous.trail) : "");
      drawLoss();
      remember();
    }

    function drawLoss() {
      var all = trail.concat(previous ? previous.trail : []);
      var logs = all.map(function (p) { return Math.log10(Math.max(p[2], 1e-6)); }).filter(Number.isFinite);
      var lo = Math.floor(Math.min.apply(null, logs)), hi = Math.ceil(Math.max.apply(null, logs));
      if (hi - lo < 2) hi = lo + 2;
      var last = Math.max(20, trail.length - 1, previous ? previous.trail.length - 1 : 0);
      lossPlot.scale([0, last], [lo, hi]);
      var every = Math.ceil((hi - lo) / 4);
      var ys = [];
      for (var v = lo; v <= hi; v += every) ys.push(v);
      ticks(lossPlot, [0, Math.round(last / 2), last], ys, function (v) { return v >= -2 && v <= 3 ? String(Math.pow(10, v)) : "1e" + v; });
      function curveOf(t) {
        return pathData(lossPlot, t.map(function (p, i) { return [i, Math.log10(Math.max(p[2], 1e-6))]; }));
      }
      curve.setAttribute("d", curveOf(trail));
      oldCurve.setAttribute("d", previous ? curveOf(previous.trail) : "");
    }

    function announce(prefix) {
      var s = run.state();
      status.textContent = (prefix ? prefix + " " : "") + OPTIMIZER_NAMES[settings.optimizer] +
        ", learning rate " + settings.learningRate + ", step " + s.step + ": w = " + fixed(s.w) +
        ", b = " + fixed(s.b) + ", loss = " + fixed(s.loss) + ".";
    }

    function restart(keep) {
      if (keep && trail && trail.length > 1) previous = { trail: trail };
      run = E.makeRun(points, settings);
      var s = run.state();
      trail = [[s.w, s.b, s.loss]];
      draw();
    }

    function stepOnce() {
      var s = run.step();
      trail.push([s.w, s.b, s.loss]);
      return s;
    }

    function canStep() {
      var s = run.state();
      return s.step < MAX_STEPS && Number.isFinite(s.loss);
    }

    function setRate(value) {
      var index = RATES.indexOf(value);
      rate.value = index;
      changed();
    }

    function showRate() {
      rateValue.textContent = String(settings.learningRate);
      rate.setAttribute("aria-valuetext", String(settings.learningRate));
    }

    function changed() {
      pause();
      settings = {
        optimizer: optimizer.value,
        learningRate: RATES[Number(rate.value)],
        batchSize: Number(batch.value),
        seed: Number(seed.value),
      };
      showRate();
      restart(true);
      announce("Starting again:");
    }

    /* The fragment for the current state, in LINK_KEYS order. */
    function fragment() {
      return new URLSearchParams([["optimizer", settings.optimizer], ["rate", String(settings.learningRate)],
        ["batch", String(settings.batchSize)], ["seed", String(settings.seed)],
        ["step", String(run.state().step)]]).toString();
    }

    /*
     * The address bar follows the state: after the first change (loading leaves it alone),
     * and while playing only when it pauses (browsers limit replaceState to ~100 per 30 s).
     */
    function remember() {
      if (!linked || playing || window.location.hash === "#" + fragment()) return;
      try {
        window.history.replaceState(window.history.state, "", "#" + fragment());
      } catch (error) {
        /* a sandboxed copy of the page: Copy link still works */
      }
    }

    function offered(node) {
      return Array.prototype.map.call(node.options, function (option) { return option.value; });
    }

    /*
     * The state a fragment names, or null unless it is exactly one the explorer can show:
     * the five LINK_KEYS once each, values the controls offer, a step the run reaches.
     */
    function fromFragment(text) {
      try {
        if (!text || text.length > MAX_FRAGMENT) return null;
        var found = Object.create(null), count = 0;
        new URLSearchParams(text).forEach(function (value, key) {
          count += 1;
          if (LINK_KEYS.indexOf(key) >= 0 && !(key in found)) found[key] = value;
        });
        if (count !== LINK_KEYS.length || Object.keys(found).length !== LINK_KEYS.length) return null;
        var allowed = { optimizer: offered(optimizer), rate: RATES.map(String), batch: offered(batch), seed: offered(seed) };
        var bad = Object.keys(allowed).some(function (key) { return allowed[key].indexOf(found[key]) < 0; });
        if (bad || !/^(0|[1-9][0-9]{0,2})$/.test(found.step) || Number(found.step) > MAX_STEPS) return null;
        var link = {
          settings: { optimizer: found.optimizer, learningRate: Number(found.rate), batchSize: Number(found.batch), seed: Number(found.seed) },
          steps: Number(found.step),
        };
        var trial = E.makeRun(points, link.settings);
        for (var i = 0; i < link.steps; i++) {
          if (!Number.isFinite(trial.state().loss)) return null; // the run stops before that step
          trial.step();
        }
        return link;
      } catch (error) {
        return null;
      }
    }

    /* Show a link's state: its settings in the controls, its run replayed to its step. */
    function open(link, prefix) {
      pause();
      optimizer.value = link.settings.optimizer;
      batch.value = String(link.settings.batchSize);
      seed.value = String(link.settings.seed);
      rate.value = RATES.indexOf(link.settings.learningRate);
      settings = link.settings;
      showRate();
      restart(true);
      for (var i = 0; i < link.steps; i++) stepOnce();
      draw();
      announce(prefix);
    }

    function frame(time) {
      if (!playing) return;
      if (lastTime) owed += (time - lastTime) * STEPS_PER_SECOND / 1000;
      lastTime = time;
      var did = false;
      while (owed >= 1 && canStep()) {
        stepOnce();
        owed -= 1;
        did = true;
      }
      if (did) draw();
      if (!canStep()) {
        pause();
        announce("Stopped at the last step.");
        return;
      }
      window.requestAnimationFrame(frame);
    }

    function play() {
      if (reduced) {
        for (var i = 0; i < REDUCED_STEPS && canStep(); i++) stepOnce();
        draw();
        announce();
        return;
      }
      if (!canStep()) {
        announce("No more steps: press Reset.");
        return;
      }
      playing = true;
      lastTime = 0;
      owed = 1;
      playButton.textContent = "Pause";
      playButton.setAttribute("aria-pressed", "true");
      status.textContent = "Playing.";
      window.requestAnimationFrame(frame);
    }

    function pause() {
      if (!playing) return;
      playing = false;
      remember();
      playButton.textContent = "Play";
      playButton.setAttribute("aria-pressed", "false");
      announce("Paused.");
    }

    function copy() {
      var steps = Math.max(run.state().step, 1);
      var code = E.pythonCode(template, data, settings, steps);
      var done = "Copied Keras code for these settings and " + steps + " steps. Run it with Python: it prints the numbers shown here.";
      function show() {
        fallback.value = code;
        fallback.hidden = false;
        fallback.select();
        copyStatus.textContent = "Your browser did not allow copying. Select the code below and copy it.";
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code).then(function () {
          fallback.value = code;
          copyStatus.textContent = done;
        }, show);
      } else {
        show();
      }
    }

    function copyLink() {
      pause();
      remember();
      var address = window.location.href.split("#")[0] + "#" + fragment();
      function failed() {
        copyStatus.textContent = "Your browser did not allow copying. Copy the address in the address bar " +
          "instead: it holds these settings and this step.";
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(address).then(function () {
          copyStatus.textContent = "Copied a link to step " + run.state().step + " with these settings. " +
            "Opening it shows the same numbers.";
        }, failed);
      } else {
        failed();
      }
    }

    [optimizer, batch, seed].forEach(function (node) { node.addEventListener("change", changed); });
    rate.addEventListener("input", changed);
    stepButton.addEventListener("click", function () {
      pause();
      if (canStep()) {
        stepOnce();
        draw();
        announce();
      } else {
        announce("No more steps: press Reset.");
      }
    });
    playButton.addEventListener("click", function () { if (playing) { pause(); } else { play(); } });
    resetButton.addEventListener("click", function () {
      pause();
      restart(true);
      announce("Reset:");
    });
    copyButton.addEventListener("click", copy);
    linkButton.addEventListener("click", copyLink);
    window.addEventListener("hashchange", function () {
      var link = fromFragment(window.location.hash.slice(1));
      if (link && window.location.hash !== "#" + fragment()) open(link, "Opened the link:");
    });

    var opened = fromFragment(window.location.hash.slice(1));
    if (opened) {
      open(opened, "Opened the link:");
    } else {
      rate.value = RATES.indexOf(settings.learningRate);
      showRate();
      restart(false);
      announce("Ready.");
    }
    linked = true;
  }

  function start() {
    var root = document.getElementById("explorer");
    var code = document.querySelector("#explorer-template pre code");
    if (!root || !E || !code) return;
    var url = new URL(root.getAttribute("data-points"), window.location.href);
    fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + url);
      return response.json();
    }).then(function (data) {
      Explorer(root, data, code.textContent.replace(/\n+$/, "\n"));
    }).catch(function (error) {
      root.querySelector("p").textContent = "The explorer could not load its points (" + error.message + "). The recorded Keras run below still shows what training does.";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
