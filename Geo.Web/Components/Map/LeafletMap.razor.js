// The one place that talks to Leaflet. .NET speaks lon/lat; Leaflet wants [lat, lng]: the swap happens
// here and only here (toLatLng / fromLatLng). Leaflet and its plugins are classic scripts (global L);
// this module defines nothing on window.
import { addBasemap } from '../../basemap-labels.js';

const maps = new Map(); // host element -> state

const toLatLng = (lon, lat) => [lat, lon];
const fromLatLng = (ll) => [ll.lng, ll.lat];

export function create(element, dotnet, options) {
    const L = globalThis.L;
    const map = L.map(element, { minZoom: 8, maxZoom: 19, zoomControl: true })
        .setView(toLatLng(options.center[0], options.center[1]), options.zoom);
    map.attributionControl.setPrefix(false);
    const state = { L, map, dotnet, options, labels: options.labels, visible: new Set(options.visibleKinds),
        markers: new Map(), mode: 'locate', measure: null, nearby: null, density: null, lastClick: null };
    maps.set(element, state);
    applyLabels(state);

    if (options.onlineBasemap) {
        L.tileLayer(options.onlineBasemap, { attribution: options.onlineAttribution, maxZoom: 19 }).addTo(map);
    }
    // Geo's own basemap with street, place and landmark names (basemap-labels.js: the same on the public pages)
    state.basemap = addBasemap(L, map, {
        url: options.baseUrl + '/tiles/basemap/{z}/{x}/{y}.pbf', filled: !options.onlineBasemap,
        lang: options.labels?.lang, onLoad: () => element.classList.add('basemap-loaded'),
    });

    // cluster icons as markercluster draws them, but 44 px: a tap target for a finger
    state.cluster = L.markerClusterGroup({
        disableClusteringAtZoom: 17, chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45,
        iconCreateFunction: c => {
            const n = c.getChildCount();
            const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
            return L.divIcon({ html: `<div><span>${n}</span></div>`, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(44, 44) });
        },
    });
    map.addLayer(state.cluster);
    // below street zoom: the server's count bubbles (AssetClusters), drawn over the basemap in place of single markers
    state.bubbles = L.layerGroup().addTo(map);

    map.on('moveend', () => notifyView(state));
    map.on('click', (e) => onMapClick(state, e.latlng));
    notifyView(state);
}

function notifyView(state) {
    const b = state.map.getBounds();
    state.dotnet.invokeMethodAsync('OnViewChanged', b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), state.map.getZoom());
}

/// points: [{id, kind, lon, lat, synthetic, status}]; dense: too many in view, draw thinned vector tiles instead.
export function setAssets(element, points, dense) {
    const s = maps.get(element);
    if (!s) return;
    setDensity(s, dense);
    const keep = new Set(points.map(p => p.id));
    const gone = [];
    for (const [id, m] of s.markers) if (!keep.has(id)) { gone.push(m); s.markers.delete(id); }
    s.cluster.removeLayers(gone);
    const added = [];
    for (const p of points) {
        if (s.markers.has(p.id)) continue;
        const m = markerFor(s, p);
        s.markers.set(p.id, m);
        added.push(m);
    }
    s.cluster.addLayers(added);
}

function markerFor(s, p) {
    const colour = s.options.colours[p.kind] || '#333';
    const icon = s.L.divIcon({
        className: `geo-marker kind-${p.kind}${p.synthetic ? ' synthetic' : ''}${p.status !== 'online' ? ' not-online' : ''}`,
        html: `<span data-id="${Number(p.id)}" style="background:${colour}"></span>`, iconSize: [44, 44], // the dot is 14 px, the tap target 44
    });
    const m = s.L.marker(toLatLng(p.lon, p.lat), { icon, keyboard: false });
    m.on('click', () => openAsset(s, p.id, m.getLatLng()));
    return m;
}

// up to street zoom a tile feature is a bin of `count` assets of one kind: its dot grows with the count (area ~ log)
function binRadius(count) {
    return count > 1 ? Math.min(3 + 1.5 * Math.log2(count), 14) : 3;
}

