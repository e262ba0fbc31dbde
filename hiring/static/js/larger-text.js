// Larger text and high contrast: a candidate's choice, kept in this browser.
// Loaded in <head> without defer, so the class is on <html> before the page is painted.
(function () {
  "use strict";
  var KEY = "hiring.larger-text", CLASS = "larger-text";
  var root = document.documentElement;
  var stored = function () {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  };
  if (stored()) root.classList.add(CLASS);
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("larger-text");
    if (!button) return;
    var show = function () {
      button.setAttribute("aria-pressed", root.classList.contains(CLASS) ? "true" : "false");
    };
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var on = root.classList.toggle(CLASS);
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* kept for this page */ }
      show();
    });
  });
})();
