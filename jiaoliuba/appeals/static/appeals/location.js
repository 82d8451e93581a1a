/* The place of an appeal: "use my location" fills latitude/longitude from the browser;
   with a tile source configured (data-tile-url) a Leaflet map lets the resident tap the
   place instead. Loaded with defer, after leaflet.js when that is on the page. */
(function () {
  "use strict";
  var box = document.getElementById("location");
  if (!box) return;
  var lat = document.getElementById("latitude");
  var lng = document.getElementById("longitude");
  var status = document.getElementById("locate-status");
  var clear = document.getElementById("location-clear");
  var mapEl = document.getElementById("location-map");
  var map = null;
  var marker = null;

  function say(key) { status.textContent = box.dataset[key] || ""; }

  function setPoint(la, ln, zoom) {
    lat.value = Number(la).toFixed(6);
    lng.value = Number(ln).toFixed(6);
    clear.hidden = false;
    if (!map) return;
    var here = [Number(lat.value), Number(lng.value)];
    if (marker) { marker.setLatLng(here); } else { marker = window.L.marker(here).addTo(map); }
    if (zoom) map.setView(here, Math.max(map.getZoom(), zoom));
  }

  if (mapEl && window.L) {
    var d = mapEl.dataset;
    var tileOptions = {
      attribution: d.attribution || "",
      maxZoom: Number(d.maxZoom) || 18,
      subdomains: d.subdomains || "abc"
    };
    var start = lat.value && lng.value
      ? [Number(lat.value), Number(lng.value)]
      : [Number(d.centerLat), Number(d.centerLng)];
    map = window.L.map(mapEl, { attributionControl: !!d.attribution }).setView(start, Number(d.zoom) || 13);
    window.L.tileLayer(d.tileUrl, tileOptions).addTo(map);
    if (d.overlayUrl) window.L.tileLayer(d.overlayUrl, tileOptions).addTo(map);
    if (lat.value && lng.value) setPoint(lat.value, lng.value);
    map.on("click", function (e) {
      setPoint(e.latlng.lat, e.latlng.lng);
      say("picked");
    });
  }

  document.getElementById("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { say("unsupported"); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      setPoint(p.coords.latitude, p.coords.longitude, 16);
      say("located");
    }, function () { say("failed"); }, { timeout: 8000, maximumAge: 60000 });
  });

  clear.addEventListener("click", function () {
    lat.value = "";
    lng.value = "";
    clear.hidden = true;
    if (marker) { marker.remove(); marker = null; }
    say("cleared");
  });
})();