function setDensity(s, dense) {
    if (dense && !s.density) {
        s.density = s.L.vectorGrid.protobuf(s.options.baseUrl + '/tiles/assets/{z}/{x}/{y}.pbf', {
            rendererFactory: s.L.canvas.tile, interactive: false, maxNativeZoom: 19,
            vectorTileLayerStyles: {
                assets: (p) => s.visible.has(p.kind)
                    ? { radius: binRadius(p.count), fill: true, fillColor: s.options.colours[p.kind], fillOpacity: 0.85, stroke: !!p.synthetic, color: '#fff', weight: 0.5 }
                    : [],
            },
        }).addTo(s.map);
    } else if (!dense && s.density) {
        s.map.removeLayer(s.density);
        s.density = null;
    }
}

/// result: AssetClusters' answer {zoom, covered, total, clusters: [{lon, lat, count, dominant, kinds: [{kind, count}], size, bounds}]},
/// or null above its zooms. Each bubble prints its count; its ring shows the kinds it holds in proportion (one colour: one kind);
/// a tap (or Enter) zooms into the cells it gathers. An answer for another zoom than the map's is stale and ignored.
export function setClusters(element, result) {
    const s = maps.get(element);
    if (!s) return;
    if (result && result.zoom !== s.map.getZoom()) return;
    s.bubbles.clearLayers();
    s.clusterResult = result;
    element.dataset.clusterTotal = result ? String(result.total) : '';
    element.dataset.clusterCovered = result ? result.covered.join(',') : '';
    element.dataset.clusterZoom = result ? String(result.zoom) : '';
    if (!result) return;
    for (const c of result.clusters) s.bubbles.addLayer(bubbleFor(s, c));
}

function bubbleFor(s, c) {
    const L = s.L;
    let at = 0;
    const stops = c.kinds.map(k => {
        const from = at;
        at += k.count / c.count * 360;
        return `${s.options.colours[k.kind] || '#333'} ${from.toFixed(1)}deg ${at.toFixed(1)}deg`;
    });
    const el = document.createElement('span');
    el.className = 'ring';
    el.style.background = `conic-gradient(${stops.join(', ')})`;
    const n = document.createElement('b');
    n.textContent = shortCount(s, c.count);
    el.appendChild(n);
    const names = s.labels.kindNames || {};
    const label = (s.labels.clusterLabel || '{0}').replace('{0}', String(c.count))
        + ' ' + c.kinds.map(k => `${names[k.kind] || k.kind} ${k.count}`).join(s.labels.listSeparator || ', ');
    const icon = L.divIcon({
        className: `geo-cluster${c.kinds.length > 1 ? ' mixed' : ''} kind-${c.dominant}`, html: el, iconSize: [c.size, c.size],
    });
    const m = L.marker(toLatLng(c.lon, c.lat), { icon, keyboard: true, title: label, riseOnHover: true });
    m.on('add', () => {
        const e = m.getElement();
        if (!e) return;
        e.dataset.count = String(c.count);
        e.dataset.kinds = c.kinds.map(k => `${k.kind}:${k.count}`).join(',');
        e.setAttribute('role', 'button');
        e.setAttribute('aria-label', label);
    });
    m.on('click', () => {
        const b = L.latLngBounds(toLatLng(c.bounds[0], c.bounds[1]), toLatLng(c.bounds[2], c.bounds[3]));
        // always at least one zoom level deeper; at most street zoom + 1, where single markers are drawn
        const z = Math.min(Math.max(s.map.getZoom() + 1, s.map.getBoundsZoom(b)), 16);
        s.map.setView(toLatLng(c.lon, c.lat), z);
    });
    return m;
}

// counts are exact up to 9,999 (data-count always is); beyond, 1.2万 / 12k
function shortCount(s, n) {
    if (n < 10000) return String(n);
    const d = s.labels.largeDivisor || 1000;
    return `${(n / d).toFixed(n / d < 10 ? 1 : 0)}${s.labels.largeUnit || 'k'}`;
}

