/* "其他居民已反映": while a resident describes the matter, look up open appeals of their
 * community that read the same. Listens to `input` (typing, paste, voice input, autofill)
 * rather than key presses, which paste and voice input never send and IME composition
 * sends for every syllable; during composition it waits for `compositionend`, so a
 * half-typed pinyin string is never looked up. */
(function () {
  "use strict";
  var DELAY = 600;
  var MIN_LENGTH = 5;

  function init() {
    var text = document.querySelector("textarea[data-similar-url]");
    var panel = document.getElementById("similar");
    if (!text || !panel) { return; }
    var url = text.getAttribute("data-similar-url");
    var form = text.form;
    var timer = null;
    var composing = false;
    var asked = "";
    var controller = null;

    function community() {
      var field = form && form.elements.namedItem("community");
      return field ? field.value : "";
    }

    function lookUp() {
      timer = null;
      var content = text.value.trim();
      var code = community();
      var key = code + "\n" + content;
      if (key === asked) { return; }
      asked = key;
      if (controller) { controller.abort(); }
      if (!code || content.length < MIN_LENGTH) {
        panel.innerHTML = "";
        return;
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var query = "?community=" + encodeURIComponent(code) + "&content=" + encodeURIComponent(content);
      fetch(url + query, {
        credentials: "same-origin",
        headers: {"X-Requested-With": "fetch"},
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        // An answer to an older question must not replace a newer one.
        if (asked === key) { panel.innerHTML = html; }
      }).catch(function () { /* aborted or offline: the form still works without it */ });
    }

    function schedule() {
      if (composing) { return; }
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(lookUp, DELAY);
    }

    text.addEventListener("compositionstart", function () { composing = true; });
    text.addEventListener("compositionend", function () { composing = false; schedule(); });
    text.addEventListener("input", function (event) {
      if (event.isComposing) { return; }
      schedule();
    });
    var select = form && form.elements.namedItem("community");
    if (select && select.addEventListener) { select.addEventListener("change", schedule); }
    if (text.value.trim()) { schedule(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
