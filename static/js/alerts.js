// In-app alerts: a toast on every page, and the browser's own notification when the person allowed it.
// Text arrives as data and is only ever set with textContent: mention text is hostile.
(function () {
  if (window.promptlyAlerts) return;
  window.promptlyAlerts = true;
  var region = document.getElementById("alert-toasts");
  if (!region) return;
  var retryDelay = 1000;
  // Every string this script shows, in one place, in the page's language (Django's JavaScript catalogue).
  var TEXT = { alert: gettext("Alert"), promptlyAlert: gettext("Promptly alert"), dismiss: gettext("Dismiss"), open: gettext("Open the conversation") };
  if (window.promptlyText) Object.assign(TEXT, window.promptlyText.alerts || {});

  // A link of ours only: a path on this site, never another site or a javascript: URL.
  function ownLink(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\" ? url : "";
  }

  function toast(kind, alert) {
    var item = document.createElement("div");
    item.className = "toast toast-" + kind;
    item.setAttribute("role", "status");
    item.dataset.kind = kind;
    var title = document.createElement("strong");
    title.textContent = alert.title || TEXT.alert;
    var body = document.createElement("p");
    body.textContent = alert.body || "";
    item.append(title, body);
    (alert.examples || []).slice(0, 3).forEach(function (example) {
      var line = document.createElement("p");
      line.className = "muted";
      line.textContent = (example.author ? example.author + ": " : "") + example.text;
      item.append(line);
    });
    var link = ownLink(alert.url);
    if (link) {
      var open = document.createElement("a");
      open.href = link;
      open.textContent = TEXT.open;
      item.append(open, " ");
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link";
    close.textContent = TEXT.dismiss;
    close.addEventListener("click", function () { item.remove(); });
    item.append(close);
    region.prepend(item);
  }

  function notify(alert) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var shown = new Notification(alert.title || TEXT.promptlyAlert, { body: alert.body || "", tag: "promptly-" + (alert.id || "") });
    var link = ownLink(alert.url);
    if (link) shown.onclick = function () { window.focus(); location.href = link; };
  }

  document.querySelectorAll("#enable-notifications, [data-enable-notifications]").forEach(function (ask) {
    if (!("Notification" in window) || Notification.permission !== "default") return;
    ask.hidden = false;
    ask.addEventListener("click", function () {
      Notification.requestPermission().then(function () { ask.hidden = true; });
    });
  });

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/alerts/");
    socket.addEventListener("open", function () { retryDelay = 1000; region.dataset.connected = "true"; });
    socket.addEventListener("message", function (message) {
      var event = JSON.parse(message.data);
      toast(event.kind, event.alert);
      notify(event.alert);
    });
    socket.addEventListener("close", function () {
      region.dataset.connected = "false";
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }
  connect();
})();