export function setVisibleKinds(element, kinds) {
    const s = maps.get(element);
    if (!s) return;
    s.visible = new Set(kinds);
    if (s.density) s.density.redraw();
}

export function setLabels(element, labels) {
    const s = maps.get(element);
    if (s) { s.labels = labels; applyLabels(s); if (s.clusterResult) setClusters(element, s.clusterResult); }
}

// Leaflet's zoom buttons are named in English and the attribution is a fixed string: both follow the page's language.
function applyLabels(s) {
    const c = s.map.getContainer();
    for (const [cls, name] of [['.leaflet-control-zoom-in', s.labels.zoomIn], ['.leaflet-control-zoom-out', s.labels.zoomOut]]) {
        const a = c.querySelector(cls);
        if (a && name) { a.title = name; a.setAttribute('aria-label', name); }
    }
    if (s.attribution) s.map.attributionControl.removeAttribution(s.attribution);
    s.attribution = s.labels.attribution;
    if (s.attribution) s.map.attributionControl.addAttribution(s.attribution);
}

async function openAsset(s, id, latlng) {
    const a = await s.dotnet.invokeMethodAsync('GetAssetPopup', id);
    if (!a) return;
    const el = document.createElement('div');
    el.className = 'geo-popup asset-popup';
    el.dataset.assetId = a.id;
    add(el, 'h3', a.name);
    const kind = add(el, 'div', a.kindName);
    kind.className = 'popup-kind';
    kind.style.borderLeftColor = s.options.colours[a.kind] || '#333';
    if (a.synthetic) add(el, 'div', a.syntheticLabel).className = 'synthetic-badge';
    table(el, a.rows);
    const go = add(el, 'button', s.labels.goHere);
    go.type = 'button';
    go.className = 'go-here';
    go.addEventListener('click', () => routeTo(s, el, latlng, a.name));
    s.L.popup({ maxWidth: 280 }).setLatLng(latlng).setContent(el).openOn(s.map);
}

/// 去这里: from the device (else the last tap, else the centre) to the popup's place, by the server's WalkingRoute; draws the
/// walk and puts minutes, metres and the Amap/Baidu hand-off links under the button.
async function routeTo(s, el, latlng, name) {
    let box = el.querySelector('.route-result');
    if (!box) {
        box = add(el, 'div', '');
        box.className = 'route-result';
        box.setAttribute('role', 'status');
    }
    box.replaceChildren();
    let r;
    try {
        const [fromLon, fromLat] = await positionOf(s);
        const [toLon, toLat] = fromLatLng(latlng);
        r = await s.dotnet.invokeMethodAsync('RouteTo', fromLon, fromLat, toLon, toLat, name);
    } catch (e) {
        r = { error: s.labels.routeFailed, detail: String(e) };
    }
    if (s.route) { s.map.removeLayer(s.route); s.route = null; }
    if (r.error) {
        add(box, 'p', r.error).title = r.detail || '';
        box.dataset.detail = r.detail || '';
        return;
    }
    add(box, 'p', r.summary).className = 'route-summary';
    // the turns with their street names (WalkingRoute's steps, worded by RouteStepText)
    if (r.steps?.length) {
        const ol = add(box, 'ol', '');
        ol.className = 'route-steps';
        for (const t of r.steps) add(ol, 'li', t);
    }
    for (const [href, label, cls] of [[r.amap, r.amapLabel, 'handoff-amap'], [r.baidu, r.baiduLabel, 'handoff-baidu']]) {
        const link = add(box, 'a', label);
        link.href = href;
        link.target = '_blank';
        link.rel = 'noopener';
        link.className = `handoff ${cls}`;
    }
    s.route = s.L.polyline(r.line.map(c => toLatLng(c[0], c[1])), { color: '#d7301f', weight: 5, opacity: 0.85, interactive: false, className: 'walk-route' }).addTo(s.map);
}

