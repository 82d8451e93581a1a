/* Staff appeals map: one marker per appeal (data from the json_script block), coloured by
   priority, each opening the appeal. Popups are built as DOM nodes, never as HTML text. */
(function () {
  "use strict";
  var el = document.getElementById("appeal-map");
  var data = document.getElementById("appeal-map-points");
  if (!el || !data || !window.L) return;
  var L = window.L;
  var d = el.dataset;
  var points = JSON.parse(data.textContent);
  var options = { attribution: d.attribution || "", maxZoom: Number(d.maxZoom) || 18, subdomains: d.subdomains || "abc" };
  var map = L.map(el, { attributionControl: !!d.attribution });
  // The first view is set once and without animation: a zoom animating from the default
  // centre to the markers moved them under a click (and a tester's finger) for ~250 ms.
  var bounds = points.map(function (p) { return [p.lat, p.lng]; });
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16, animate: false });
  else map.setView([Number(d.centerLat), Number(d.centerLng)], Number(d.zoom) || 13);
  L.tileLayer(d.tileUrl, options).addTo(map);
  if (d.overlayUrl) L.tileLayer(d.overlayUrl, options).addTo(map);
  var colours = { red: "#c62828", yellow: "#b26a00", blue: "#1565c0" };
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lng], {
      radius: 9, weight: 2, color: "#fff", fillOpacity: 0.9,
      fillColor: colours[p.priority] || "#455a64", className: "appeal-marker appeal-" + p.id
    }).addTo(map);
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.number;
    link.className = "appeal-marker-link";
    var label = document.createElement("div");
    label.textContent = p.label;
    box.appendChild(link);
    box.appendChild(label);
    marker.bindPopup(box);
    marker.bindTooltip(p.number);
  });
  el.dataset.ready = "1";
})();
