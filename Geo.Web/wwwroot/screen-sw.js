// Screen pages' service worker: network first; every good answer for a screen page and its assets is kept, so the
// screen can reload its last content while the network is down.
'use strict';
var CACHE = 'geo-screen-v1';
var ASSETS = ['/lib/leaflet/leaflet.css', '/lib/leaflet/leaflet.js', '/public.css', '/public-map.js', '/screen.js'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (!(url.pathname.indexOf('/screen/') === 0 || ASSETS.indexOf(url.pathname) >= 0)) return;
  e.respondWith(fetch(req).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return c.put(url.href, copy); });
    }
    return res;
  }).catch(function () {
    // the last good copy, marked so the page knows it is not fresh (and says so on the screen)
    return caches.match(url.href).then(function (hit) {
      if (!hit) return Response.error();
      var headers = new Headers(hit.headers);
      headers.set('X-Geo-From-Cache', '1');
      return hit.blob().then(function (body) { return new Response(body, { status: hit.status, statusText: hit.statusText, headers: headers }); });
    });
  }));
});
