// Phones take large photos: shrink them in the browser before upload (the server
// re-encodes anyway). Falls back to the original file when the browser cannot.
(function () {
  "use strict";
  var MAX_SIDE = 800;
  document.querySelectorAll("form[data-resize-photo]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    if (!input || !window.HTMLCanvasElement || !window.DataTransfer) { return; }
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file || !/^image\/(jpeg|png)$/.test(file.type)) { return; }
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
        if (scale === 1) { return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.width * scale);
        canvas.height = Math.round(image.height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          var transfer = new DataTransfer();
          transfer.items.add(new File([blob], "photo.jpg", {type: "image/jpeg"}));
          input.files = transfer.files;
        }, "image/jpeg", 0.85);
      };
      image.src = URL.createObjectURL(file);
    });
  });
})();
