// The week grid of business hours: press on a cell and drag to tick (or clear) every cell passed over.
(function () {
  const grid = document.querySelector('[data-testid="week-grid"]');
  if (!grid) return;
  let painting = null;
  grid.addEventListener('mousedown', function (event) {
    const box = event.target.closest('input[type=checkbox]');
    if (!box || box.disabled) return;
    event.preventDefault();
    painting = !box.checked;
    box.checked = painting;
  });
  grid.addEventListener('mouseover', function (event) {
    const box = event.target.closest('input[type=checkbox]');
    if (painting === null || !box || box.disabled) return;
    box.checked = painting;
  });
  grid.addEventListener('click', function (event) {
    // The press already toggled the cell; a click would toggle it back.
    if (event.target.matches('input[type=checkbox]') && event.detail > 0) event.preventDefault();
  });
  document.addEventListener('mouseup', function () { painting = null; });
})();
