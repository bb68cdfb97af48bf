// Display screen page: re-fetch this page every data-refresh seconds and swap #screen-content; when the network drops,
// keep the last content up and say since when. A service worker (/screen-sw.js) keeps the last good copy for a reload.
(function () {
  'use strict';
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/screen-sw.js', { scope: '/screen/' }).catch(function () { /* the page still refreshes without it */ });
  }
  var offline = document.getElementById('offline');

  function content() { return document.getElementById('screen-content'); }

  function showOffline(on) {
    if (!offline) return;
    if (!on) { offline.hidden = true; return; }
    // Beijing time as the page prints it (a screen's own clock zone may be UTC)
    var hhmm = content().getAttribute('data-at-local');
    offline.textContent = offline.getAttribute('data-template').replace('{0}', hhmm);
    offline.hidden = false;
  }

  function refresh() {
    var seconds = parseInt(content().getAttribute('data-refresh'), 10) || 60;
    fetch(location.href, { cache: 'no-store', headers: { 'X-Geo-Screen': 'refresh' } })
      .then(function (res) {
        if (!res.ok || res.headers.get('X-Geo-From-Cache')) throw new Error('offline');
        return res.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html').getElementById('screen-content');
        if (!next) throw new Error('no content');
        content().replaceWith(document.importNode(next, true));
        showOffline(false);
        document.dispatchEvent(new Event('geo:content'));
      })
      .catch(function () { showOffline(true); })
      .then(function () { setTimeout(refresh, seconds * 1000); });
  }

  window.addEventListener('DOMContentLoaded', function () {
    var seconds = parseInt(content().getAttribute('data-refresh'), 10) || 60;
    setTimeout(refresh, seconds * 1000);
  });
})();
