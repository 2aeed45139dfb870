/* Sigap public risk map: Leaflet polygons coloured (and patterned) by zone, a date
   slider, an area card with its trend, search and "Lokasi saya". No build step. */
(function () {
  "use strict";
  var C = JSON.parse(document.getElementById("map-config").textContent);
  var T = C.t;
  var LANG = C.lang;
  var DAY = 86400000;
  var first = Date.parse(C.first_date + "T00:00:00Z");
  var last = Date.parse(C.today + "T00:00:00Z");
  var $ = function (id) { return document.getElementById(id); };

  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmtDate(d) {
    var dt = new Date(d + "T00:00:00Z");
    return dt.toLocaleDateString(LANG === "en" ? "en-GB" : "id-ID", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }
  function num(v) { return typeof v === "number" ? v.toLocaleString(LANG === "en" ? "en-GB" : "id-ID") : esc(v); }
  var cache = {};
  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) { delete cache[url]; throw new Error(r.status); }
        return r.json();
      });
    }
    return cache[url];
  }
  // One status line: a notice (what the user asked for went wrong) outranks "loading",
  // which outranks a standing hint; a notice clears itself.
  var msg = { notice: "", load: "", hint: "" };
  var noticeTimer = null;
  function paintStatus() { $("status").textContent = msg.notice || msg.load || msg.hint; }
  function status(text) { msg.load = text || ""; paintStatus(); }
  function hint(text) { msg.hint = text || ""; paintStatus(); }
  function notice(text) {
    msg.notice = text || "";
    paintStatus();
    clearTimeout(noticeTimer);
    if (text) noticeTimer = setTimeout(function () { notice(""); }, 10000);
  }
  var zoneLabel = {};
  C.zones.forEach(function (z) { zoneLabel[z.zone] = z.label; });
  // "Zona merah" / "Red zone": the word order is the translation's.
  function zoneName(zone) {
    var text = T.zone_named.replace("%(zone)s", zoneLabel[zone] || zone);
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // --- State kept in the URL ------------------------------------------------------------------
  var params = new URLSearchParams(location.search);
  var hasView = !!params.get("z") && !!params.get("lat") && !!params.get("lng");
  var state = {
    date: params.get("date") && /^\d{4}-\d{2}-\d{2}$/.test(params.get("date")) ? params.get("date") : C.today,
    area: params.get("area") || "",
    z: parseInt(params.get("z"), 10),
    lat: parseFloat(params.get("lat")),
    lng: parseFloat(params.get("lng"))
  };
  var dms = Date.parse(state.date + "T00:00:00Z");
  if (isNaN(dms) || dms < first || dms > last) state.date = C.today;

  function writeURL() {
    var c = map.getCenter();
    var q = new URLSearchParams();
    if (state.area) q.set("area", state.area);
    q.set("z", map.getZoom());
    q.set("lat", c.lat.toFixed(4));
    q.set("lng", c.lng.toFixed(4));
    if (state.date !== C.today) q.set("date", state.date);
    history.replaceState(null, "", location.pathname + "?" + q.toString());
  }

  // --- Map ----------------------------------------------------------------------------------------
  var map = L.map("map", { zoomSnap: 1, minZoom: 4, maxZoom: 15, preferCanvas: false });
  if (C.tile_url) {
    L.tileLayer(C.tile_url, { attribution: C.tile_attribution, maxZoom: 18 }).addTo(map);
  }
  if (!isNaN(state.z) && !isNaN(state.lat) && !isNaN(state.lng)) {
    map.setView([state.lat, state.lng], state.z);
  } else {
    map.fitBounds([[-11, 95], [6, 141]]);
  }

  function levelForZoom(z) { return z <= 6 ? 1 : z <= 9 ? 2 : 3; }

  var layers = { 1: null, 2: null };
  var kecLayers = {};   // kab/kota code -> GeoJSON layer of its kecamatan
  var zonesByLevel = {}; // level -> zones payload for state.date
  var shown = null;
  var selectedCode = null;

  function styleFor(level, code) {
    var data = zonesByLevel[level];
    var zone = null;
    if (data) {
      var row = data.zones[code];
      zone = row ? row[0] : data["default"];
    }
    return zone;
  }

  function applyZones(layer, level) {
    if (!layer) return;
    layer.eachLayer(function (f) {
      var code = f.feature.properties.code;
      var zone = styleFor(level, code) || "none";
      var el = f.getElement && f.getElement();
      f.feature.properties.zone = zone;
      if (el) {
        el.setAttribute("class", "leaflet-interactive zone zone-" + zone + (code === selectedCode ? " selected" : ""));
        el.setAttribute("data-code", code);
        el.setAttribute("data-zone", zone);
      }
      var label = zone === "none" ? T.no_rule : zoneName(zone);
      f.setTooltipContent(esc(f.feature.properties.name) + " — " + esc(label));
    });
  }

  function makeLayer(geojson) {
    return L.geoJSON(geojson, {
      style: function () { return { className: "zone zone-none", weight: 1 }; },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(esc(feature.properties.name), { sticky: true });
        layer.on("click", function () { openCard(feature.properties.code); });
      }
    });
  }

  function loadZones(level) {
    var url = "/peta/data/zones.json?level=" + level + "&date=" + state.date + "&lang=" + LANG;
    return getJSON(url).then(function (data) { zonesByLevel[level] = data; updateLegend(data.rule); return data; });
  }

  function ensureNational(level) {
    if (layers[level]) return Promise.resolve(layers[level]);
    return getJSON("/peta/data/shapes/" + level + ".json").then(function (gj) {
      layers[level] = makeLayer(gj);
      return layers[level];
    });
  }

  // Kecamatan come per kab/kota (small files, cached by the browser and any proxy), or a
  // whole provinsi in one file when most of its kab/kota are wanted. Every kab/kota in
  // view is drawn: nearest the centre first, its kecamatan within a budget of paths drawn
  // at once, past that (and until its file arrives) as one shape with its own zone.
  var KECAMATAN_BUDGET = 2500;
  var PROVINCE_FILE_FROM = 4;
  var kabFeatures = {}; // kab/kota code -> its feature in the national layer
  var provinceKabs = {}; // provinsi code -> how many kab/kota it has
  var wholeLayers = {}; // kab/kota code -> a layer of it alone (drawn whole)
  var pending = {}; // kab/kota code -> promise of its kecamatan
  var inGroup = {}; // kab/kota code -> the layer kecGroup shows for it

  function indexKabs() {
    if (Object.keys(kabFeatures).length) return;
    layers[2].eachLayer(function (f) {
      var code = f.feature.properties.code;
      kabFeatures[code] = f;
      provinceKabs[code.slice(0, 2)] = (provinceKabs[code.slice(0, 2)] || 0) + 1;
    });
  }

  function kabsInView() {
    var view = map.getBounds(), c = map.getCenter(), out = [];
    Object.keys(kabFeatures).forEach(function (code) {
      var f = kabFeatures[code], b = f.getBounds();
      if (!view.intersects(b)) return;
      // Distance from the centre to the kab/kota's box: 0 when the centre is inside.
      var near = L.latLng(
        Math.max(b.getSouth(), Math.min(c.lat, b.getNorth())),
        Math.max(b.getWest(), Math.min(c.lng, b.getEast()))
      );
      out.push({ code: code, n: f.feature.properties.kecamatan || 20, d: c.distanceTo(near) });
    });
    out.sort(function (a, b) { return a.d - b.d || (a.code < b.code ? -1 : 1); });
    var used = 0;
    out.forEach(function (k, i) {
      k.detail = i === 0 || used + k.n <= KECAMATAN_BUDGET;
      if (k.detail) used += k.n;
    });
    return out;
  }

  function keepKecamatan(gj) {
    var byKab = {};
    gj.features.forEach(function (f) {
      var k = f.properties.code.slice(0, 5);
      (byKab[k] = byKab[k] || []).push(f);
    });
    Object.keys(byKab).forEach(function (k) {
      if (!kecLayers[k]) kecLayers[k] = makeLayer({ type: "FeatureCollection", features: byKab[k] });
    });
  }

  function kecamatanOf(codes) {
    var url = "/peta/data/shapes/3.json?within=";
    var byProvince = {};
    codes.forEach(function (k) {
      if (!kecLayers[k] && !pending[k]) (byProvince[k.slice(0, 2)] = byProvince[k.slice(0, 2)] || []).push(k);
    });
    Object.keys(byProvince).forEach(function (p) {
      var wanted = byProvince[p];
      if (wanted.length >= PROVINCE_FILE_FROM && wanted.length * 2 >= (provinceKabs[p] || 0)) {
        var all = getJSON(url + p).then(keepKecamatan);
        Object.keys(kabFeatures).forEach(function (k) {
          if (k.slice(0, 2) === p && !kecLayers[k] && !pending[k]) pending[k] = all;
        });
      } else {
        wanted.forEach(function (k) { pending[k] = getJSON(url + k).then(keepKecamatan); });
      }
    });
    return codes.map(function (k) {
      if (kecLayers[k] || !pending[k]) return Promise.resolve(k);
      return pending[k].then(
        function () { delete pending[k]; return k; },
        function (e) { delete pending[k]; throw e; }
      );
    });
  }

  function wholeLayer(code) {
    if (!wholeLayers[code]) wholeLayers[code] = makeLayer(kabFeatures[code].feature);
    return wholeLayers[code];
  }

  function place(code, detail) {
    var layer = detail && kecLayers[code] ? kecLayers[code] : wholeLayer(code);
    if (inGroup[code] !== layer) {
      if (inGroup[code]) kecGroup.removeLayer(inGroup[code]);
      kecGroup.addLayer(layer);
      inGroup[code] = layer;
    }
    applyZones(layer, layer === kecLayers[code] ? 3 : 2);
  }

  function show(layerGroup) {
    if (shown && shown !== layerGroup) map.removeLayer(shown);
    if (layerGroup && !map.hasLayer(layerGroup)) layerGroup.addTo(map);
    shown = layerGroup;
  }

  var kecGroup = L.featureGroup();
  var refreshing = 0;
  function refresh() {
    var ticket = ++refreshing;
    var level = levelForZoom(map.getZoom());
    status(T.loading);
    var work;
    if (level < 3) {
      work = Promise.all([ensureNational(level), loadZones(level)]).then(function (r) {
        if (ticket !== refreshing) return;
        hint("");
        show(r[0]);
        applyZones(r[0], level);
        listAreas(r[0]);
      });
    } else {
      work = Promise.all([ensureNational(2), loadZones(3), loadZones(2)]).then(function () {
        if (ticket !== refreshing) return;
        indexKabs();
        var kabs = kabsInView();
        var inView = {};
        kabs.forEach(function (k) { inView[k.code] = true; });
        Object.keys(inGroup).forEach(function (code) {
          if (!inView[code]) { kecGroup.removeLayer(inGroup[code]); delete inGroup[code]; }
        });
        show(kecGroup);
        // What is at hand now; each kab/kota's kecamatan replace it as they arrive.
        kabs.forEach(function (k) { place(k.code, k.detail); });
        listAreas(kecGroup);
        var detailed = kabs.filter(function (k) { return k.detail; });
        var failed = false;
        return Promise.all(kecamatanOf(detailed.map(function (k) { return k.code; })).map(function (p) {
          return p.then(function (code) {
            if (ticket === refreshing) { place(code, true); listAreas(kecGroup); }
          }, function () { failed = true; });
        })).then(function () {
          if (ticket !== refreshing) return;
          hint(detailed.length < kabs.length ? T.zoom_in : "");
          if (failed) throw new Error("shapes");
        });
      });
    }
    return work.then(function () { if (ticket === refreshing) status(""); }, function () { status(T.load_failed); });
  }

  function listAreas(group) {
    var items = [];
    var eachFeature = function (f) {
      if (f.feature) items.push(f.feature.properties);
      else if (f.eachLayer) f.eachLayer(eachFeature);
    };
    group.eachLayer(eachFeature);
    items.forEach(function (p) {
      var parent = p.level === 3 && kabFeatures[p.code.slice(0, 5)];
      p.parent = parent ? parent.feature.properties.name : "";
    });
    items.sort(function (a, b) { return a.name.localeCompare(b.name) || a.parent.localeCompare(b.parent); });
    $("area-list").querySelector("ul").innerHTML = items.map(function (p) {
      var z = p.zone || "none";
      return '<li><button type="button" data-code="' + esc(p.code) + '">' + esc(p.name) + "</button> " +
        (p.parent ? '<span class="muted">(' + esc(p.parent) + ")</span> " : "") +
        '<span class="pill z-' + z + '">' + esc(z === "none" ? "–" : zoneLabel[z]) + "</span></li>";
    }).join("");
  }
  $("area-list").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-code]");
    if (b) openCard(b.getAttribute("data-code"));
  });

  // --- Legend -------------------------------------------------------------------------------------
  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "legend");
    // Folded on a phone, where open it would hide much of the map.
    var open = !window.matchMedia("(max-width: 640px)").matches;
    div.innerHTML = '<details id="legend-box"' + (open ? " open" : "") + "><summary>" + esc(T.zone) +
      '</summary><div id="legend"></div></details>';
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  function updateLegend(rule) {
    var html = "<ul>" + C.zones.map(function (z) {
      return '<li><svg width="18" height="18" aria-hidden="true"><rect width="18" height="18" fill="url(#pat-' + z.zone + ')"/></svg>' + esc(z.label) + "</li>";
    }).join("") + "</ul>";
    html += rule
      ? '<div id="legend-rule">' + esc(T.rule) + " " + esc(rule.version) + ": " + esc(rule.name) + " (" + esc(T.since) + " " + esc(fmtDate(rule.effective_from)) + ")</div>"
      : '<div id="legend-rule">' + esc(T.no_rule) + "</div>";
    if (C.suppression) html += '<div class="muted">' + esc(T.small) + "</div>";
    $("legend").innerHTML = html;
  }

  // --- Time ---------------------------------------------------------------------------------------
  var slider = $("date");
  slider.max = String(Math.round((last - first) / DAY));
  function setSliderFromState() {
    slider.value = String(Math.round((Date.parse(state.date + "T00:00:00Z") - first) / DAY));
    $("date-out").textContent = fmtDate(state.date);
    slider.setAttribute("aria-valuetext", fmtDate(state.date));
  }
  function setDate(d) {
    state.date = d;
    setSliderFromState();
    writeURL();
    refresh();
    loadSummary();
    if (state.area) openCard(state.area, { stay: true, quiet: true });
  }
  slider.addEventListener("input", function () { setDate(iso(first + parseInt(slider.value, 10) * DAY)); });
  var timer = null;
  function stop() {
    clearInterval(timer); timer = null;
    $("play").setAttribute("aria-pressed", "false");
    $("play").innerHTML = "▶ <span>" + esc(T.play) + "</span>";
  }
  $("play").addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (state.date === C.today) setDate(iso(first));
    $("play").setAttribute("aria-pressed", "true");
    $("play").innerHTML = "❚❚ <span>" + esc(T.pause) + "</span>";
    timer = setInterval(function () {
      var next = Date.parse(state.date + "T00:00:00Z") + DAY;
      if (next > last) { stop(); return; }
      setDate(iso(next));
    }, 800);
  });

  // --- Summary ------------------------------------------------------------------------------------
  function sparkline(values) {
    var nums = values.map(function (v) { return typeof v === "number" ? v : 0; });
    var max = Math.max.apply(null, nums.concat([1]));
    var w = 120, h = 28;
    var pts = nums.map(function (v, i) {
      return (i * w / Math.max(1, nums.length - 1)).toFixed(1) + "," + (h - 2 - v * (h - 4) / max).toFixed(1);
    }).join(" ");
    return '<svg width="' + w + '" height="' + h + '" aria-hidden="true"><polyline fill="none" stroke="#175cd3" stroke-width="1.5" points="' + pts + '"/></svg>';
  }
  function statBox(title, data) {
    return '<div class="stat"><h2>' + esc(title) + "</h2>" +
      '<div class="n">' + num(data.figures.active_confirmed) + ' <span class="muted">' + esc(T.active_confirmed) + "</span></div>" +
      '<div class="muted">+' + num(data.figures.new_confirmed) + " " + esc(T.new_confirmed) + "</div>" +
      sparkline(data.series.active_confirmed) + "</div>";
  }
  var provinceCode = "";
  function loadSummary() {
    var calls = [getJSON("/peta/data/summary.json?date=" + state.date + "&lang=" + LANG)];
    if (provinceCode) calls.push(getJSON("/peta/data/summary.json?code=" + provinceCode + "&date=" + state.date + "&lang=" + LANG));
    Promise.all(calls).then(function (r) {
      $("summary").innerHTML = r.map(function (d) { return statBox(d.name, d); }).join("");
    }, function () {});
  }

  // --- Card ---------------------------------------------------------------------------------------
  var chart = null;
  var chartDays = 30;
  function drawChart(hist) {
    var box = $("chart");
    if (!box || !window.uPlot) return;
    var n = hist.dates.length, from = Math.max(0, n - chartDays);
    var xs = hist.dates.slice(from).map(function (d) { return Date.parse(d + "T00:00:00Z") / 1000; });
    var toNum = function (v) { return typeof v === "number" ? v : null; };
    var data = [xs, hist.active_confirmed.slice(from).map(toNum), hist.new_confirmed.slice(from).map(toNum)];
    if (chart) chart.destroy();
    chart = new uPlot({
      width: Math.max(240, box.clientWidth || 300), height: 160,
      scales: { x: { time: true } },
      series: [{ label: T.date_label }, { label: T.active_confirmed, stroke: "#175cd3", width: 2 }, { label: T.new_confirmed, stroke: "#c81e1e", width: 1.5, dash: [4, 3] }],
      axes: [{ size: 30 }, { size: 36 }]
    }, data, box);
  }
  function figureRows(f) {
    var names = ["active_confirmed", "new_confirmed", "recovered", "deaths", "suspect", "probable", "isolating"];
    return '<div class="figs">' + names.map(function (k) {
      return "<div><span>" + esc(T[k]) + "</span><b>" + num(f[k]) + "</b></div>";
    }).join("") + "</div>";
  }
  function highlight(code) {
    selectedCode = code;
    document.querySelectorAll("path.zone.selected").forEach(function (el) { el.classList.remove("selected"); });
    var el = document.querySelector('path.zone[data-code="' + code + '"]');
    if (el) el.classList.add("selected");
  }
  function openCard(code, opts) {
    opts = opts || {};
    var card = $("card");
    return getJSON("/peta/data/area/" + encodeURIComponent(code) + ".json?date=" + state.date + "&lang=" + LANG).then(function (a) {
      state.area = a.code;
      var z = a.zone ? a.zone.zone : "none";
      var crumbs = a.parents.concat([a]).map(function (p, i, all) {
        return i === all.length - 1 ? "<li aria-current=\"page\">" + esc(p.display_name) + "</li>"
          : '<li><button type="button" data-code="' + esc(p.code) + '">' + esc(p.display_name) + "</button></li>";
      }).join("");
      var hosp = a.hospitals.length ? '<ul class="hosp">' + a.hospitals.map(function (h) {
        return "<li><strong>" + esc(h.name) + "</strong>" + (h.distance_km != null ? ' <span class="muted">' + num(h.distance_km) + " km</span>" : "") +
          "<br>" + (h.phone ? '<a href="tel:' + esc(h.phone.replace(/[^0-9+]/g, "")) + '">' + esc(h.phone) + "</a>" : "") +
          (h.address ? '<br><span class="muted">' + esc(h.address) + "</span>" : "") + "</li>";
      }).join("") + "</ul>" : '<p class="muted">' + esc(T.no_hospitals) + "</p>";
      card.innerHTML =
        '<button type="button" class="close" aria-label="' + esc(T.close) + '">✕</button>' +
        '<nav aria-label="breadcrumb"><ol class="crumbs">' + crumbs + "</ol></nav>" +
        '<h2 id="card-title">' + esc(a.display_name) + "</h2>" +
        '<p><span class="pill z-' + z + '" data-zone="' + z + '">' + (z === "none" ? esc(T.no_rule) : esc(zoneName(z))) + "</span> " +
        '<span class="muted">' + esc(fmtDate(a.date)) + "</span></p>" +
        (a.zone ? '<p class="explain">' + esc(a.zone.explanation) + "</p>" : "") +
        '<p class="muted">' + esc(T.households) + ": <b>" + num(a.zone ? a.zone.households_confirmed_7d : 0) + "</b></p>" +
        figureRows(a.figures) +
        "<h3>" + esc(T.trend) + "</h3>" +
        '<div class="chart-tabs" role="group" aria-label="' + esc(T.trend) + '">' +
        '<button type="button" data-days="30" aria-pressed="' + (chartDays === 30) + '">' + esc(T.days30) + "</button>" +
        '<button type="button" data-days="90" aria-pressed="' + (chartDays === 90) + '">' + esc(T.days90) + "</button></div>" +
        '<div id="chart" role="img" aria-label="' + esc(T.trend + ": " + T.active_confirmed + " " + num(a.figures.active_confirmed)) + '"></div>' +
        "<h3>" + esc(T.hospitals) + "</h3>" + hosp;
      card.hidden = false;
      layoutAroundCard();
      card._history = a.history;
      drawChart(a.history);
      if (!opts.quiet) card.focus();
      var prov = a.code.slice(0, 2);
      if (prov !== provinceCode) { provinceCode = prov; loadSummary(); }
      if (a.bbox && !opts.stay) fitArea(a.bbox, opts.keepView);
      highlight(a.code);
      writeURL();
    }, function (e) {
      if (e && e.message === "404") {
        notice(T.area_unknown.replace("%(code)s", code));
        if (state.area === code) { state.area = ""; writeURL(); }
      } else {
        notice(T.load_failed);
      }
    });
  }
  function closeCard() {
    $("card").hidden = true; state.area = ""; highlight(null); layoutAroundCard(); writeURL();
  }

  // The card covers part of the map (its right side; on a phone its lower part): the
  // map's controls move clear of it, and a chosen area is fitted into what is left.
  function cardCover() {
    var card = $("card");
    if (card.hidden) return { right: 0, bottom: 0 };
    var c = card.getBoundingClientRect(), m = $("map").getBoundingClientRect();
    if (c.width > m.width * 0.7) return { right: 0, bottom: Math.max(0, m.bottom - c.top) };
    return { right: Math.max(0, m.right - c.left), bottom: 0 };
  }
  function layoutAroundCard() {
    var cover = cardCover(), stage = $("content");
    stage.style.setProperty("--cover-right", cover.right + "px");
    stage.style.setProperty("--cover-bottom", cover.bottom + "px");
    stage.classList.toggle("card-open", !$("card").hidden);
  }
  // The map's box changes when the summary row fills in or the toolbar wraps; Leaflet
  // only measures it on a window resize.
  if (window.ResizeObserver) {
    new ResizeObserver(function () { map.invalidateSize(); layoutAroundCard(); }).observe($("map"));
  } else {
    window.addEventListener("resize", layoutAroundCard);
  }
  function fitArea(bbox, gentle) {
    map.invalidateSize();
    var bounds = L.latLngBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]);
    var cover = cardCover(), size = map.getSize(), m = 12;
    var free = L.bounds(L.point(m, m), L.point(size.x - cover.right - m, size.y - cover.bottom - m));
    if (gentle) {
      // A shared view is kept when the area is in sight; else the area is panned, then
      // zoomed, into the free part.
      var box = L.bounds(map.latLngToContainerPoint(bounds.getNorthWest()), map.latLngToContainerPoint(bounds.getSouthEast()));
      if (free.contains(box)) return;
      var fs = free.getSize(), bs = box.getSize();
      if (bs.x <= fs.x && bs.y <= fs.y) { map.panBy(box.getCenter().subtract(free.getCenter())); return; }
    }
    map.fitBounds(bounds, { maxZoom: 12, paddingTopLeft: [m, m], paddingBottomRight: [cover.right + m, cover.bottom + m] });
  }
  $("card").addEventListener("click", function (e) {
    if (e.target.closest(".close")) { closeCard(); return; }
    var b = e.target.closest("button[data-code]");
    if (b) { openCard(b.getAttribute("data-code")); return; }
    var d = e.target.closest("button[data-days]");
    if (d) {
      chartDays = parseInt(d.getAttribute("data-days"), 10);
      $("card").querySelectorAll("button[data-days]").forEach(function (x) { x.setAttribute("aria-pressed", String(x === d)); });
      drawChart($("card")._history);
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !$("card").hidden && !results.contains(document.activeElement)) closeCard();
  });

  // --- Search and location ------------------------------------------------------------------------
  // Enter opens the top result; ArrowDown/ArrowUp walk the list; Escape closes it.
  var results = $("search-results");
  var LEVEL_LABEL = { 1: T.level1, 4: T.level4 };
  var searched = { q: null, rows: [] };
  function search(q) {
    q = q.trim();
    if (q.length < 2) { results.innerHTML = ""; searched = { q: null, rows: [] }; return Promise.resolve([]); }
    if (searched.q === q) return Promise.resolve(searched.rows);
    return fetch("/api/v1/areas/search?limit=8&q=" + encodeURIComponent(q), { headers: { "Accept-Language": LANG } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var rows = d.results || [];
        if ($("q").value.trim() !== q) return rows; // typed on meanwhile
        searched = { q: q, rows: rows };
        results.innerHTML = rows.length ? rows.map(function (r) {
          var where = r.parents.map(function (p) { return p.display_name; }).join(", ");
          var kind = LEVEL_LABEL[r.level];
          return '<li><button type="button" data-code="' + esc(r.code) + '">' +
            (kind ? '<span class="kind">' + esc(kind) + "</span> " : "") + esc(r.display_name) +
            (where ? ' <span class="muted">' + esc(where) + "</span>" : "") + "</button></li>";
        }).join("") : "<li>" + esc(T.not_found) + "</li>";
        return rows;
      }, function () { results.innerHTML = "<li>" + esc(T.not_found) + "</li>"; return []; });
  }
  function pick(code) { results.innerHTML = ""; searched = { q: null, rows: [] }; openCard(code); }
  var debounce = null;
  $("q").addEventListener("input", function () {
    clearTimeout(debounce);
    var q = this.value;
    debounce = setTimeout(function () { search(q); }, 250);
  });
  $("search").addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(debounce);
    search($("q").value).then(function (rows) { if (rows.length) pick(rows[0].code); });
  });
  function resultButtons() { return Array.prototype.slice.call(results.querySelectorAll("button[data-code]")); }
  $("search").addEventListener("keydown", function (e) {
    var buttons = resultButtons();
    var at = buttons.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!buttons.length) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? Math.min(at + 1, buttons.length - 1) : at - 1;
      if (next < 0) $("q").focus(); else buttons[next].focus();
    } else if (e.key === "Escape" && results.innerHTML) {
      e.preventDefault();
      results.innerHTML = "";
      searched = { q: null, rows: [] };
      $("q").focus();
    }
  });
  results.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-code]");
    if (b) pick(b.getAttribute("data-code"));
  });

  var me = null;
  function showMe(pos) {
    var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
    if (me) map.removeLayer(me);
    me = L.layerGroup();
    if (pos.coords.accuracy && pos.coords.accuracy < 5000) {
      L.circle(ll, { radius: pos.coords.accuracy, pane: "markerPane", className: "me-accuracy", interactive: false }).addTo(me);
    }
    L.circleMarker(ll, { radius: 7, pane: "markerPane", className: "me", weight: 3 })
      .bindTooltip(esc(T.you_are_here)).addTo(me);
    me.addTo(map);
    return ll;
  }
  $("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { notice(T.no_geo); return; }
    status(T.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      var ll = showMe(pos);
      fetch("/api/v1/areas/lookup?lat=" + ll.lat + "&lng=" + ll.lng)
        .then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) throw new Error((body && body.error && body.error.code) || r.status);
            return body;
          });
        })
        .then(function (a) { status(""); openCard(a.code); }, function (e) {
          status("");
          if (e.message === "outside_indonesia") {
            notice(T.outside);
            map.setView(ll, Math.max(map.getZoom(), 7));
          } else {
            notice(T.geo_failed);
          }
        });
    }, function () { status(""); notice(T.geo_failed); }, { timeout: 10000, maximumAge: 60000 });
  });

  // --- Start --------------------------------------------------------------------------------------
  map.on("moveend", function () { writeURL(); refresh(); });
  setSliderFromState();
  updateLegend(null);
  refresh();
  loadSummary();
  // A shared link with a view keeps it (the area panned into sight if needed); one with
  // only ?area= zooms to the area.
  if (state.area) openCard(state.area, { keepView: hasView, quiet: true });
  window.sigapMap = { map: map, state: state, refresh: refresh, openCard: openCard };
})();
