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
  function status(text) { $("status").textContent = text || ""; }
  var zoneLabel = {};
  C.zones.forEach(function (z) { zoneLabel[z.zone] = z.label; });

  // --- State kept in the URL ------------------------------------------------------------------
  var params = new URLSearchParams(location.search);
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
      var label = zone === "none" ? T.no_rule : zoneLabel[zone];
      f.setTooltipContent(esc(f.feature.properties.name) + " — " + esc(T.zone) + " " + esc(label));
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

  function visibleKabs() {
    var b = map.getBounds();
    var out = [];
    if (!layers[2]) return out;
    layers[2].eachLayer(function (f) {
      if (b.intersects(f.getBounds())) out.push(f.feature.properties.code);
    });
    return out.slice(0, 12);
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
        show(r[0]);
        applyZones(r[0], level);
        listAreas(r[0]);
      });
    } else {
      work = ensureNational(2).then(function () {
        var kabs = visibleKabs();
        return Promise.all([loadZones(3)].concat(kabs.map(function (k) {
          if (kecLayers[k]) return kecLayers[k];
          return getJSON("/peta/data/shapes/3.json?within=" + k).then(function (gj) {
            kecLayers[k] = makeLayer(gj);
            return kecLayers[k];
          });
        }))).then(function (r) {
          if (ticket !== refreshing) return;
          kecGroup.clearLayers();
          r.slice(1).forEach(function (l) { kecGroup.addLayer(l); });
          show(kecGroup);
          r.slice(1).forEach(function (l) { applyZones(l, 3); });
          listAreas(kecGroup);
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
    items.sort(function (a, b) { return a.name.localeCompare(b.name); });
    $("area-list").querySelector("ul").innerHTML = items.map(function (p) {
      var z = p.zone || "none";
      return '<li><button type="button" data-code="' + esc(p.code) + '">' + esc(p.name) + "</button> " +
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
    div.id = "legend";
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo(map);
  function updateLegend(rule) {
    var html = "<strong>" + esc(T.zone) + "</strong><ul>" + C.zones.map(function (z) {
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
    if (state.area) openCard(state.area, { keepView: true, quiet: true });
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
      series: [{}, { label: T.active_confirmed, stroke: "#175cd3", width: 2 }, { label: T.new_confirmed, stroke: "#c81e1e", width: 1.5, dash: [4, 3] }],
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
        '<p><span class="pill z-' + z + '" data-zone="' + z + '">' + (z === "none" ? esc(T.no_rule) : esc(T.zone) + " " + esc(a.zone.label)) + "</span> " +
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
      card._history = a.history;
      drawChart(a.history);
      if (!opts.quiet) card.focus();
      var prov = a.code.slice(0, 2);
      if (prov !== provinceCode) { provinceCode = prov; loadSummary(); }
      if (!opts.keepView && a.bbox) {
        map.fitBounds([[a.bbox[1], a.bbox[0]], [a.bbox[3], a.bbox[2]]], { maxZoom: 12 });
      }
      highlight(a.code);
      writeURL();
    }, function () { status(T.not_found); });
  }
  $("card").addEventListener("click", function (e) {
    if (e.target.closest(".close")) {
      $("card").hidden = true; state.area = ""; highlight(null); writeURL(); return;
    }
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
    if (e.key === "Escape" && !$("card").hidden) { $("card").hidden = true; state.area = ""; writeURL(); }
  });

  // --- Search and location ------------------------------------------------------------------------
  var results = $("search-results");
  function search(q) {
    if (q.trim().length < 2) { results.innerHTML = ""; return; }
    fetch("/api/v1/areas/search?limit=8&q=" + encodeURIComponent(q), { headers: { "Accept-Language": LANG } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var rows = d.results || [];
        results.innerHTML = rows.length ? rows.map(function (r) {
          var where = r.parents.map(function (p) { return p.display_name; }).reverse().join(", ");
          return '<li><button type="button" data-code="' + esc(r.code) + '">' + esc(r.display_name) +
            (where ? ' <span class="muted">' + esc(where) + "</span>" : "") + "</button></li>";
        }).join("") : "<li>" + esc(T.not_found) + "</li>";
      }, function () { results.innerHTML = "<li>" + esc(T.not_found) + "</li>"; });
  }
  var debounce = null;
  $("q").addEventListener("input", function () {
    clearTimeout(debounce);
    var q = this.value;
    debounce = setTimeout(function () { search(q); }, 250);
  });
  $("search").addEventListener("submit", function (e) { e.preventDefault(); search($("q").value); });
  results.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-code]");
    if (b) { results.innerHTML = ""; openCard(b.getAttribute("data-code")); }
  });
  $("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { status(T.no_geo); return; }
    status(T.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      fetch("/api/v1/areas/lookup?lat=" + pos.coords.latitude + "&lng=" + pos.coords.longitude)
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (a) { status(""); openCard(a.code); }, function () { status(T.geo_failed); });
    }, function () { status(T.geo_failed); }, { timeout: 10000, maximumAge: 60000 });
  });

  // --- Start --------------------------------------------------------------------------------------
  map.on("moveend", function () { writeURL(); refresh(); });
  setSliderFromState();
  updateLegend(null);
  refresh();
  loadSummary();
  if (state.area) openCard(state.area, { keepView: true, quiet: true });
  window.sigapMap = { map: map, state: state, refresh: refresh, openCard: openCard };
})();