async function onMapClick(s, latlng) {
    const [lon, lat] = fromLatLng(latlng);
    s.lastClick = [lon, lat];
    if (s.mode === 'measure') return addMeasurePoint(s, latlng);
    const r = await s.dotnet.invokeMethodAsync('OnMapClicked', lon, lat);
    const el = document.createElement('div');
    el.className = 'geo-popup locate-popup';
    add(el, 'h3', r.title);
    if (r.synthetic) add(el, 'div', r.syntheticLabel).className = 'synthetic-badge';
    table(el, r.rows);
    s.L.popup({ maxWidth: 280 }).setLatLng(latlng).setContent(el).openOn(s.map);
}

function add(parent, tag, text) {
    const e = document.createElement(tag);
    e.textContent = text;
    parent.appendChild(e);
    return e;
}

function table(parent, rows) {
    const t = document.createElement('table');
    for (const r of rows) {
        const tr = document.createElement('tr');
        add(tr, 'th', r.label);
        add(tr, 'td', r.value);
        t.appendChild(tr);
    }
    parent.appendChild(t);
}

export function setMode(element, mode) {
    const s = maps.get(element);
    if (!s) return;
    s.mode = mode;
    element.classList.toggle('measuring', mode === 'measure');
    if (mode === 'measure') {
        s.map.closePopup();
        if (s.measure) s.map.removeLayer(s.measure.layer);
        s.measure = { points: [], layer: s.L.layerGroup().addTo(s.map) };
    }
}

function addMeasurePoint(s, latlng) {
    const m = s.measure;
    m.points.push(latlng);
    s.L.circleMarker(latlng, { radius: 4, color: '#c0392b' }).addTo(m.layer);
    if (m.points.length < 2) return;
    let metres = 0;
    for (let i = 1; i < m.points.length; i++) metres += s.map.distance(m.points[i - 1], m.points[i]);
    if (m.line) m.layer.removeLayer(m.line);
    m.line = s.L.polyline(m.points, { color: '#c0392b', weight: 3 }).addTo(m.layer);
    const text = metres >= 1000 ? `${(metres / 1000).toFixed(2)} km` : `${Math.round(metres)} ${s.labels.metres}`;
    m.line.bindTooltip(`${s.labels.distance}: ${text}`, { permanent: true, className: 'measure-tooltip' }).openTooltip(latlng);
}

export function clearOverlays(element) {
    const s = maps.get(element);
    if (!s) return;
    if (s.measure) { s.map.removeLayer(s.measure.layer); s.measure = null; }
    if (s.nearby) { s.map.removeLayer(s.nearby); s.nearby = null; }
    if (s.route) { s.map.removeLayer(s.route); s.route = null; }
    for (const l of (s.overlays?.values() ?? [])) s.map.removeLayer(l);
    s.overlays?.clear();
}

/// Resolves to [lon, lat]: the device position (GPS, as the button says), else the last clicked point, else the map centre.
export function userPosition(element) {
    return positionOf(maps.get(element));
}

function positionOf(s) {
    const fallback = () => s.lastClick || fromLatLng(s.map.getCenter());
    return new Promise((resolve) => {
        if (!navigator.geolocation) { resolve(fallback()); return; }
        navigator.geolocation.getCurrentPosition(
            (p) => resolve([p.coords.longitude, p.coords.latitude]),
            () => resolve(fallback()), { timeout: 4000, maximumAge: 60000 });
    });
}

export function showNearby(element, lon, lat, metres, items) {
    const s = maps.get(element);
    if (!s) return;
    if (s.nearby) s.map.removeLayer(s.nearby);
    s.nearby = s.L.layerGroup([s.L.circle(toLatLng(lon, lat), { radius: metres, color: '#2c7fb8', weight: 1, fillOpacity: 0.05 }),
        s.L.circleMarker(toLatLng(lon, lat), { radius: 6, color: '#2c7fb8', fillOpacity: 1 })]).addTo(s.map);
    const b = s.L.latLngBounds(items.map(i => toLatLng(i.lon, i.lat)).concat([toLatLng(lon, lat)]));
    s.map.fitBounds(b.pad(0.2), { maxZoom: 17 });
}

