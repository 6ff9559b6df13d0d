// Cascading selects: the block list follows the district, the village list the block
// (no inline script; the URLs come from data- attributes of the script tag).
(function () {
  "use strict";
  var script = document.getElementById("blocks-script");
  if (!script) { return; }

  function refill(select, items) {
    var first = select.options[0];
    var chosen = select.value;
    select.innerHTML = "";
    if (first && first.value === "") { select.appendChild(first); }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.id;
      option.textContent = item.name;
      select.appendChild(option);
    });
    // A choice made while the list was loading is kept when it still applies.
    select.value = chosen;
    if (select.value !== chosen) { select.value = ""; }
    select.dispatchEvent(new Event("change"));
  }

  function follow(parentAttr, url, param, key) {
    document.querySelectorAll("select[" + parentAttr + "]").forEach(function (parent) {
      var child = document.getElementById("id_" + parent.getAttribute(parentAttr));
      if (!child || !url) { return; }
      parent.addEventListener("change", function () {
        if (!parent.value) { refill(child, []); return; }
        fetch(url + "?" + param + "=" + encodeURIComponent(parent.value),
              {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) { refill(child, data[key]); });
      });
    });
  }

  follow("data-blocks-target", script.getAttribute("data-blocks-url"), "district", "blocks");
  follow("data-villages-target", script.getAttribute("data-villages-url"), "block", "villages");
})();
