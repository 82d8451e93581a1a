/* The appeal forms (resident, staff desk, guest). A file past its limit is refused here, when
 * it is chosen, with the limit in words, instead of after minutes of uploading ending in a
 * 413 page; the other files stay chosen. The server still checks every limit (core.uploads).
 * Inputs carry data-max-bytes, data-max-files and the message texts (data-too-big,
 * data-too-many, with {name} and {limit}); the submit button is disabled once sent. */
(function () {
  "use strict";

  function say(input, text) {
    var id = input.id + "-limit";
    var box = document.getElementById(id);
    if (!text) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("p");
      box.id = id;
      box.className = "errorlist upload-limit";
      box.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", box);
    }
    box.textContent = text;
  }

  function megabytes(bytes) {
    return (Math.round(bytes / 104857.6) / 10) + " MB";
  }

  function check(input) {
    var maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    var maxFiles = parseInt(input.dataset.maxFiles || "0", 10);
    var files = Array.prototype.slice.call(input.files || []);
    var problems = [];
    var keep = files.filter(function (f) {
      if (maxBytes && f.size > maxBytes) {
        problems.push((input.dataset.tooBig || "{name} > {limit}")
          .replace("{name}", f.name).replace("{limit}", megabytes(maxBytes)));
        return false;
      }
      return true;
    });
    if (maxFiles && keep.length > maxFiles) {
      problems.push((input.dataset.tooMany || "> {limit}").replace("{limit}", String(maxFiles)));
      keep = keep.slice(0, maxFiles);
    }
    if (keep.length !== files.length) {
      if (typeof DataTransfer === "function") {
        var kept = new DataTransfer();
        keep.forEach(function (f) { kept.items.add(f); });
        input.files = kept.files;
      } else {
        input.value = "";
      }
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    say(input, problems.join(" "));
  }

  function init() {
    document.querySelectorAll("form[data-appeal-form]").forEach(function (form) {
      form.querySelectorAll('input[type="file"][data-max-bytes]').forEach(function (input) {
        input.addEventListener("change", function () {
          if (input.dataset.checking) { return; }  // the change event check() itself sends
          input.dataset.checking = "1";
          check(input);
          delete input.dataset.checking;
        });
      });
      form.addEventListener("submit", function () {
        var button = form.querySelector('button[type="submit"]');
        if (button) { button.disabled = true; }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
