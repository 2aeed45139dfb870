// The PSC 119 escalation page's map: the resident's position and the hospitals
// offered, from the page's data blocks (#map-config, #hospitals-data).
(function () {
  var el = document.getElementById("map");
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  if (!window.L || isNaN(lat)) { el.textContent = "Lokasi tidak tersedia."; return; }
  var map = L.map(el).setView([lat, lng], 13);
  var C = JSON.parse(document.getElementById("map-config").textContent);
  if (C.tile_url) {
    L.tileLayer(C.tile_url, { maxZoom: 19, attribution: C.tile_attribution }).addTo(map);
  } else {
    // No basemap configured: a plain background, and no third party learns where
    // the emergency is.
    el.classList.add("no-tiles");
    document.getElementById("map-note").hidden = false;
  }
  L.circleMarker([lat, lng], { radius: 9, color: "#b42318" }).addTo(map).bindPopup("Lokasi warga");
  var bounds = L.latLngBounds([[lat, lng]]);
  JSON.parse(document.getElementById("hospitals-data").textContent).forEach(function (h) {
    if (h.latitude == null) return;
    L.marker([h.latitude, h.longitude], { title: h.name }).addTo(map).bindPopup(document.createTextNode(h.name + " · kosong " + h.free_needed).textContent);
    bounds.extend([h.latitude, h.longitude]);
  });
  map.fitBounds(bounds.pad(0.2), { maxZoom: 14 });
})();
