/* Photo preview before sending (issue 9, item 13). For every element
   <div class="photo-preview" data-preview-for="ID">, shows thumbnails of the images chosen
   in the file input #ID, each with a button to take it out again. No inline script: the
   page's CSP will forbid it. Works without DataTransfer too (then only the preview). */
(function () {
  "use strict";

  function render(input, box) {
    box.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    files.forEach(function (file, index) {
      if (!/^image\//.test(file.type)) { return; }
      var item = document.createElement("figure");
      item.className = "photo-preview-item";
      var img = document.createElement("img");
      img.alt = file.name;
      var url = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(url); };
      img.src = url;
      item.appendChild(img);
      if (typeof DataTransfer === "function") {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "photo-preview-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (box.dataset.removeLabel || "Remove") + " " + file.name);
        remove.addEventListener("click", function () {
          var keep = new DataTransfer();
          files.forEach(function (f, i) { if (i !== index) { keep.items.add(f); } });
          input.files = keep.files;
          render(input, box);
        });
        item.appendChild(remove);
      }
      box.appendChild(item);
    });
    box.hidden = box.childElementCount === 0;
  }

  function init() {
    var boxes = document.querySelectorAll(".photo-preview[data-preview-for]");
    Array.prototype.forEach.call(boxes, function (box) {
      var input = document.getElementById(box.dataset.previewFor);
      if (!input || input.dataset.previewBound) { return; }
      input.dataset.previewBound = "1";
      box.hidden = true;
      input.addEventListener("change", function () { render(input, box); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
