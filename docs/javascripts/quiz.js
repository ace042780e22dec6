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
 *   - turns each option into a native radio button with a label (A, B, C, ...);
 *   - shows right or wrong and the explanation as soon as an option is picked, in an
 *     aria-live region so screen readers announce it (the <details> is then hidden);
 *   - keeps a running score and a "Reset quiz" button in a bar below the questions;
 *   - saves the picked options in localStorage, per page, so they survive a reload.
 * A reader may change an answer; the score counts the answers picked now.
 * It runs again on every page view under Material's instant navigation (document$).
 * No network access, no dependency.
 */
(function () {
  "use strict";

  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var STORAGE_PREFIX = "quiz-progress:";

  function storageKey() {
    return STORAGE_PREFIX + window.location.pathname;
  }

  // Saved progress is untrusted: another version of the page, an extension or a reader may
  // have written anything there. Keep only whole, non-negative option numbers, in an object
  // without a prototype (so "__proto__" or "constructor" are plain, harmless keys).
  function load() {
    var progress = Object.create(null);
    var saved;
    try {
      saved = JSON.parse(window.localStorage.getItem(storageKey()) || "{}");
    } catch (error) {
      return progress; // storage blocked or corrupt: start afresh, never break the page
    }
    if (!saved || typeof saved !== "object" || Array.isArray(saved)) return progress;
    Object.keys(saved).forEach(function (id) {
      var index = saved[id];
      if (typeof index === "number" && Number.isInteger(index) && index >= 0) progress[id] = index;
    });
    return progress;
  }

  function save(progress) {
    try {
      window.localStorage.setItem(storageKey(), JSON.stringify(progress));
    } catch (error) {
      /* storage blocked (private mode): the quiz still works, it just forgets */
    }
  }

  function clear() {
    try {
      window.localStorage.removeItem(storageKey());
    } catch (error) {
      /* nothing saved */
    }
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* One question: returns {id, inputs, correct, show(index), reset()}. */
  function setUpQuestion(fieldset, onAnswer) {
    var id = fieldset.id;
    var list = fieldset.querySelector(":scope > ol");
    var details = fieldset.querySelector(":scope > details.quiz-answer");
    if (!id || !list || !details) return null;

    var items = Array.prototype.slice.call(list.children);
    var correct = items.findIndex(function (item) {
      return item.classList.contains("correct");
    });
    if (correct < 0) return null; // the content check reports this; leave it readable

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
      input.addEventListener("change", function () {
        if (input.checked) onAnswer(question, index, true);
      });
      return input;
    });

    // The explanation moves (not copies: ids stay unique) from the <details> into a
    // live region, and the <details> is hidden.
    var explanation = make("div", "quiz-explanation");
    Array.prototype.slice.call(details.childNodes).forEach(function (node) {
      if (node.nodeName !== "SUMMARY") explanation.appendChild(node);
    });
    details.hidden = true;
    var feedback = make("div", "quiz-feedback");
    feedback.setAttribute("aria-live", "polite");
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
        // The explanation that follows starts with "Answer: X.", so the verdict is short.
        var verdict = make("p", "quiz-verdict");
        verdict.appendChild(make("strong", null, right ? "Right." : "Not quite."));
        verdict.appendChild(
          document.createTextNode(" You picked " + LETTERS.charAt(index) + ".")
        );
        // Replace the content so that the live region announces it afresh.
        feedback.textContent = "";
        feedback.appendChild(verdict);
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
        feedback.textContent = "";
      },
    };
    return question;
  }

  function enhance() {
    var fieldsets = document.querySelectorAll("fieldset.quiz:not(.quiz--ready)");
    if (!fieldsets.length) return;

    var progress = load();
    var questions = [];
    var score = make("p", "quiz-score__text");
    score.setAttribute("role", "status"); // polite: announced after the feedback

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

    Array.prototype.forEach.call(fieldsets, function (fieldset) {
      var question = setUpQuestion(fieldset, onAnswer);
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
      score.textContent += " Your answers were cleared.";
    });
    bar.appendChild(score);
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
