// Size the parts of a payment batch's status bar from their data-width (no style=: CSP).
(function () {
  "use strict";
  document.querySelectorAll(".batch-bar [data-width]").forEach(function (part) {
    var width = parseFloat(part.dataset.width);
    if (!isNaN(width)) { part.style.width = width + "%"; }
  });
}());