/** The walking 附近: the start and one numbered marker per row, in the list's order (the rows come from Core). */
export function showWalkNearby(element, lon, lat, items) {
    const s = maps.get(element);
    if (!s) return;
    if (s.nearby) s.map.removeLayer(s.nearby);
    const layers = [s.L.circleMarker(toLatLng(lon, lat), { radius: 7, color: '#2c7fb8', fillOpacity: 1 })];
    for (const i of items) {
        const m = s.L.marker(toLatLng(i.lon, i.lat), {
            icon: s.L.divIcon({ className: 'walk-rank', html: '', iconSize: [28, 28] }), title: i.label, alt: i.label, keyboard: true,
        });
        m.on('add', () => { const el = m.getElement(); if (el) { el.textContent = String(i.rank); el.dataset.id = String(i.id); } });
        m.bindTooltip(i.label);
        layers.push(m);
    }
    s.nearby = s.L.layerGroup(layers).addTo(s.map);
    const b = s.L.latLngBounds(items.map(i => toLatLng(i.lon, i.lat)).concat([toLatLng(lon, lat)]));
    s.map.fitBounds(b.pad(0.2), { maxZoom: 17 });
}

export function fitBounds(element, minLon, minLat, maxLon, maxLat) {
    const s = maps.get(element);
    if (s) s.map.fitBounds([toLatLng(minLon, minLat), toLatLng(maxLon, maxLat)], { maxZoom: 18 });
}

export function showAsset(element, id, lon, lat) {
    const s = maps.get(element);
    if (!s) return;
    const at = s.L.latLng(toLatLng(lon, lat));
    s.map.setView(at, Math.max(s.map.getZoom(), 17), { animate: false });
    // on a phone the panel is a sheet over the bottom of the map: centre the point in the part it leaves uncovered
    const sheet = element.closest('.map-page')?.querySelector('.panel.open');
    if (sheet && getComputedStyle(sheet).position === 'absolute') {
        const covered = Math.max(0, element.getBoundingClientRect().bottom - sheet.getBoundingClientRect().top);
        if (covered > 0) s.map.panBy([0, covered / 2], { animate: false });
    }
    if (s.selected) s.map.removeLayer(s.selected);
    s.selected = s.L.circleMarker(at, { radius: 18, color: '#d7301f', weight: 3, fill: false, interactive: false, className: 'selected-outline' }).addTo(s.map);
    openAsset(s, id, at);
}

/// Named overlays drawn by the view panels (coverage gaps, isochrone bands): GeoJSON stays lon/lat, L.geoJSON reads it.
/// style: {className, color, fillColor, fillOpacity, weight}; null geojson removes the overlay.
export function setOverlay(element, key, geojson, style) {
    const s = maps.get(element);
    if (!s) return;
    s.overlays ??= new Map();
    const old = s.overlays.get(key);
    if (old) { s.map.removeLayer(old); s.overlays.delete(key); }
    if (!geojson) return;
    const layer = s.L.geoJSON(geojson, { style: (f) => ({ ...style, ...(f && f.properties && f.properties.style) }), interactive: false }).addTo(s.map);
    s.overlays.set(key, layer);
}

/// pins: [{id, lon, lat, label, className, colour, title}]: numbered or coloured markers; a click calls OnPinClicked(key, id).
export function setPins(element, key, pins, fit) {
    const s = maps.get(element);
    if (!s) return;
    s.pins ??= new Map();
    const old = s.pins.get(key);
    if (old) s.map.removeLayer(old);
    const group = s.L.layerGroup();
    for (const p of pins) {
        const el = document.createElement('span');
        el.textContent = p.label ?? '';
        el.style.background = p.colour || '#444';
        el.dataset.id = p.id;
        const icon = s.L.divIcon({ className: `geo-pin ${p.className || ''}`, html: el, iconSize: [44, 44] }); // a 22 px pin, a 44 px tap target
        const m = s.L.marker(toLatLng(p.lon, p.lat), { icon, keyboard: false, title: p.title || '' });
        m.on('click', () => s.dotnet.invokeMethodAsync('OnPinClicked', key, String(p.id)));
        group.addLayer(m);
    }
    group.addTo(s.map);
    s.pins.set(key, group);
    if (fit && pins.length > 0) {
        s.map.fitBounds(s.L.latLngBounds(pins.map(p => toLatLng(p.lon, p.lat))).pad(0.3), { maxZoom: 16 });
    }
}

