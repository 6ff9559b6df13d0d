// Reload the "card is being made" page until the card is ready (no inline script: CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-refresh-seconds]");
  if (!box) { return; }
  var seconds = parseInt(box.dataset.refreshSeconds, 10) || 5;
  setTimeout(function () { window.location.reload(); }, seconds * 1000);
}());
