/* Sigap live dashboard. Events are numbered per facility; the page applies them in
   order exactly once, asks for a replay on every (re)connect, on a gap, and every
   20 s as a safety net, so an alert is never lost to a dropped connection. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.WebSocket) return;
  var mode = root.dataset.mode;
  var isolationId = Number(root.dataset.isolationId || 0);
  var lastSeq = Number(root.dataset.lastSeq || 0);
  var pending = new Map();
  var syncing = false;
  var paused = false;
  var ws = null;
  var retry = 500;
  var reloadTimer = null;
  var conn = document.getElementById("conn");
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");

  function setConn(on) {
    if (!conn) return;
    conn.className = "conn " + (on ? "on" : "off");
    conn.textContent = on ? "Terhubung" : "Terputus, menyambung ulang…";
  }

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  function requestReplay(type) {
    if (syncing) return;
    syncing = true;
    send({ type: type || "replay", after: lastSeq });
  }

  function connect() {
    if (paused) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + root.dataset.wsPath);
    ws.onopen = function () {
      retry = 500;
      setConn(true);
      syncing = false;
      requestReplay("replay");
    };
    ws.onmessage = function (msg) {
      var data;
      try { data = JSON.parse(msg.data); } catch (e) { return; }
      if (data.type === "event") {
        accept(data.event);
      } else if (data.type === "replayed") {
        syncing = false;
        if (data.more) requestReplay("replay");
        else drain();
      }
    };
    ws.onclose = function () {
      setConn(false);
      ws = null;
      syncing = false;
      if (!paused) {
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 10000);
      }
    };
  }

  function accept(ev) {
    if (ev.seq <= lastSeq || pending.has(ev.seq)) return;
    pending.set(ev.seq, ev);
    drain();
  }

  function drain() {
    while (pending.has(lastSeq + 1)) {
      var ev = pending.get(lastSeq + 1);
      pending.delete(lastSeq + 1);
      try { apply(ev); } catch (e) { if (window.console) console.error(e); }
      lastSeq = ev.seq;
      root.dataset.lastSeq = String(lastSeq);
    }
    // A gap: an event was pushed before one we never received. Fetch it.
    if (pending.size) requestReplay("replay");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function patientUrl(id) {
    return root.dataset.patientUrl.replace("/0/", "/" + id + "/");
  }

  function reloadSoon() {
    if (reloadTimer) return;
    reloadTimer = setTimeout(function () { location.reload(); }, 800);
  }

  function updateCounts() {
    var list = document.getElementById("open-alerts");
    var count = document.getElementById("open-count");
    var none = document.getElementById("no-alerts");
    var n = list ? list.querySelectorAll("li[data-alert-id]").length : 0;
    if (count) count.textContent = String(n);
    if (none) none.hidden = n > 0;
  }

  function row(id) {
    return document.querySelector('#patients tr[data-isolation-id="' + id + '"]');
  }

  // The board's order: rules.urgency_key, on what each row carries (data-*).
  var STATUS_RANK = { seen_not_ok: 0, missed: 1, not_due: 2, seen_ok: 3 };
  var ARROWS = { up: "↑", down: "↓", flat: "→" };

  function sortKey(tr) {
    var danger = 0, missed = 0, oldest = Infinity;
    tr.querySelectorAll(".c-alerts .pill[data-alert-id]").forEach(function (pill) {
      if (pill.dataset.kind === "danger") danger += 1;
      if (pill.dataset.kind === "missed") missed += 1;
      var created = Number(pill.dataset.created);
      if (!isNaN(created) && created < oldest) oldest = created;
    });
    var rank = STATUS_RANK[tr.dataset.status];
    var spo2 = tr.dataset.spo2 === "" || tr.dataset.spo2 === undefined ? 101 : Number(tr.dataset.spo2);
    return [
      danger ? 0 : 1,
      missed ? 0 : 1,
      rank === undefined ? 4 : rank,
      spo2,
      tr.dataset.release === "1" ? 0 : 1,
      oldest,
      Number(tr.dataset.isolationId)
    ];
  }

  function compareKeys(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function resort() {
    var body = document.querySelector("#patients tbody");
    if (!body) return;
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-isolation-id]"));
    var keyed = rows.map(function (tr) { return { tr: tr, key: sortKey(tr) }; });
    keyed.sort(function (a, b) { return compareKeys(a.key, b.key); });
    var changed = keyed.some(function (k, i) { return k.tr !== rows[i]; });
    if (changed) keyed.forEach(function (k) { body.appendChild(k.tr); });
  }

  function createdEpoch(iso) {
    var t = Date.parse(iso);
    return isNaN(t) ? "" : String(Math.floor(t / 1000));
  }

  function addAlert(ev) {
    var p = ev.payload;
    var list = document.getElementById("open-alerts");
    if (!list || list.querySelector('li[data-alert-id="' + p.alert_id + '"]')) return;
    var li = el("li", {
      "class": "alert k-" + p.kind,
      "data-alert-id": String(p.alert_id),
      "data-isolation-id": String(ev.isolation_id)
    });
    li.appendChild(el("span", { "class": "what" }, p.kind_label));
    var a = el("a", { href: patientUrl(ev.isolation_id) }, p.patient_name);
    li.appendChild(a);
    li.appendChild(el("span", { "class": "why" }, (p.reason_labels || []).join(", ")));
    // The server's label (isolation/display.py), as on a reloaded page.
    li.appendChild(el("span", { "class": "muted when", title: p.zone_label || "" }, p.created_at_label || p.created_at));
    var form = el("form", { "class": "ack", "data-alert-id": String(p.alert_id) });
    form.appendChild(el("input", { type: "text", name: "note", placeholder: "Catatan (opsional)", "aria-label": "Catatan" }));
    form.appendChild(el("button", { type: "submit", "class": "primary" }, "Tangani"));
    li.appendChild(form);
    if (p.kind === "danger" && csrfInput) {
      var psc = el("form", { method: "post", action: "/dashboard/alerts/" + p.alert_id + "/psc/", "class": "psc", "data-alert-id": String(p.alert_id) });
      psc.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfInput.value }));
      psc.appendChild(el("button", { type: "submit", title: "Teruskan ke PSC 119 kab/kota pasien" }, "Teruskan ke PSC 119"));
      li.appendChild(psc);
    }
    // Danger alerts first, newest first within each group (selectors.alerts_open_for_board).
    var before = list.firstChild;
    if (p.kind !== "danger") {
      before = null;
      var items = list.querySelectorAll("li[data-alert-id]");
      for (var i = 0; i < items.length; i++) {
        if (!items[i].classList.contains("k-danger")) { before = items[i]; break; }
      }
    }
    list.insertBefore(li, before);
    var tr = row(ev.isolation_id);
    if (tr) {
      var cell = tr.querySelector(".c-alerts");
      if (cell && !cell.querySelector('[data-alert-id="' + p.alert_id + '"]')) {
        cell.appendChild(el("span", {
          "class": "pill",
          "data-alert-id": String(p.alert_id),
          "data-kind": p.kind,
          "data-created": createdEpoch(p.created_at)
        }, p.kind_label));
      }
      if (p.kind === "danger") tr.classList.add("has-danger");
      resort();
      flash(tr);
    }
    updateCounts();
  }

  function removeAlert(ev) {
    var id = ev.payload.alert_id;
    document.querySelectorAll('[data-alert-id="' + id + '"]').forEach(function (node) {
      if (node.tagName === "LI" || node.classList.contains("pill")) node.remove();
    });
    var tr = row(ev.isolation_id);
    if (tr && !tr.querySelector('.c-alerts .pill[data-kind="danger"]')) tr.classList.remove("has-danger");
    resort();
    updateCounts();
  }

  function flash(tr) {
    tr.classList.remove("flash");
    void tr.offsetWidth;
    tr.classList.add("flash");
  }


  // rules.trend: the direction of the last two known values.
  function trend(previous, current) {
    if (previous === "" || previous === undefined || current === null || current === undefined) return null;
    var delta = Number(current) - Number(previous);
    return delta > 0 ? "up" : delta < 0 ? "down" : "flat";
  }

  var VITALS = [
    ["temperature", "temperature_c", "suhu –"],
    ["spo2", "spo2", "SpO2 –"],
    ["breathing_rate", "respiratory_rate", "napas –"]
  ];

  // Each vital's last known value stays, with the time it was measured, when this
  // report did not measure it (isolation/display.py last_vitals; labels from there).
  function updateVitals(cell, p, measured) {
    var labels = p.vital_labels || {};
    var old = {};
    cell.querySelectorAll(".vital[data-vital]").forEach(function (span) {
      old[span.dataset.vital] = span;
    });
    cell.textContent = "";
    VITALS.forEach(function (v, i) {
      var name = v[0], value = p[v[1]];
      var span = el("span", { "class": "vital", "data-vital": name });
      var prev = old[name];
      if (value !== null && value !== undefined) {
        span.dataset.measured = String(measured);
        span.dataset.measuredLabel = p.measured_at_label || "";
        span.appendChild(el("span", { "class": "v-text" }, labels[name] || String(value)));
      } else if (prev && prev.dataset.measured) {
        span.dataset.measured = prev.dataset.measured;
        span.dataset.measuredLabel = prev.dataset.measuredLabel || "";
        var text = prev.querySelector(".v-text");
        span.appendChild(el("span", { "class": "v-text" }, text ? text.textContent : v[2]));
        span.appendChild(el("span", { "class": "muted v-when", title: "diukur pada laporan sebelumnya" },
          " (" + span.dataset.measuredLabel + ")"));
      } else {
        span.dataset.measured = "";
        span.appendChild(el("span", { "class": "v-text" }, labels[name] || v[2]));
      }
      if (i) cell.appendChild(document.createTextNode(" · "));
      cell.appendChild(span);
    });
    cell.appendChild(el("div", { "class": "muted", title: p.zone_label || "" }, p.measured_at_label || p.measured_at));
  }

  function updateCheckin(ev) {
    var p = ev.payload;
    var tr = row(ev.isolation_id);
    if (!tr) { reloadSoon(); return; }
    var status = tr.querySelector(".c-status");
    if (status) {
      status.textContent = "";
      status.appendChild(el("span", { "class": "pill st-" + p.today_status }, p.today_status_label));
    }
    tr.dataset.status = p.today_status;
    var measured = Number(createdEpoch(p.measured_at));
    var shown = Number(tr.dataset.measured || 0);
    // A late offline report of an earlier slot is not the latest reading.
    if (!shown || measured >= shown) {
      tr.dataset.measured = String(measured);
      tr.dataset.spo2 = p.spo2 === null || p.spo2 === undefined ? "" : String(p.spo2);
      var vitals = tr.querySelector(".c-vitals");
      if (vitals) updateVitals(vitals, p, measured);
      var spo2Trend = trend(tr.dataset.spo2Known, p.spo2);
      var tempTrend = trend(tr.dataset.temperatureKnown, p.temperature);
      if (p.spo2 !== null && p.spo2 !== undefined) tr.dataset.spo2Known = String(p.spo2);
      if (p.temperature !== null && p.temperature !== undefined) tr.dataset.temperatureKnown = String(p.temperature);
      var cell = tr.querySelector(".c-trend");
      if (cell && (spo2Trend || tempTrend)) {
        var parts = cell.textContent.split("·");
        var spo2Text = spo2Trend ? "SpO2 " + ARROWS[spo2Trend] : (parts[0] || "SpO2 →").trim();
        var tempText = tempTrend ? "suhu " + ARROWS[tempTrend] : (parts[1] || "suhu →").trim();
        cell.textContent = spo2Text + " · " + tempText;
      }
    }
    resort();
    flash(tr);
  }

  function apply(ev) {
    if (mode === "patient") {
      var mine = ev.isolation_id === isolationId;
      if (ev.kind === "alerts") {
        mine = (ev.payload.alerts || []).some(function (a) { return a.isolation_id === isolationId; });
      }
      if (mine) reloadSoon();
      return;
    }
    if (ev.kind === "alert") addAlert(ev);
    else if (ev.kind === "alerts") {
      (ev.payload.alerts || []).forEach(function (a) {
        addAlert({ isolation_id: a.isolation_id, payload: a });
      });
    }
    else if (ev.kind === "alert_ack") removeAlert(ev);
    else if (ev.kind === "checkin") updateCheckin(ev);
    else if (ev.kind === "patient") {
      if (ev.payload.action === "request") {
        var n = document.getElementById("pending-requests");
        if (n) n.textContent = String(Number(n.textContent || 0) + 1);
      } else if (ev.payload.action !== "note") {
        reloadSoon();
      }
    }
  }

  // Acknowledge from the board without leaving it (the API, session + CSRF).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains("ack") || mode !== "board") return;
    e.preventDefault();
    var id = form.dataset.alertId;
    var note = form.querySelector("input[name=note]");
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(root.dataset.ackUrl.replace("{id}", id), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfInput ? csrfInput.value : ""
      },
      body: JSON.stringify({ note: note ? note.value : "" })
    }).then(function (resp) {
      if (resp.ok || resp.status === 409) {
        removeAlert({ isolation_id: Number(form.closest("li").dataset.isolationId), payload: { alert_id: id } });
      } else if (button) {
        button.disabled = false;
        alert("Gagal menandai peringatan (" + resp.status + ").");
      }
    }).catch(function () {
      if (button) button.disabled = false;
      alert("Tidak dapat terhubung ke server.");
    });
  });

  // A final status ends the monitoring: ask first, louder with open danger signs.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains("status-final")) return;
    var select = form.querySelector("select[name=status]");
    if (!select || !select.value) return;  // the browser's "required" speaks
    var label = select.options[select.selectedIndex].text;
    var danger = Number(form.dataset.openDanger || 0);
    var message = "Simpan status akhir \u201c" + label + "\u201d? Pemantauan isolasi " +
      "pasien ini akan ditutup.";
    if (danger > 0) {
      message = "PERHATIAN: pasien ini masih punya " + danger + " peringatan tanda " +
        "bahaya yang BELUM ditangani.\n\n" + message +
        " Peringatan itu akan ditandai selesai.";
      if (select.value === "released") {
        message += "\n\nSelesai isolasi berarti pasien tidak dipantau lagi. " +
          "Pertimbangkan rujukan ke rumah sakit.";
      }
    }
    if (!window.confirm(message)) e.preventDefault();
  });

  setInterval(function () { requestReplay("sync"); }, 20000);

  // Hooks for operators and tests: drop the socket, or hold it down for a while.
  window.sigapDashboard = {
    lastSeq: function () { return lastSeq; },
    connected: function () { return !!ws && ws.readyState === WebSocket.OPEN; },
    pause: function () { paused = true; if (ws) ws.close(); },
    resume: function () { paused = false; if (!ws) connect(); }
  };

  connect();
})();
