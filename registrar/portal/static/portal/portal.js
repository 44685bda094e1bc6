/* Behaviour of the portal's pages, kept out of the templates so that the
   Content-Security-Policy can forbid inline script and event handlers.

   data-autosubmit   on a <select>: changing it submits its form (the language switcher).
   data-confirm      on a <form>: asks before submitting (the text is the question).
   input.score       in a grade sheet: Enter and ArrowDown move to the next score, ArrowUp
                     to the previous one, like a spreadsheet. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("score")) return;
    var step = event.key === "Enter" || event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    var all = Array.prototype.slice.call(document.querySelectorAll("input.score"));
    var next = all[all.indexOf(input) + step];
    if (next) { next.focus(); next.select(); }
  });
})();
