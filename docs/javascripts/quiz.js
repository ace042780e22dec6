/*
 * quiz.js: turns the plain quiz markup of a page into an interactive quiz.
 *
 * The page (see docs/training-weights/quiz.md) writes each question as
 *
 *   <fieldset class="quiz" id="q-...">      the question; id names it in saved progress
 *     <legend>question</legend>
 *     ...optional code...
 *     <ol><li>option</li><li class="correct">option</li>...</ol>
 *     <details class="quiz-answer"><summary>...</summary>explanation</details>
 *   </fieldset>
 *
 * Without JavaScript that is a readable list with the answer hidden in <details>.
 * With it, this script:
 *   - writes "Question N." into each legend, so screen readers hear it too;
 *   - turns each option into a native radio button with a label (A, B, C, ...);
 *   - lets the reader browse the options first: the arrow keys only move the choice.
 *     An answer counts on an explicit action: the "Check" button, Enter or Space on an
 *     option, or a click (mouse or touch) on one;
 *   - then shows right or wrong and the explanation (the <details> is hidden). Only the
 *     short verdict ("Right." / "Not quite: the answer is C.") is in an aria-live region,
 *     so a screen reader says it once; the explanation is read when the reader gets there;
 *   - keeps a running score and a "Reset quiz" button in a bar below the questions;
 *   - saves the picked options in localStorage, per page, so they survive a reload.
 * A reader may change an answer; the score counts the answers picked now.
 * It runs again on every page view under Material's instant navigation (document$).
 * No network access; it needs common.js (listed before it in mkdocs.yml).
 */
