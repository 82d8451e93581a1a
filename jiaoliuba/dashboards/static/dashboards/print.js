// The monthly report's "Print or save as PDF" button (no inline onclick: the CSP forbids it).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
