// Add a row to a Django formset: copy the empty form kept in a <template> and count it.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    var prefix = button.getAttribute("data-formset-add");
    var rows = document.querySelector('[data-formset="' + prefix + '"]');
    var template = document.getElementById(prefix + "-empty");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!rows || !template || !total) { return; }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("input:not([type=hidden])");
      if (first) { first.focus(); }
    });
  });
})();
