// The reply composer: insert a saved reply at the cursor. Counting happens on the server (htmx),
// by the same rules that refuse an over-long reply.
(function () {
  if (window.promptlyComposer) return;
  window.promptlyComposer = true;
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
