// Draws the plotly specs the page carries in <script id="chart-specs">.
(function () {
  function draw(root) {
    var node = (root || document).querySelector("#chart-specs");
    if (!node || !window.Plotly) return;
    var specs = JSON.parse(node.textContent);
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = specs[el.dataset.chart];
      if (!spec) return;
      var dark = document.body.classList.contains("screen");
      if (dark) {
        spec.layout.font = Object.assign({}, spec.layout.font, { color: "#e8eef7" });
      }
      Plotly.react(el, spec.data, spec.layout, { displayModeBar: false, responsive: true });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function () { draw(document); });
})();
