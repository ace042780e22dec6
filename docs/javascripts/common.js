/*
 * common.js: the two small helpers the site's scripts share (quiz.js, path.js).
 *
 *   siteCommon.read(key, keep)  saved state from localStorage, as an object without a
 *                               prototype holding only the entries keep(value) accepts.
 *                               Saved state is untrusted (another version of the page, an
 *                               extension or a reader may have written anything): invalid
 *                               JSON, an array or a non-object gives an empty object, and
 *                               "__proto__" or "constructor" are plain, harmless keys.
 *   siteCommon.write(key, obj)  save it; siteCommon.forget(key) removes it. When storage is
 *                               blocked (private mode) both do nothing: the page still works.
 *   siteCommon.make(tag, className, text)  a new element.
 * No network access, no dependency.
 */
(function () {
  "use strict";

  function read(key, keep) {
    var kept = Object.create(null);
    var saved;
    try {
      saved = JSON.parse(window.localStorage.getItem(key) || "{}");
    } catch (error) {
      return kept; // storage blocked or corrupt: start afresh, never break the page
    }
    if (!saved || typeof saved !== "object" || Array.isArray(saved)) return kept;
    Object.keys(saved).forEach(function (name) {
      if (keep(saved[name])) kept[name] = saved[name];
    });
    return kept;
  }

  function write(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* storage blocked: the state lasts until the page is left */
    }
  }

  function forget(key) {
    try {
      window.localStorage.removeItem(key);
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

  window.siteCommon = { read: read, write: write, forget: forget, make: make };
})();
