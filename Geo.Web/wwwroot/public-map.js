// The public pages' small map (community embed, display screens): reads the page's #geo-data JSON block and draws it
// with Leaflet. No basemap from the internet: the shapes themselves are the map. GeoJSON is lon, lat; Leaflet wants
// lat, lng: the swap happens here (L.geoJSON and the two explicit [lat, lon] pairs below), nowhere else.
(function () {
  'use strict';
  var map = null;

  function draw() {
    var el = document.getElementById('map');
    var dataEl = document.getElementById('geo-data');
    if (!el || !dataEl || typeof L === 'undefined') return;
    var data = JSON.parse(dataEl.textContent);
    if (map) { map.remove(); map = null; }
    // the zoom buttons' names in the page's language (Leaflet's own are English)
    map = L.map(el, { zoomControl: false, attributionControl: false, keyboard: true, maxZoom: 19 }).setView([data.lat, data.lon], 16);
    L.control.zoom({ zoomInTitle: el.getAttribute('data-zoom-in') || 'Zoom in', zoomOutTitle: el.getAttribute('data-zoom-out') || 'Zoom out' }).addTo(map);
    var bounds = L.latLngBounds([[data.lat, data.lon], [data.lat, data.lon]]);
    data.shapes.forEach(function (s) {
      var layer = L.geoJSON(s.geometry).bindTooltip(s.label).addTo(map);
      // the look is in public.css, keyed by class (className only applies at creation, so set it on the drawn paths)
      layer.eachLayer(function (l) {
        var e = l.getElement && l.getElement();
        if (e) ('shape ' + s.style).split(' ').forEach(function (c) { e.classList.add(c); });
      });
      bounds.extend(layer.getBounds());
    });
    data.points.forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], { radius: p.kind === 'shelter' || p.kind === 'display_screen' ? 9 : 6, className: 'pt pt-' + p.kind });
      m.bindTooltip(p.label).addTo(map);
      bounds.extend(m.getLatLng());
    });
    map.fitBounds(bounds.pad(0.05));
  }

  window.addEventListener('DOMContentLoaded', draw);
  document.addEventListener('geo:content', draw);
})();
