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
  // The catalog's "Added to your cart" note goes when the buyer clicks elsewhere.
  document.addEventListener("click", function (event) {
    var toast = document.getElementById("cart-added");
    if (!toast || !toast.firstChild || toast.contains(event.target)) { return; }
    if (event.target.closest && event.target.closest("[form=cart-add]")) { return; }
    toast.textContent = "";
  });
  // A "Print" button (an order): the browser's print dialog, with the print stylesheet.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) { summary.focus(); }
    });
  });
  // What an earlier action said (a success, a refusal, the flashes at the top) is old news once
  // another action's answer comes in: it goes when that answer is swapped in. What the answer
  // brings stays (in its target, or out of band: those are swapped after this); so do the
  // messages on the fields of a form still open elsewhere. Requests no user started (none
  // yet; a poll, a load trigger) and boosted page loads change nothing here.
  var MESSAGES = ".flash, .form-error, .notice[role], .error[role=alert]";
  function forget(message) {
    if (message.id) {  // the control it described is no longer marked invalid
      document.querySelectorAll("[aria-describedby]").forEach(function (control) {
        var ids = control.getAttribute("aria-describedby").split(/\s+/);
        if (ids.indexOf(message.id) < 0) { return; }
        ids = ids.filter(function (id) { return id && id !== message.id; });
        if (ids.length) { control.setAttribute("aria-describedby", ids.join(" ")); }
        else { control.removeAttribute("aria-describedby"); }
        control.removeAttribute("aria-invalid");
      });
      var holder = message.closest(".has-error");
      if (holder) { holder.classList.remove("has-error"); }
    }
    message.remove();
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var target = detail.target;
    var main = document.getElementById("main");
    if (!detail.shouldSwap || detail.boosted || !main || !target) { return; }
    if (!detail.requestConfig || !detail.requestConfig.triggeringEvent) { return; }
    main.querySelectorAll(MESSAGES).forEach(function (message) {
      if (!target.contains(message)) { forget(message); }
    });
  });
  // After htmx settles new content with errors, move focus to its first invalid field.
  // (afterSettle fires on the new elements, so this works for outerHTML swaps too.)
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    if (!root || !root.querySelector) { return; }
    var invalid = root.matches("[aria-invalid=true]") ? root : root.querySelector("[aria-invalid=true]");
    if (invalid) { invalid.focus(); return; }
    // When the swap took the focused control away, a field that takes the next entry (quick
    // order: the next scan) gets the focus back.
    var config = event.detail && event.detail.requestConfig;
    var from = config && config.elt;
    if (!from || !from.closest || !from.closest("[data-refocus-after]")) { return; }
    var again = document.querySelector("[data-refocus]");
    if (again) { again.focus(); }
  });
})();
