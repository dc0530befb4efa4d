// A checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME.
// (A static file, not an inline handler: the Content-Security-Policy allows no inline script.)
document.addEventListener("change", (event) => {
  const name = event.target.dataset && event.target.dataset.selectAll;
  if (!name) return;
  document.querySelectorAll(`input[name="${name}"]`).forEach((box) => {
    box.checked = event.target.checked;
  });
});
