/*
 * path.js: ticks on the learning path that hooks/learning_path.py writes on topic pages.
 *
 *   <nav class="learning-path" data-topic="..."><ol>
 *     <li class="learning-path__step" data-step="training-weights/quiz/">...</li> ...
 *   </ol></nav>
 *   ... page ...
 *   <nav class="next-step" data-step="<this page's step>"><a>Next step: ...</a></nav>
 *
 * This script:
 *   - adds a "Mark this step done" toggle button (aria-pressed) beside the Next step link;
 *     following the Next step link marks the step done as well;
 *   - ticks every finished step in the path (a check mark and the words "done" for screen
 *     readers), and adds a "Reset progress" button to the path;
 *   - keeps the finished steps in localStorage under "learning-path:done", so they stay
 *     after a reload and on every page.
 * It runs on every page view under Material's instant navigation (document$).
 * No network access; it needs common.js (listed before it in mkdocs.yml).
 */
(function () {
  "use strict";

  var KEY = "learning-path:done";

  var make = window.siteCommon.make;

  function load() {
    return window.siteCommon.read(KEY, function (value) { return value === true; });
  }

  function save(done) {
    window.siteCommon.write(KEY, done);
  }

  function enhance() {
    var path = document.querySelector("nav.learning-path");
    var next = document.querySelector("nav.next-step");
    if (!path || path.classList.contains("learning-path--ready")) return;
    path.classList.add("learning-path--ready");
    var done = load();
    var steps = Array.prototype.slice.call(path.querySelectorAll(".learning-path__step"));

    function paint() {
      steps.forEach(function (step) {
        var finished = done[step.getAttribute("data-step")] === true;
        step.classList.toggle("learning-path__step--done", finished);
        var mark = step.querySelector(".learning-path__done");
        if (finished && !mark) {
          mark = make("span", "learning-path__done");
          mark.appendChild(make("span", "learning-path__tick", "\u2713"));
          mark.lastChild.setAttribute("aria-hidden", "true");
          mark.appendChild(make("span", "md-visually-hidden", " (done)"));
          step.appendChild(mark);
        } else if (!finished && mark) {
          step.removeChild(mark);
        }
      });
      if (toggle) {
        var here = done[next.getAttribute("data-step")] === true;
        toggle.setAttribute("aria-pressed", here ? "true" : "false");
        toggle.textContent = here ? "\u2713 Done" : "Mark this step done";
      }
    }

    function set(step, value) {
      if (value) {
        done[step] = true;
      } else {
        delete done[step];
      }
      save(done);
      paint();
    }

    var toggle = null;
    if (next) {
      var step = next.getAttribute("data-step");
      toggle = make("button", "md-button next-step__done");
      toggle.type = "button";
      toggle.addEventListener("click", function () {
        set(step, done[step] !== true);
      });
      next.appendChild(toggle);
      var link = next.querySelector("a");
      if (link) {
        link.addEventListener("click", function () {
          set(step, true);
        });
      }
    }

    var reset = make("button", "learning-path__reset", "Reset progress");
    reset.type = "button";
    reset.addEventListener("click", function () {
      done = Object.create(null);
      save(done);
      paint();
    });
    path.appendChild(reset);
    paint();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
