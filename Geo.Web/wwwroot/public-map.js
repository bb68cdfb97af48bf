// The public pages' small map (community embed, display screens): reads the page's #geo-data JSON block and draws it
// with Leaflet. No basemap from the internet: Geo's own basemap (outlines, streets and their names, landmarks: the
// module basemap-labels.js, the same as the main map's) under the page's shapes. GeoJSON is lon, lat; Leaflet wants
// lat, lng: the swap happens here (L.geoJSON and the two explicit [lat, lon] pairs below), nowhere else.
(function () {
  'use strict';
  var map = null;
  // the basemap module sits beside this script (resolved now: currentScript is gone once the page has loaded)
  var moduleUrl = new URL('basemap-labels.js', document.currentScript ? document.currentScript.src : location.href).href;

  function addBasemap(m, el) {
    import(moduleUrl).then(function (b) {
      return b.ensureVectorGrid(L).then(function () {
        if (map !== m) return; // redrawn meanwhile
        b.addBasemap(L, m, { filled: true, onLoad: function () { el.classList.add('basemap-loaded'); } });
      });
    }).catch(function (e) { el.setAttribute('data-basemap-error', String(e)); });
  }

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
    addBasemap(map, el);
  }

  window.addEventListener('DOMContentLoaded', draw);
  document.addEventListener('geo:content', draw);
})();
