// The block list follows the district chosen (cascading select, no inline script).
(function () {
  "use strict";
  var script = document.getElementById("blocks-script");
  if (!script) { return; }
  var url = script.getAttribute("data-blocks-url");
  document.querySelectorAll("select[data-blocks-target]").forEach(function (district) {
    var block = document.getElementById("id_" + district.getAttribute("data-blocks-target"));
    if (!block) { return; }
    district.addEventListener("change", function () {
      fetch(url + "?district=" + encodeURIComponent(district.value), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var first = block.options[0];
          var chosen = block.value;
          block.innerHTML = "";
          if (first && first.value === "") { block.appendChild(first); }
          data.blocks.forEach(function (b) {
            var option = document.createElement("option");
            option.value = b.id;
            option.textContent = b.name;
            block.appendChild(option);
          });
          // A choice made while the list was loading is kept when it still applies.
          block.value = chosen;
          if (block.value !== chosen) { block.value = ""; }
        });
    });
  });
})();
