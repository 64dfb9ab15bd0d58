// The reply composer: insert a saved reply at the cursor. Counting happens on the server (htmx),
// by the same rules that refuse an over-long reply.
(function () {
  if (window.promptlyComposer) return;
  window.promptlyComposer = true;
  // A refused or questioned reply comes back as 409/422 with the composer to show: swap it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 409 || status === 422) && target && target.closest && target.closest("form.composer, .delivery")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("change", function (event) {
    var picker = event.target;
    if (!picker.matches || !picker.matches("select.saved-reply-picker")) return;
    var option = picker.selectedOptions[0];
    var area = document.getElementById(picker.dataset.target);
    if (!option || !option.value || !area) return;
    var text = option.dataset.text;
    var start = area.selectionStart, end = area.selectionEnd;
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    area.selectionStart = area.selectionEnd = start + text.length;
    picker.value = "";
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
