// The crisis banner: every staff page asks for the active incidents of the person's brands, then every minute.
(function () {
  "use strict";
  var holder = document.getElementById("crisis-banner");
  if (!holder || !window.fetch) return;
  function refresh() {
    fetch(holder.dataset.url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { holder.innerHTML = html; })
      .catch(function () { /* offline: keep what is shown; the next minute tries again */ });
  }
  refresh();
  window.setInterval(refresh, 60000);
})();
