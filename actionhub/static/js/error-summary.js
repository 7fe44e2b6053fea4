// The error summary, as in the GOV.UK Design System. The page already works without this
// script: the summary comes first in the main content and takes focus through `autofocus`,
// and its links jump to their fields. The script makes sure of the focus where a browser
// ignores `autofocus`, and makes each link focus its field with the field's label in view.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  if (document.activeElement !== summary) {
    summary.focus();
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    var control = target.matches("input, select, textarea")
      ? target
      : target.querySelector("input, select, textarea");
    if (!control) {
      return;
    }
    event.preventDefault();
    (control.closest(".field") || control).scrollIntoView();
    control.focus({ preventScroll: true });
  });
})();
