// Promptly inbox: the live socket (with reconnect), live queue rows, the split view (the open conversation
// beside the queue, its URL in the history), presence and typing, keyboard shortcuts.
// No framework: plain DOM plus htmx, which the base template loads.
(function () {
  "use strict";

  // Every string this script shows, in one place, in the page's language (Django's JavaScript catalogue).
  var TEXT = {
    live: gettext("live"),
    reconnecting: gettext("reconnecting…"),
    selected: gettext(" selected"),
    alsoViewing: gettext("Also viewing: "),
    isTyping: gettext(" is typing a reply…"),
    areTyping: gettext(" are typing a reply…"),
    dueIn: gettext("due in "),
    overdueBy: gettext("overdue by "),
    minutes: gettext(" min"),
    hours: gettext(" h "),
    days: gettext(" days"),
    paneFailed: gettext("This conversation could not be opened here. Open it on its own page instead."),
  };
  if (window.promptlyText) Object.assign(TEXT, window.promptlyText.inbox || {});

  var root = document.getElementById("inbox") || document.getElementById("conversation");
  if (!root) return;
  var onQueue = root.id === "inbox";
  var me = Number(root.dataset.me || 0);
  // The split view's right-hand side (the queue page only); the open conversation is #conversation, in it
  // or on a page of its own.
  var pane = document.getElementById("open-pane");
  var workspace = document.getElementById("workspace");
  var wide = window.matchMedia("(min-width: 1024px)");

  function openConversation() { return document.getElementById("conversation"); }

  function conversationId() {
    var open = openConversation();
    return open ? Number(open.dataset.conversationId) : null;
  }
  var liveState = document.getElementById("live-state");
  var socket = null;
  var retryDelay = 1000;
  var TYPING_EVERY_MS = 2000;
  var TYPING_SHOWN_MS = 6000;
  var HEARTBEAT_MS = 20000;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function setLiveState(text) {
    if (liveState) liveState.textContent = text;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  // ------------------------------------------------------------ socket with reconnect

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.liveUrl);
    socket.onopen = function () {
      retryDelay = 1000;
      // What changed while the socket was down arrives first: the server replays each brand's events
      // after the last one this page saw.
      send({ type: "resume", after: lastSeen });
      setLiveState(TEXT.live);
      if (conversationId()) send({ type: "view", conversation_id: conversationId() });
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.event_id) lastSeen[message.brand_id] = later(lastSeen[message.brand_id], message.event_id);
      handle(message);
    };
    socket.onclose = function () {
      setLiveState(TEXT.reconnecting);
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    };
  }

  // ------------------------------------------------------------ catching up after a reconnect

  var lastSeen = {};  // brand id -> id of the last event of that brand this page heard ("<ms>-<n>")

  function later(a, b) {
    if (!a) return b;
    var x = a.split("-").map(Number), y = b.split("-").map(Number);
    return (y[0] > x[0] || (y[0] === x[0] && y[1] > x[1])) ? b : a;
  }

  function handle(message) {
    if (message.kind === "live.positions") {
      Object.keys(message.positions || {}).forEach(function (brand) { lastSeen[brand] = later(lastSeen[brand], message.positions[brand]); });
      return;
    }
    if (message.kind === "live.reload") { location.reload(); return; }
    if (message.kind === "conversation.created" || message.kind === "conversation.updated") {
      var ids = (message.conversation_ids || []).map(Number);
      if (onQueue) refreshRows(ids);
      if (ids.indexOf(conversationId()) !== -1) refreshConversation(message.reply);
    } else if (message.kind === "presence" && message.conversation_id === conversationId()) {
      showPresence(message);
    } else if (message.kind === "bulk.progress") {
      refreshBulkJob(message.job_id);
    }
  }

  // ------------------------------------------------------------ queue: live rows, selection, bulk

  var list = document.getElementById("queue-list");

  // A row's place in the current sort: integers that rise down the page (data-order, from the server).
  function orderOf(row) { return (row.dataset.order || "").split(".").map(Number); }

  function sortsBefore(a, b) {
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
  }

  // Put a row where the sort puts it among the loaded ones; false when it belongs to a page not loaded yet.
  function place(row) {
    var key = orderOf(row);
    var loaded = list.querySelectorAll(".row");
    for (var i = 0; i < loaded.length; i++) {
      if (sortsBefore(key, orderOf(loaded[i]))) { list.insertBefore(row, loaded[i]); return true; }
    }
    var more = document.getElementById("load-more");
    if (more) return false;
    list.appendChild(row);
    return true;
  }

  // Conversations heard of while a refresh was on its way: fetched together once it is done. In a storm a
  // page asks for the rows of many events at a time, one request after another, not one request an event.
  var stale = [];
  var refreshing = false;

  function refreshRows(ids) {
    if (!list) return;
    ids.forEach(function (id) { if (stale.indexOf(id) === -1) stale.push(id); });
    if (refreshing || !stale.length) return;
    refreshing = true;
    fetchRows(stale.splice(0, Number(root.dataset.rowsMax))).finally(function () {
      refreshing = false;
      refreshRows([]);
    });
  }

  // The rows endpoint answers with the ids' rows that the page's filters still match: each is (re)placed by
  // the sort, the others leave the page.
  function fetchRows(ids) {
    var url = root.dataset.rowsUrl + "?" + (root.dataset.filterQuery ? root.dataset.filterQuery + "&" : "") + "ids=" + ids.join(",");
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var holder = document.createElement("template");
        holder.innerHTML = html;
        ids.forEach(function (id) {
          var fresh = holder.content.querySelector("#conv-" + id);
          var current = document.getElementById("conv-" + id);
          if (current) current.remove();
          if (!fresh) return;
          if (current) {
            fresh.querySelector(".pick").checked = current.querySelector(".pick").checked;
            if (current.classList.contains("current")) fresh.classList.add("current");
          } else {
            fresh.classList.add("fresh");
          }
          if (place(fresh) && window.htmx) htmx.process(fresh);
        });
        var empty = document.getElementById("queue-empty");
        if (empty && list.querySelector(".row")) empty.remove();
        updateSelection();
        document.body.dispatchEvent(new Event("refresh-counts"));
        tickCountdowns();
      });
  }

  function pickedIds() {
    return Array.prototype.map.call(document.querySelectorAll("#queue-list .pick:checked"), function (box) { return box.value; });
  }

  function updateSelection() {
    var ids = pickedIds();
    var field = document.getElementById("bulk-ids");
    var count = document.getElementById("bulk-count");
    if (field) field.value = ids.join(",");
    if (count) count.textContent = ids.length + TEXT.selected;
    // The bulk actions show once something is selected: until then the rows start higher on the screen.
    var bulkBar = document.getElementById("bulk");
    if (bulkBar) bulkBar.hidden = ids.length === 0;
  }

  function refreshBulkJob(jobId) {
    var box = document.getElementById("bulk-job-" + jobId);
    if (box && window.htmx) htmx.ajax("GET", box.dataset.jobUrl, { target: "#bulk-job", swap: "innerHTML" });
  }

  if (onQueue) {
    document.addEventListener("change", function (event) {
      if (event.target.classList && event.target.classList.contains("pick")) updateSelection();
      if (event.target.closest && event.target.closest("#filters") && event.target.tagName === "SELECT") {
        event.target.form.submit();
      }
    });
    var bulkForm = document.getElementById("bulk");
    if (bulkForm) {
      bulkForm.addEventListener("htmx:configRequest", function (event) {
        var params = {
          assignee: document.getElementById("bulk-assignee").value,
          tag: document.getElementById("bulk-tag").value,
          saved_reply: document.getElementById("bulk-saved-reply").value,
        };
        event.detail.parameters.params = JSON.stringify(params);
        event.detail.parameters.conversation_ids = pickedIds().join(",");
      });
    }
  }

  // ------------------------------------------------------------ conversation: presence, typing, refresh

  var typingSeen = {};
  var lastViewers = [];

  function nameList(people) {
    return people.map(function (person) { return person.name; }).join(", ");
  }

  function showPresence(message) {
    var box = document.getElementById("presence");
    if (!box) return;
    lastViewers = (message.viewers || []).filter(function (person) { return person.id !== me; });
    var now = Date.now();
    (message.typing || []).forEach(function (person) { if (person.id !== me) typingSeen[person.id] = { name: person.name, until: now + TYPING_SHOWN_MS }; });
    renderPresence();
  }

  function renderPresence() {
    var box = document.getElementById("presence");
    if (!box) return;
    var now = Date.now();
    var typing = [];
    Object.keys(typingSeen).forEach(function (id) {
      if (typingSeen[id].until > now) typing.push(typingSeen[id]); else delete typingSeen[id];
    });
    box.textContent = "";
    if (lastViewers.length) {
      var viewing = document.createElement("span");
      viewing.className = "viewing";
      viewing.textContent = TEXT.alsoViewing + nameList(lastViewers) + ". ";
      box.appendChild(viewing);
    }
    if (typing.length) {
      var typingLine = document.createElement("span");
      typingLine.className = "typing";
      typingLine.textContent = nameList(typing) + (typing.length === 1 ? TEXT.isTyping : TEXT.areTyping);
      box.appendChild(typingLine);
    }
  }

  // One request at a time per part; an event that comes while one is in flight asks for one more after it.
  // (With htmx.ajax, htmx dropped a request for an element that already waited for one: the thread stayed
  // at "Queued" while the composer said "Sent".)
  var loading = {};

  function reload(part, url, outer) {
    if (loading[part]) { loading[part] = "again"; return; }
    if (!document.querySelector(part)) return;
    loading[part] = "yes";
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var target = document.querySelector(part);
        if (html === null || !target) return;
        if (outer) {
          var holder = document.createElement("template");
          holder.innerHTML = html.trim();
          var fresh = holder.content.firstElementChild;
          if (!fresh) return;
          target.replaceWith(fresh);
          target = fresh;
        } else {
          target.innerHTML = html;
        }
        if (window.htmx) htmx.process(target);
      })
      .finally(function () {
        var again = loading[part] === "again";
        loading[part] = null;
        if (again) reload(part, url, outer);
      });
  }

  function refreshConversation(reply) {
    var open = openConversation();
    if (!open) return;
    reload("#thread", open.dataset.threadUrl, false);
    // The composer shows the same reply's status: it moves with the thread, from the same event.
    if (reply && document.getElementById("delivery-" + reply.message_id)) {
      reload("#delivery-" + reply.message_id, open.dataset.deliveryUrl.replace(/\/0\/$/, "/" + reply.message_id + "/"), true);
    }
    var panel = document.getElementById("panel");
    // Do not pull the panel from under someone writing a note or a tag.
    if (panel && !panel.contains(document.activeElement)) reload("#panel", open.dataset.panelUrl, false);
  }

  var lastTypingSent = 0;
  document.addEventListener("input", function (event) {
    if (!conversationId() || !event.target.closest || !event.target.closest("[data-composer], #composer-slot")) return;
    var now = Date.now();
    if (now - lastTypingSent < TYPING_EVERY_MS) return;
    lastTypingSent = now;
    send({ type: "typing", conversation_id: conversationId() });
  });
  setInterval(renderPresence, 1000);
  window.addEventListener("pagehide", function () { send({ type: "leave" }); });

  // ------------------------------------------------------------ split view: the open conversation beside the queue

  function splitView() { return !!pane && wide.matches; }

  // The queue page's URL with ?c=<id> (or without it): the address of what is on screen.
  function queueUrl(id) {
    var params = new URLSearchParams(location.search);
    if (id) params.set("c", id); else params.delete("c");
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function markCurrent(id) {
    rows().forEach(function (row) { row.classList.toggle("current", Number(row.dataset.id) === id); });
    var row = document.getElementById("conv-" + id);
    if (row) row.scrollIntoView({ block: "nearest" });
  }

  var opening = 0;  // only the last conversation asked for is shown, however the answers arrive

  // Show conversation `id` in the pane; `push` adds it to the history (not when going back or forward).
  function openInPane(id, push, extra) {
    var ticket = ++opening;
    if (push) history.pushState({ c: id }, "", queueUrl(id));
    markCurrent(id);
    var url = root.dataset.paneUrl.replace(/\/0\/pane\/$/, "/" + id + "/pane/") + (extra || "");
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (ticket !== opening) return;
        if (conversationId() && conversationId() !== id) send({ type: "leave" });
        typingSeen = {};
        lastViewers = [];
        if (html === null) {
          pane.textContent = "";
          var failed = document.createElement("p");
          failed.className = "empty";
          failed.textContent = TEXT.paneFailed;
          pane.appendChild(failed);
        } else {
          pane.innerHTML = html;
          if (window.htmx) htmx.process(pane);
          send({ type: "view", conversation_id: id });
          var heading = pane.querySelector("h1");
          if (heading) document.title = heading.textContent + " · Promptly";
        }
        workspace.classList.add("has-open");
        tickCountdowns();
        if (extra) focusComposer();
      });
  }

  // What the pane says when nothing is open (kept in a <template>: the page may have opened with a conversation).
  var emptyPane = document.getElementById("pane-empty");

  function closePane(push) {
    opening++;
    if (conversationId()) send({ type: "leave" });
    if (push) history.pushState({ c: null }, "", queueUrl(null));
    pane.textContent = "";
    if (emptyPane) pane.appendChild(emptyPane.content.cloneNode(true));
    workspace.classList.remove("has-open");
  }

  // A link to a conversation (a row, an earlier conversation, "Reply to this") opens it beside the queue.
  function conversationLink(link) {
    var match = /^\/inbox\/c\/(\d+)\/(\?reply_to=\d+)?$/.exec(link.getAttribute("href") || "");
    return match ? { id: Number(match[1]), extra: match[2] || "" } : null;
  }

  if (pane) {
    document.addEventListener("click", function (event) {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      if (!event.target.closest) return;
      if (event.target.closest("[data-close-pane]")) { event.preventDefault(); closePane(true); return; }
      // The whole row opens its conversation (beside the queue, or on its own page on a narrow screen).
      var row = event.target.closest("#queue-list .row");
      if (row && !event.target.closest(".pick, a:not(.who)")) {
        event.preventDefault();
        openRow(row);
        return;
      }
      if (!splitView()) return;
      var link = event.target.closest("#open-pane a[href]");
      var target = link && !link.target && conversationLink(link);
      if (target) {
        event.preventDefault();
        openInPane(target.id, target.id !== conversationId(), target.extra);
      }
    });
    window.addEventListener("popstate", function () {
      var id = Number(new URLSearchParams(location.search).get("c")) || null;
      if (id === conversationId()) return;
      if (id) openInPane(id, false); else closePane(false);
    });
    if (conversationId()) {
      history.replaceState({ c: conversationId() }, "", location.href);
      markCurrent(conversationId());
    }
  }

  // ------------------------------------------------------------ countdowns

  function span(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    if (minutes < 60) return minutes + TEXT.minutes;
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + TEXT.hours + String(minutes % 60).padStart(2, "0") + TEXT.minutes;
    return Math.floor(hours / 24) + TEXT.days;
  }

  function tickCountdowns() {
    document.querySelectorAll("time.countdown").forEach(function (element) {
      var due = Date.parse(element.getAttribute("datetime"));
      if (isNaN(due)) return;
      var seconds = (due - Date.now()) / 1000;
      element.textContent = seconds > 0 ? TEXT.dueIn + span(seconds) : TEXT.overdueBy + span(seconds);
    });
  }
  setInterval(tickCountdowns, 30000);

  // ------------------------------------------------------------ keyboard shortcuts

  function typingInField(event) {
    var tag = event.target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable;
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue-list .row")); }

  function currentRow() { return document.querySelector("#queue-list .row.current"); }

  // Moves the cursor; with a conversation open beside the queue, the next one opens in its place.
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(currentRow());
    var next = all[Math.max(0, Math.min(all.length - 1, index === -1 ? 0 : index + step))];
    all.forEach(function (row) { row.classList.remove("current"); });
    next.classList.add("current");
    next.scrollIntoView({ block: "nearest" });
    var id = Number(next.dataset.id);
    if (splitView() && conversationId() && id !== conversationId()) openInPane(id, true);
  }

  function openRow(row, extra) {
    if (splitView()) openInPane(Number(row.dataset.id), Number(row.dataset.id) !== conversationId(), extra);
    else location.href = row.dataset.url + (extra ? "#reply" : "");
  }

  function post(url, fields) {
    var body = new URLSearchParams(fields);
    return fetch(url, { method: "POST", credentials: "same-origin", body: body, headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" } });
  }

  function focusComposer() {
    var field = document.querySelector("[data-composer] textarea, #composer-slot textarea");
    if (field) field.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingInField(event)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var row = currentRow();
    if (event.key === "/") {
      event.preventDefault();
      var search = document.getElementById("queue-search");
      if (search) search.focus(); else location.href = "/inbox/#search";
    } else if (onQueue && (event.key === "j" || event.key === "k")) {
      move(event.key === "j" ? 1 : -1);
    } else if (onQueue && (event.key === "Enter" || event.key === "o") && row) {
      openRow(row);
    } else if (pane && event.key === "Escape" && conversationId()) {
      closePane(true);
    } else if (onQueue && event.key === "x" && row) {
      var box = row.querySelector(".pick");
      box.checked = !box.checked;
      updateSelection();
    } else if (event.key === "r") {
      event.preventDefault();
      if (conversationId() && (!row || Number(row.dataset.id) === conversationId())) focusComposer();
      else if (onQueue && row) openRow(row, "?reply");
    } else if (event.key === "e" || event.key === "a") {
      // The open conversation's own buttons, so its details panel shows the change; else the current row.
      var button = document.getElementById(event.key === "e" ? "resolve-button" : "claim-button");
      if (button && (!row || Number(row.dataset.id) === conversationId())) button.click();
      else if (onQueue && row && event.key === "e") post(row.dataset.statusUrl, { status: "resolved" });
      else if (onQueue && row) post(row.dataset.assignUrl, { assignee: "me" });
    }
  });

  if (location.hash === "#search") { var searchBox = document.getElementById("queue-search"); if (searchBox) searchBox.focus(); }
  if (location.hash === "#reply") focusComposer();
  setInterval(function () { send({ type: "ping" }); }, HEARTBEAT_MS);
  connect();
})();
