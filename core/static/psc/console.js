/* PSC console: events are numbered per kab/kota; applied in order once; replay on
   every (re)connect, on a gap and every 20 s (as the nurses' dashboard). */
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var lastSeq = Number(root.dataset.lastSeq || 0);
  var ackTarget = Number(root.dataset.ackTarget) * 1000;
  var dispatchTarget = Number(root.dataset.dispatchTarget) * 1000;
  var caseUrl = root.dataset.caseUrl;
  var items = new Map();
  var pending = new Map();
  var syncing = false, ws = null, retry = 500, paused = false;
  var list = document.getElementById("queue");
  var conn = document.getElementById("conn");
  var OPEN = { "new": 1, "taken": 1, "dispatched": 1, "referred": 1 };
  var TRIGGERS = { selfcheck: "cek mandiri gawat darurat", checkin: "laporan isolasi bahaya", alert: "diteruskan nakes" };

  JSON.parse(document.getElementById("initial-items").textContent).forEach(function (it) { items.set(it.id, it); });

  function setConn(on) {
    conn.className = "conn " + (on ? "on" : "off");
    conn.textContent = on ? "Terhubung" : "Terputus, menyambung ulang…";
  }
  function send(msg) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)); }
  function replay() { if (syncing) return; syncing = true; send({ type: "replay", after: lastSeq }); }

  function waited(it, now) {
    var since = Date.parse(it.created_at);
    var s = Math.max(0, Math.round((now - since) / 1000));
    return Math.floor(s / 60) + " mnt " + (s % 60) + " dtk";
  }
  function late(it, now) {
    if (it.status === "new") return now - Date.parse(it.created_at) > ackTarget;
    if (it.status === "taken" && it.taken_at) return now - Date.parse(it.taken_at) > dispatchTarget;
    return false;
  }
  function order(a, b) {
    var sa = a.status === "new" ? 0 : 1, sb = b.status === "new" ? 0 : 1;
    if (sa !== sb) return sa - sb;
    if (a.urgency !== b.urgency) return b.urgency - a.urgency;
    return Date.parse(a.created_at) - Date.parse(b.created_at);
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }

  function render(flashId) {
    var now = Date.now();
    var rows = Array.from(items.values()).filter(function (it) { return OPEN[it.status]; }).sort(order);
    list.textContent = "";
    rows.forEach(function (it) {
      var isLate = late(it, now);
      var li = el("li", "case u" + it.urgency + (isLate ? " late" : "") + (it.id === flashId ? " flash" : ""));
      li.dataset.escalationId = it.id;
      li.dataset.status = it.status;
      li.appendChild(el("strong", null, it.urgency >= 3 ? "GAWAT" : "Darurat"));
      var mid = el("div");
      var a = el("a", null, "#" + it.id + " · Kec. " + (it.district || "?"));
      a.href = caseUrl.replace("/0/", "/" + it.id + "/");
      mid.appendChild(a);
      mid.appendChild(document.createTextNode(" "));
      mid.appendChild(el("span", "pill", it.status_label));
      if (it.taken_by) mid.appendChild(el("span", "muted", " · " + it.taken_by));
      mid.appendChild(el("div", "muted", (TRIGGERS[it.trigger] || it.trigger) + " · " + (it.source_label || it.source)));
      li.appendChild(mid);
      var wait = el("span", "pill wait" + (isLate ? " late" : ""), "menunggu " + waited(it, now));
      li.appendChild(wait);
      list.appendChild(li);
    });
    document.getElementById("open-count").textContent = rows.length;
    document.getElementById("empty").hidden = rows.length > 0;
  }

  function apply(ev) { items.set(ev.escalation_id, ev.item); render(ev.escalation_id); }
  function drain() {
    while (pending.has(lastSeq + 1)) {
      var ev = pending.get(lastSeq + 1);
      pending.delete(lastSeq + 1);
      try { apply(ev); } catch (e) { if (window.console) console.error(e); }
      lastSeq = ev.seq;
      root.dataset.lastSeq = String(lastSeq);
    }
    if (pending.size && !syncing) replay();
  }
  function accept(ev) {
    if (ev.seq <= lastSeq || pending.has(ev.seq)) return;
    pending.set(ev.seq, ev);
    drain();
  }
  function connect() {
    if (paused) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + root.dataset.wsPath);
    ws.onopen = function () { retry = 500; setConn(true); syncing = false; replay(); };
    ws.onmessage = function (msg) {
      var data; try { data = JSON.parse(msg.data); } catch (e) { return; }
      if (data.type === "event") accept(data.event);
      else if (data.type === "replayed") { syncing = false; if (data.more) replay(); else drain(); }
    };
    ws.onclose = function () {
      setConn(false); ws = null; syncing = false;
      if (!paused) { setTimeout(connect, retry); retry = Math.min(retry * 2, 10000); }
    };
  }
  // For tests and the operator's "reconnect": drop the socket, then come back.
  window.sigapConsole = {
    lastSeq: function () { return lastSeq; },
    pause: function () { paused = true; if (ws) ws.close(); },
    resume: function () { paused = false; connect(); }
  };
  render(null);
  connect();
  setInterval(function () { render(null); }, 1000);
  setInterval(function () { if (!syncing) replay(); }, 20000);
})();
