// Small enhancements; everything works without this file.
(function () {
  "use strict";
  // Tells the stylesheet that JavaScript runs: controls kept for no-JS use (.no-js-only) hide.
  document.documentElement.classList.add("js");
  // Only one header menu open at a time; a click elsewhere or Escape closes them.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) { summary.focus(); }
    });
  });
  // After htmx settles new content with errors, move focus to its first invalid field.
  // (afterSettle fires on the new elements, so this works for outerHTML swaps too.)
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    if (!root || !root.querySelector) { return; }
    var invalid = root.matches("[aria-invalid=true]") ? root : root.querySelector("[aria-invalid=true]");
    if (invalid) { invalid.focus(); }
  });
})();
