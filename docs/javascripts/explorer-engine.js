/*
 * explorer-engine.js: the training maths of the explorer, nothing else.
 *
 * The model is y = w * x + b with the mean squared error, as in Keras's
 * Dense(1) with loss="mean_squared_error". Each step takes the next batch of points
 * in file order (Keras's fit with shuffle=False), computes the gradients and lets the
 * optimizer move w and b, with Keras's rules and defaults:
 *   SGD:            w -= lr * g
 *   SGD + momentum: m = 0.9 * m - lr * g;  w += m
 *   Adam:           m += (g - m) * (1 - 0.9);  v += (g * g - v) * (1 - 0.999)
 *                   alpha = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t)   (bias correction)
 *                   w -= m * alpha / (sqrt(v) + 1e-7)
 * Every result is rounded to float32 (Math.fround), as Keras computes in float32.
 * tests/test_explorer.py checks every step against Keras's own recorded run.
 *
 * Works as a browser script (window.ExplorerEngine) and as a CommonJS module.
 */
(function (root) {
  "use strict";

  var f = Math.fround;
  var MOMENTUM = 0.9;
  var BETA_1 = 0.9;
  var BETA_2 = 0.999;
  var EPSILON = 1e-7;
  var OPTIMIZERS = ["sgd", "momentum", "adam"];

  /* The points as float32 numbers, and Keras's start (w, b) for each seed. */
  function loadPoints(data) {
    if (!data || !Array.isArray(data.x) || !Array.isArray(data.y) || data.x.length !== data.y.length) {
      throw new Error("points.json needs lists x and y of the same length");
    }
    return { x: data.x.map(f), y: data.y.map(f), starts: data.starts || {} };
  }

  /* Mean squared error of the line (w, b) on points [from, to). */
  function meanSquaredError(points, w, b, from, to) {
    var sum = 0;
    for (var i = from; i < to; i++) {
      var error = f(f(f(points.x[i] * w) + b) - points.y[i]);
      sum = f(sum + f(error * error));
    }
    return f(sum / (to - from));
  }

  function loss(points, w, b) {
    return meanSquaredError(points, w, b, 0, points.x.length);
  }

  /* Gradients of the mean squared error on points [from, to) with respect to w and b. */
  function gradients(points, w, b, from, to) {
    var scale = f(2 / (to - from));
    var gw = 0;
    var gb = 0;
    for (var i = from; i < to; i++) {
      var error = f(f(f(points.x[i] * w) + b) - points.y[i]);
      var g = f(scale * error);
      gw = f(gw + f(g * points.x[i]));
      gb = f(gb + g);
    }
    return [gw, gb];
  }

  /* One optimizer's state and update for the two variables [w, b]. */
  function makeOptimizer(name, learningRate) {
    var lr = f(learningRate);
    var m = [0, 0];
    var v = [0, 0];
    var t = 0;
    if (OPTIMIZERS.indexOf(name) < 0) {
      throw new Error("unknown optimizer " + name + ": use " + OPTIMIZERS.join(", "));
    }
    return function update(variables, grads) {
      t += 1;
      if (name === "sgd") {
        return variables.map(function (value, i) { return f(value - f(grads[i] * lr)); });
      }
      if (name === "momentum") {
        return variables.map(function (value, i) {
          m[i] = f(f(m[i] * f(MOMENTUM)) - f(grads[i] * lr));
          return f(value + m[i]);
        });
      }
      var b1p = f(Math.pow(f(BETA_1), t));
      var b2p = f(Math.pow(f(BETA_2), t));
      var alpha = f(f(lr * f(Math.sqrt(f(1 - b2p)))) / f(1 - b1p)); // bias correction
      return variables.map(function (value, i) {
        var g = grads[i];
        m[i] = f(m[i] + f(f(g - m[i]) * f(1 - BETA_1)));
        v[i] = f(v[i] + f(f(f(g * g) - v[i]) * f(1 - BETA_2)));
        return f(value - f(f(m[i] * alpha) / f(f(Math.sqrt(v[i])) + f(EPSILON))));
      });
    };
  }

  /*
   * A training run: settings = {optimizer, learningRate, batchSize, seed}.
   * run.state() is {step, w, b, loss, gw, gb}: gw and gb are the gradients the next
   * step will use (on the next batch). run.step() takes one step and returns state().
   */
  function makeRun(points, settings) {
    var n = points.x.length;
    var batchSize = Math.min(Math.max(1, settings.batchSize | 0), n);
    var start = points.starts[String(settings.seed)];
    if (!start) {
      throw new Error("no start for seed " + settings.seed + " in points.json");
    }
    var update = makeOptimizer(settings.optimizer, settings.learningRate);
    var w = f(start[0]);
    var b = f(start[1]);
    var step = 0;
    var batchStart = 0;

    function nextBatch() {
      return [batchStart, Math.min(batchStart + batchSize, n)];
    }

    function state() {
      var batch = nextBatch();
      var grads = gradients(points, w, b, batch[0], batch[1]);
      return { step: step, w: w, b: b, loss: loss(points, w, b), gw: grads[0], gb: grads[1] };
    }

    return {
      state: state,
      step: function () {
        var batch = nextBatch();
        var grads = gradients(points, w, b, batch[0], batch[1]);
        var moved = update([w, b], grads);
        w = moved[0];
        b = moved[1];
        step += 1;
        batchStart = batch[1] >= n ? 0 : batch[1];
        return state();
      },
    };
  }

  /* [[w, b, loss] for step 0, 1, ..., steps]. */
  function history(points, settings, steps) {
    var run = makeRun(points, settings);
    var first = run.state();
    var rows = [[first.w, first.b, first.loss]];
    for (var i = 0; i < steps; i++) {
      var s = run.step();
      rows.push([s.w, s.b, s.loss]);
    }
    return rows;
  }

  /*
   * The loss as a quadratic in (w, b): loss = a w^2 + 2 c w b + d b^2 + ... with its
   * lowest point. The explorer draws its contours as ellipses from these numbers.
   */
  function surface(points) {
    var n = points.x.length;
    var sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    for (var i = 0; i < n; i++) {
      var x = points.x[i], y = points.y[i];
      sx += x / n; sy += y / n; sxx += x * x / n; sxy += x * y / n; syy += y * y / n;
    }
    var det = sxx - sx * sx;
    var w = (sxy - sx * sy) / det;
    var b = sy - w * sx;
    var lowest = syy - 2 * w * sxy - 2 * b * sy + w * w * sxx + 2 * w * b * sx + b * b;
    return { a: sxx, c: sx, d: 1, w: w, b: b, lowest: lowest };
  }

  /* Python's repr-like literal for a float: 0.1, 1.05, 3.0 */
  function pythonNumber(value) {
    var text = String(value);
    return /[.e]/.test(text) ? text : text + ".0";
  }

  /*
   * Keras code for these settings: the template snippet with its constants replaced
   * and the points written out instead of read from points.json.
   */
  function pythonCode(template, data, settings, steps) {
    var values = {
      OPTIMIZER: JSON.stringify(settings.optimizer),
      LEARNING_RATE: pythonNumber(settings.learningRate),
      BATCH_SIZE: String(settings.batchSize),
      SEED: String(settings.seed),
      STEPS: String(steps),
      X: "[" + data.x.map(pythonNumber).join(", ") + "]",
      Y: "[" + data.y.map(pythonNumber).join(", ") + "]",
    };
    var seen = {};
    var lines = template.split("\n").filter(function (line) {
      return !/^(import json|from pathlib import Path|POINTS = .*)$/.test(line);
    }).map(function (line) {
      var match = /^([A-Z_]+) = (.*?)( +#.*)?$/.exec(line);
      if (!match || !(match[1] in values)) {
        return line;
      }
      seen[match[1]] = true;
      return match[1] + " = " + values[match[1]] + (match[3] || "");
    });
    var missing = Object.keys(values).filter(function (name) { return !seen[name]; });
    if (missing.length) {
      throw new Error("the template has no line for " + missing.join(", "));
    }
    return lines.join("\n").replace(/\n{3,}(?=import keras)/, "\n");
  }

  var api = {
    OPTIMIZERS: OPTIMIZERS,
    loadPoints: loadPoints,
    loss: loss,
    gradients: gradients,
    makeOptimizer: makeOptimizer,
    makeRun: makeRun,
    history: history,
    surface: surface,
    pythonCode: pythonCode,
  };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.ExplorerEngine = api;
  }
})(this);
