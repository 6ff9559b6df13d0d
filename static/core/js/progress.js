// Poll a background job's status and move its progress bar (no inline script: CSP).
(function () {
  "use strict";
  var box = document.querySelector(".job-progress");
  if (!box) { return; }
  var bar = box.querySelector(".job-bar");
  var wrap = box.querySelector(".progress");
  function show(data) {
    bar.style.width = data.percent + "%";
    wrap.setAttribute("aria-valuenow", data.percent);
    box.querySelector(".job-status-label").textContent = data.status_label;
    box.querySelector(".job-counts").textContent = data.done + " / " + data.total;
    if (data.status === "done" && data.has_file) {
      box.querySelector(".job-done-message").classList.remove("d-none");
    }
    if (data.status === "failed") {
      box.querySelector(".job-failed-message").classList.remove("d-none");
    }
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        show(data);
        if (data.status === "queued" || data.status === "running") { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
}());
