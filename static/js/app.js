// Small enhancements; everything works without this file.
(function () {
  "use strict";
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
  // After htmx swaps in a form with errors, move focus to its first invalid field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var invalid = event.detail.target && event.detail.target.querySelector
      ? event.detail.target.querySelector("[aria-invalid=true]") : null;
    if (invalid) { invalid.focus(); }
  });
})();
