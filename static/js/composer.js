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

// Saved-reply search: typing "/" (at the start or after a space) opens the brand's saved replies, filtered by
// what follows the slash; arrows move, Enter inserts the reply in place of "/words", Escape closes. The
// inserted text stays editable; the form remembers which saved reply was used (usage counts).
(function () {
  if (window.promptlySavedReplySearch) return;
  window.promptlySavedReplySearch = true;

  function listFor(area) {
    var form = area.closest("form.composer");
    return form ? form.querySelector("[data-saved-reply-search]") : null;
  }

  function slashQuery(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = /(^|\s)\/([^\s\/]*(?: [^\s\/]+)*)$/.exec(before);
    return match ? { start: before.length - match[2].length - 1, words: match[2].toLowerCase() } : null;
  }

  function options(list) {
    return Array.prototype.filter.call(list.querySelectorAll("li[role=option]"), function (li) { return !li.hidden; });
  }

  function select(list, index) {
    var shown = options(list);
    shown.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (shown[index]) shown[index].scrollIntoView({ block: "nearest" });
  }

  function selectedIndex(list) {
    return options(list).findIndex(function (li) { return li.getAttribute("aria-selected") === "true"; });
  }

  function close(list, area) {
    list.hidden = true;
    area.removeAttribute("aria-activedescendant");
    area.setAttribute("aria-expanded", "false");
  }

  function refresh(area) {
    var list = listFor(area);
    if (!list) return;
    var query = slashQuery(area);
    if (!query) { close(list, area); return; }
    var words = query.words.split(/\s+/).filter(Boolean);
    var any = false;
    list.querySelectorAll("li[role=option]").forEach(function (li) {
      var haystack = li.dataset.search || "";
      li.hidden = !words.every(function (word) { return haystack.indexOf(word) !== -1; });
      any = any || !li.hidden;
    });
    list.hidden = !any;
    area.setAttribute("aria-expanded", any ? "true" : "false");
    if (any) select(list, 0);
  }

  function pick(area, li) {
    var list = listFor(area);
    var query = slashQuery(area);
    if (!list || !query || !li) return;
    var text = li.dataset.text;
    var end = area.selectionStart;
    area.value = area.value.slice(0, query.start) + text + area.value.slice(end);
    area.selectionStart = area.selectionEnd = query.start + text.length;
    var form = area.closest("form.composer");
    var used = form && form.querySelector("[data-saved-reply-id]");
    if (used) used.value = li.dataset.id;
    close(list, area);
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (area.matches && area.matches("form.composer textarea[name=text]")) refresh(area);
  });

  document.addEventListener("keydown", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("form.composer textarea[name=text]")) return;
    var list = listFor(area);
    if (!list || list.hidden) return;
    var count = options(list).length;
    var index = selectedIndex(list);
    if (event.key === "ArrowDown") { select(list, (index + 1) % count); event.preventDefault(); }
    else if (event.key === "ArrowUp") { select(list, (index - 1 + count) % count); event.preventDefault(); }
    else if (event.key === "Enter") { pick(area, options(list)[Math.max(index, 0)]); event.preventDefault(); }
    else if (event.key === "Escape") { close(list, area); event.preventDefault(); }
  });

  document.addEventListener("mousedown", function (event) {
    var li = event.target.closest && event.target.closest("[data-saved-reply-search] li[role=option]");
    if (!li) return;
    var area = document.getElementById(li.closest("[data-saved-reply-search]").dataset.target);
    if (area) { event.preventDefault(); pick(area, li); }
  });
})();
