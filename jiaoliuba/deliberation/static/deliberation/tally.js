// The tally sheet's print button (a static file: the pages run under a strict CSP).
// Bound once, whether the page was loaded or swapped in by htmx's boosted navigation.
(function () {
  function bind() {
    var button = document.getElementById("print-sheet");
    if (button && !button.dataset.printBound) {
      button.dataset.printBound = "1";
      button.addEventListener("click", function () { window.print(); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
  document.addEventListener("htmx:load", bind);
})();
