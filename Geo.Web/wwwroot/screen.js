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

  // A list longer than its box ([data-pages]: the warnings, the nearest places) is shown a page at a time, turning every
  // PAGE_SECONDS, with "1/2" after its heading: the screen never scrolls and nothing is cut off for good.
  var PAGE_SECONDS = 8;
  var pager = null;

  function paginate() {
    if (pager) { clearInterval(pager); pager = null; }
    var lists = [];
    Array.prototype.forEach.call(content().querySelectorAll('[data-pages]'), function (box) {
      var items = Array.prototype.filter.call(box.children, function (e) { return e.tagName === 'LI' || e.tagName === 'ARTICLE'; });
      items.forEach(function (e) { e.hidden = false; });
      var heading = box.parentElement && box.parentElement.querySelector('h2');
      var mark = heading && heading.querySelector('.pages');
      if (mark) mark.remove();
      var room = box.clientHeight;
      if (items.length < 2 || box.scrollHeight <= room + 1) return;
      var pages = [], page = [], start = null;
      items.forEach(function (e) {
        var r = e.getBoundingClientRect();
        var bottom = r.bottom + (parseFloat(getComputedStyle(e).marginBottom) || 0);
        if (start === null) start = r.top;
        if (page.length > 0 && bottom - start > room) { pages.push(page); page = []; start = r.top; }
        page.push(e);
      });
      if (page.length) pages.push(page);
      if (pages.length < 2) return;
      if (heading) { mark = document.createElement('span'); mark.className = 'pages'; heading.appendChild(mark); }
      lists.push({ pages: pages, at: 0, mark: mark });
    });
    function show(list) {
      list.pages.forEach(function (p, i) { p.forEach(function (e) { e.hidden = i !== list.at; }); });
      if (list.mark) list.mark.textContent = (list.at + 1) + '/' + list.pages.length;
    }
    lists.forEach(show);
    if (lists.length) pager = setInterval(function () {
      lists.forEach(function (l) { l.at = (l.at + 1) % l.pages.length; show(l); });
    }, PAGE_SECONDS * 1000);
  }

  document.addEventListener('geo:content', paginate);
  window.addEventListener('resize', paginate);

  window.addEventListener('DOMContentLoaded', function () {
    var seconds = parseInt(content().getAttribute('data-refresh'), 10) || 60;
    paginate();
    setTimeout(refresh, seconds * 1000);
  });
})();
