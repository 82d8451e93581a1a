// The poster's print button (no inline code in templates).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