export function flyTo(element, lon, lat, zoom) {
    const s = maps.get(element);
    if (s) s.map.flyTo(toLatLng(lon, lat), zoom, { duration: 0.6 });
}

/// Fetches /api/isochrone for the point, draws the bands (outermost first) and resolves to the response
/// (or {error}) so the panel can list the services.
export async function showIsochrone(element, lon, lat, minutes, colours, profile) {
    const s = maps.get(element);
    if (!s) return { error: 'no map' };
    const url = `${s.options.baseUrl}/api/isochrone?lon=${lon}&lat=${lat}&minutes=${minutes}&profile=${encodeURIComponent(profile || 'adult')}`;
    const r = await fetch(url, { headers: { accept: 'application/geo+json' } });
    if (!r.ok) {
        let detail = `${r.status}`;
        try { const p = await r.json(); detail = p.detail || Object.values(p.errors || {}).flat()[0] || p.title || detail; } catch { /* not json */ }
        setOverlay(element, 'isochrone', null);
        return { error: detail };
    }
    const fc = await r.json();
    for (const f of fc.features) {
        f.properties.style = { fillColor: colours[String(f.properties.minutes)] || '#2c7fb8', color: colours[String(f.properties.minutes)] || '#2c7fb8' };
    }
    setOverlay(element, 'isochrone', fc, { className: 'isochrone-band', weight: 1, fillOpacity: 0.18 });
    return { services: fc.services };
}

export function dispose(element) {
    const s = maps.get(element);
    if (!s) return;
    s.map.remove();
    maps.delete(element);
}

/// One draggable pin per key (the report form's place): placed at lon/lat, or removed when lon is null. A drag calls
/// target.OnPinDragged(lon, lat) when it ends (the caller re-locates community, grid cell and categories).
export function setDraggablePin(element, key, lon, lat, title, target, centre) {
    const s = maps.get(element);
    if (!s) return;
    s.dragPins ??= new Map();
    const old = s.dragPins.get(key);
    if (lon === null || lon === undefined) {
        if (old) { s.map.removeLayer(old); s.dragPins.delete(key); }
        return;
    }
    if (centre) centreUncovered(s, element, toLatLng(lon, lat), 16);
    if (old) { old.setLatLng(toLatLng(lon, lat)); return; }
    const el = document.createElement('span');
    el.textContent = '!';
    el.style.background = '#d73027';
    const icon = s.L.divIcon({ className: `geo-pin report-pin drag-pin-${key}`, html: el, iconSize: [44, 44] });
    const m = s.L.marker(toLatLng(lon, lat), { icon, draggable: true, autoPan: true, title: title || '', zIndexOffset: 1000 });
    m.on('dragend', () => {
        const [x, y] = fromLatLng(m.getLatLng());
        target.invokeMethodAsync('OnPinDragged', x, y);
    });
    m.addTo(s.map);
    s.dragPins.set(key, m);
}

// the point at the centre of the part of the map a phone's bottom sheet leaves uncovered (as showAsset does)
function centreUncovered(s, element, at, minZoom) {
    s.map.setView(at, Math.max(s.map.getZoom(), minZoom), { animate: false });
    const sheet = element.closest('.map-page')?.querySelector('.panel.open');
    if (sheet && getComputedStyle(sheet).position === 'absolute') {
        const covered = Math.max(0, element.getBoundingClientRect().bottom - sheet.getBoundingClientRect().top);
        if (covered > 0) s.map.panBy([0, covered / 2], { animate: false });
    }
}

/// The pin's screen position (centre, in page pixels) for tests and for focusing: null without the pin.
export function draggablePinPoint(element, key) {
    const s = maps.get(element);
    const m = s?.dragPins?.get(key);
    if (!m) return null;
    const p = s.map.latLngToContainerPoint(m.getLatLng());
    const r = element.getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
}