(function () {
  "use strict";

  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var STORAGE_PREFIX = "quiz-progress:";

  function storageKey() {
    return STORAGE_PREFIX + window.location.pathname;
  }

  var make = window.siteCommon.make;

  // Saved progress is untrusted (common.js): keep only whole, non-negative option numbers.
  function load() {
    return window.siteCommon.read(storageKey(), function (index) {
      return typeof index === "number" && Number.isInteger(index) && index >= 0;
    });
  }

  function save(progress) {
    window.siteCommon.write(storageKey(), progress);
  }

  function clear() {
    window.siteCommon.forget(storageKey());
  }

  /* One question: returns {id, inputs, correct, show(index), reset()}. */
  function setUpQuestion(fieldset, number, onAnswer) {
    var id = fieldset.id;
    var list = fieldset.querySelector(":scope > ol");
    var details = fieldset.querySelector(":scope > details.quiz-answer");
    if (!id || !list || !details) return null;

    var items = Array.prototype.slice.call(list.children);
    var correct = items.findIndex(function (item) {
      return item.classList.contains("correct");
    });
    if (correct < 0) return null; // the content check reports this; leave it readable

    var legend = fieldset.querySelector(":scope > legend");
    if (legend) {
      legend.insertBefore(make("span", "quiz-number", "Question " + number + ". "), legend.firstChild);
      fieldset.classList.add("quiz--numbered"); // the CSS counter steps aside
    }

    var pointer = 0; // when a mouse or finger last pressed an option
    function chosen() {
      return inputs.findIndex(function (input) {
        return input.checked;
      });
    }

    var inputs = items.map(function (item, index) {
      var label = make("label", "quiz-option");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = id;
      input.value = String(index);
      var letter = make("span", "quiz-option__letter", LETTERS.charAt(index) + ".");
      var text = make("span", "quiz-option__text");
      while (item.firstChild) text.appendChild(item.firstChild);
      label.appendChild(input);
      label.appendChild(letter);
      label.appendChild(text);
      item.appendChild(label);
      // A click answers; the arrow keys (which also fire "change") only browse.
      label.addEventListener("pointerdown", function () {
        pointer = Date.now();
      });
      input.addEventListener("change", function () {
        var clicked = Date.now() - pointer < 1000;
        pointer = 0; // one press answers once
        if (input.checked && clicked) onAnswer(question, index, true);
      });
      input.addEventListener("keydown", function (event) {
        pointer = 0; // a key moved the choice: browsing, not a click
        if (event.key === "Enter") {
          event.preventDefault();
          input.checked = true;
          onAnswer(question, index, true);
        }
      });
      input.addEventListener("keyup", function (event) {
        if (event.key === " " && input.checked) onAnswer(question, index, true);
      });
      return input;
    });

    var check = make("button", "md-button quiz-check", "Check");
    check.type = "button";
    check.setAttribute("aria-label", "Check the answer to question " + number);
    check.addEventListener("click", function () {
      var index = chosen();
      if (index >= 0) {
        onAnswer(question, index, true);
      } else {
        verdict.textContent = "Pick an option first.";
      }
    });
    list.parentNode.insertBefore(check, list.nextSibling);

    // The explanation moves (not copies: ids stay unique) from the <details> into the
    // feedback, after the verdict; the <details> is hidden. Only the verdict is live.
    var explanation = make("div", "quiz-explanation");
    Array.prototype.slice.call(details.childNodes).forEach(function (node) {
      if (node.nodeName !== "SUMMARY") explanation.appendChild(node);
    });
    details.hidden = true;
    var verdict = make("p", "quiz-verdict");
    verdict.setAttribute("aria-live", "polite");
    var feedback = make("div", "quiz-feedback");
    feedback.appendChild(verdict);
    fieldset.insertBefore(feedback, details);
    list.classList.add("quiz-options");
    fieldset.classList.add("quiz--ready");

    var question = {
      id: id,
      inputs: inputs,
      correct: correct,
      picked: -1,
      show: function (index) {
        question.picked = index;
        inputs[index].checked = true;
        var right = index === correct;
        fieldset.classList.toggle("quiz--right", right);
        fieldset.classList.toggle("quiz--wrong", !right);
        items.forEach(function (item, i) {
          item.classList.toggle("quiz-option--picked", i === index);
          item.classList.toggle("quiz-option--answer", !right && i === correct);
        });
        // A short verdict for the live region; the explanation follows, not live.
        verdict.textContent = "";
        verdict.appendChild(make("strong", null, right ? "Right." : "Not quite:"));
        if (!right) {
          verdict.appendChild(
            document.createTextNode(" the answer is " + LETTERS.charAt(correct) + ".")
          );
        }
        feedback.classList.add("quiz-feedback--shown");
        feedback.appendChild(explanation);
      },
      reset: function () {
        question.picked = -1;
        inputs.forEach(function (input) {
          input.checked = false;
        });
        fieldset.classList.remove("quiz--right", "quiz--wrong");
        items.forEach(function (item) {
          item.classList.remove("quiz-option--picked", "quiz-option--answer");
        });
        verdict.textContent = "";
        feedback.classList.remove("quiz-feedback--shown");
        if (explanation.parentNode) explanation.parentNode.removeChild(explanation);
      },
    };
    return question;
  }

  function enhance() {
    var fieldsets = document.querySelectorAll("fieldset.quiz:not(.quiz--ready)");
    if (!fieldsets.length) return;

    var progress = load();
    var questions = [];
    var score = make("p", "quiz-score__text"); // not live: the verdict is said already
    var notice = make("p", "quiz-score__notice"); // live: says that Reset worked
    notice.setAttribute("role", "status");

    function update() {
      var answered = 0;
      var right = 0;
      questions.forEach(function (q) {
        if (q.picked < 0) return;
        answered += 1;
        if (q.picked === q.correct) right += 1;
      });
      score.textContent =
        "Score: " + right + " right out of " + answered + " answered (" +
        questions.length + " questions).";
    }

    function onAnswer(question, index, byReader) {
      notice.textContent = "";
      question.show(index);
      if (byReader) {
        progress[question.id] = index;
        var kept = Object.create(null); // only this page's questions are saved
        questions.forEach(function (q) {
          if (Object.prototype.hasOwnProperty.call(progress, q.id)) kept[q.id] = progress[q.id];
        });
        save(kept);
      }
      update();
    }

    Array.prototype.forEach.call(fieldsets, function (fieldset, i) {
      var question = setUpQuestion(fieldset, i + 1, onAnswer);
      if (question) questions.push(question);
    });
    if (!questions.length) return;

    // Restore saved answers (ignore ones that no longer fit the question).
    questions.forEach(function (q) {
      var index = Object.prototype.hasOwnProperty.call(progress, q.id) ? progress[q.id] : -1;
      if (Number.isInteger(index) && index >= 0 && index < q.inputs.length) {
        onAnswer(q, index, false);
      }
    });

    var bar = make("div", "quiz-score");
    var reset = make("button", "md-button quiz-score__reset", "Reset quiz");
    reset.type = "button";
    reset.addEventListener("click", function () {
      clear();
      progress = Object.create(null);
      questions.forEach(function (q) {
        q.reset();
      });
      update();
      notice.textContent = "Your answers were cleared.";
    });
    bar.appendChild(score);
    bar.appendChild(notice);
    bar.appendChild(reset);
    var last = fieldsets[fieldsets.length - 1];
    last.parentNode.insertBefore(bar, last.nextSibling);
    update();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance); // Material: every page view, instant or not
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
