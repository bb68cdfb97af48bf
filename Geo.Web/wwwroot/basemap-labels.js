// Geo's basemap with names, the same on the main map, the community embed and the display screens: the outlines and
// streets of /tiles/basemap drawn by Leaflet.VectorGrid on canvas (it cannot draw text), and a second grid layer of DOM
// labels read from the same decoded tiles (one fetch per tile: the decoded tile is shared). Labels: street names along
// their line, region names (town, community, grid cell) and landmarks at their points; placed greedily by priority with
// no two overlapping, each kept inside its own tile (so tiles never collide with each other either). Synthetic names are
// grey italics. Each label tile lists what it drew in data-labels (for tests and for screen readers' sake, as text).
// Larger under html.contrast-high (large-text mode). Defines nothing on window.

const FONT = 'system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
const TILE = 256;
const PAD = 3; // px kept free around every label

// smaller number = placed first
const PRIORITY = { subdistrict: 1, community: 2, landmark: 3, primary: 4, street: 5, grid_cell: 6 };
const SIZE = { subdistrict: 15, community: 13, landmark: 12, primary: 12.5, street: 11.5, grid_cell: 11 };
const LARGE = 1.35;

const TEXT = {
    zh: { synthetic: '灰色斜体名称为合成数据' },
    en: { synthetic: 'Names in grey italics are synthetic' },
};

/** The basemap's look: one definition for every page. */
export function basemapStyle(filled) {
    return {
        district: { color: '#5b4a3a', weight: 2.5, fill: true, fillColor: '#f7f3ea', fillOpacity: filled ? 1 : 0 },
        // the walking network from street zoom (z15+): roads as pale bands, paths and footways thinner and dashed
        streets: (p) => (['footway', 'path', 'pedestrian', 'steps', 'cycleway'].includes(p.highway)
            ? { color: '#c8b99f', weight: 1.5, dashArray: '3 3', fill: false }
            : { color: '#ddd2bf', weight: p.highway === 'primary' ? 6 : 4, lineCap: 'round', fill: false }),
        subdistricts: { color: '#8a7a66', weight: 1.5, fill: false },
        communities: (p) => ({ color: '#b3a58f', weight: 1, dashArray: p.synthetic ? '4 3' : null, fill: false }),
        grid_cells: { color: '#c9bfae', weight: 0.6, dashArray: '2 3', fill: false },
        labels: () => [],
        landmarks: () => [],
    };
}

/** Loads Leaflet.VectorGrid when the page has not (the public pages load only Leaflet). */
export function ensureVectorGrid(L) {
    if (L.vectorGrid) return Promise.resolve();
    return new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = new URL('lib/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js', import.meta.url).href;
        s.onload = () => resolve();
        s.onerror = () => reject(new Error('Leaflet.VectorGrid did not load'));
        document.head.appendChild(s);
    });
}

/**
 * Adds the basemap (outlines, streets) and its labels to a map. options: url (tile template, default /tiles/basemap),
 * filled (the district's beige fill, false over an online basemap), lang ('zh'|'en', default from <html lang>),
 * onLoad (called when the outline tiles have loaded). Returns { outlines, labels }.
 */
export function addBasemap(L, map, options = {}) {
    injectStyle();
    // (the template's braces appended after URL(): it would percent-encode them)
    const url = options.url ?? new URL('tiles/basemap/', import.meta.url).href + '{z}/{x}/{y}.pbf';
    const outlines = L.vectorGrid.protobuf(url, {
        rendererFactory: L.canvas.tile, interactive: false, maxNativeZoom: 19,
        vectorTileLayerStyles: basemapStyle(options.filled !== false),
    });
    // one fetch and decode per tile for both layers (the label layer asks for the same tiles a moment later)
    const decoded = new Map();
    const fetchTile = outlines._getVectorTilePromise.bind(outlines);
    const tileOf = (coords) => {
        const key = `${coords.z}/${coords.x}/${coords.y}`;
        let p = decoded.get(key);
        if (!p) {
            p = fetchTile(coords);
            decoded.set(key, p);
            if (decoded.size > 200) decoded.delete(decoded.keys().next().value);
            p.catch(() => decoded.delete(key));
        }
        return p;
    };
    outlines._getVectorTilePromise = tileOf;
    outlines.addTo(map);
    if (options.onLoad) outlines.on('load', options.onLoad);

    if (!map.getPane('geoLabels')) {
        const pane = map.createPane('geoLabels');
        pane.style.zIndex = 350; // over the basemap tiles, under overlays (shapes, routes) and markers
        pane.style.pointerEvents = 'none';
    }
    const lang = options.lang ?? ((document.documentElement.lang || 'zh').toLowerCase().startsWith('en') ? 'en' : 'zh');
    const LabelLayer = L.GridLayer.extend({
        createTile(coords, done) {
            const tile = document.createElement('div');
            tile.className = 'geo-label-tile';
            tileOf(coords)
                .then((vt) => { drawLabels(tile, vt, TEXT[lang]); done(null, tile); })
                .catch((e) => done(e, tile));
            return tile;
        },
    });
    const labels = new LabelLayer({ pane: 'geoLabels', maxNativeZoom: 19, maxZoom: 19, updateWhenZooming: false, attribution: TEXT[lang].synthetic });
    labels.addTo(map);
    // large-text mode changes the sizes and so what fits: place again
    const observer = new MutationObserver(() => labels.redraw());
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
    map.on('unload', () => observer.disconnect());
    return { outlines, labels };
}

let styled = false;
function injectStyle() {
    if (styled) return;
    styled = true;
    const css = document.createElement('style');
    css.id = 'geo-label-style';
    css.textContent = `
.geo-label-tile { pointer-events: none; }
.geo-label { position: absolute; white-space: nowrap; line-height: 1.15; text-align: center; overflow: visible; color: #4a3c2e; font-family: ${FONT};
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; transform-origin: 50% 50%; }
.geo-label-subdistrict { font-weight: 700; color: #3d3024; letter-spacing: 0.1em; }
.geo-label-community { font-weight: 600; }
.geo-label-landmark { color: #1f5f8b; }
.geo-label-landmark::before { content: '● '; font-size: 0.8em; }
.geo-label-street, .geo-label-primary { color: #6b5a44; }
.geo-label-grid_cell { color: #6f604d; }
.geo-label.synthetic { font-style: italic; color: #5e5e5e; }
html.contrast-high .geo-label { color: #000; font-weight: 700; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 4px #fff, 0 0 5px #fff; }
html.contrast-high .geo-label.synthetic { color: #333; }
`;
    document.head.appendChild(css);
}

let measureCtx = null;
function textWidth(text, px, bold) {
    measureCtx ??= document.createElement('canvas').getContext('2d');
    measureCtx.font = `${bold ? 'bold ' : ''}${px}px ${FONT}`;
    return measureCtx.measureText(text).width;
}

/** Places the tile's names: candidates by priority (then longer streets first), each kept if its box (the axis-aligned
 *  box of the rotated text, plus padding) lies inside the tile and clear of every label placed before. */
export function drawLabels(tile, vt, text) {
    const large = document.documentElement.classList.contains('contrast-high') ? LARGE : 1;
    const cands = [];
    const layer = (name) => vt.layers[name];
    const add = (type, name, x, y, angle, synthetic, extra) => {
        const size = SIZE[type] * large;
        const bold = type === 'subdistrict' || type === 'community' || large > 1;
        const w = textWidth(type === 'landmark' ? '● ' + name : name, size, bold) * (type === 'subdistrict' ? 1.15 : 1);
        cands.push({ type, name, x, y, angle, synthetic, size, w, h: size * 1.15, ...extra });
    };
    for (const name of ['labels', 'landmarks']) {
        const l = layer(name);
        if (!l) continue;
        const k = TILE / l.extent;
        for (const f of l.features) {
            const p = f.geometry?.[0]?.[0];
            const n = f.properties.name;
            if (!p || !n) continue;
            const type = name === 'landmarks' ? 'landmark' : f.properties.level;
            if (!(type in PRIORITY)) continue;
            add(type, String(n), p.x * k, p.y * k, 0, !!f.properties.synthetic, { kind: f.properties.kind });
        }
    }
    const streets = layer('streets');
    if (streets) {
        for (const c of streetCandidates(streets)) add(c.type, c.name, 0, 0, 0, c.synthetic, { chain: c.chain, length: c.length });
    }
    cands.sort((a, b) => PRIORITY[a.type] - PRIORITY[b.type] || (b.length ?? 0) - (a.length ?? 0));

    const placed = [];
    for (const c of cands) {
        if (c.chain) {
            if (c.w + 8 > c.length) continue; // the name does not fit along its street here
            // try the middle of the street first, then its quarters
            let ok = null;
            for (const at of [0.5, 0.3, 0.7, 0.15, 0.85]) {
                const pos = along(c.chain, c.length, at, c.w);
                if (!pos) continue;
                const box = boxOf(pos.x, pos.y, c.w, c.h, pos.angle);
                if (fits(box, placed)) { ok = { ...pos, box }; break; }
            }
            if (!ok) continue;
            Object.assign(c, { x: ok.x, y: ok.y, angle: ok.angle, box: ok.box });
        } else {
            // a name whose point lies near the tile's edge moves inward (it still covers its point) rather than vanish
            const hw = c.w / 2 + PAD, hh = c.h / 2 + PAD;
            c.x = Math.max(hw, Math.min(TILE - hw, c.x));
            c.y = Math.max(hh, Math.min(TILE - hh, c.y));
            c.box = boxOf(c.x, c.y, c.w, c.h, 0);
            if (!fits(c.box, placed)) continue;
        }
        placed.push(c);
    }

    const names = [];
    for (const c of placed) {
        const el = document.createElement('span');
        el.className = `geo-label geo-label-${c.type}${c.synthetic ? ' synthetic' : ''}`;
        el.textContent = c.name;
        el.dataset.name = c.name;
        if (c.synthetic) el.dataset.synthetic = text.synthetic;
        el.style.fontSize = `${c.size.toFixed(1)}px`;
        el.style.left = `${(c.x - c.w / 2).toFixed(1)}px`;
        el.style.top = `${(c.y - c.h / 2).toFixed(1)}px`;
        el.style.width = `${Math.ceil(c.w)}px`;
        el.style.height = `${c.h.toFixed(1)}px`;
        if (c.angle) el.style.transform = `rotate(${c.angle.toFixed(1)}deg)`;
        tile.appendChild(el);
        names.push(c.name);
    }
    tile.dataset.labels = names.join('|');
    if (placed.some(c => c.synthetic)) tile.title = text.synthetic;
}

/** Street pieces of one name joined end to end into chains (edges meet at shared, identically quantised nodes); per
 *  name the longest chain in the tile is the candidate. Unnamed streets have no label. */
function streetCandidates(l) {
    const k = TILE / l.extent;
    const byName = new Map();
    for (const f of l.features) {
        const name = f.properties.name;
        if (!name) continue;
        let g = byName.get(name);
        if (!g) byName.set(name, g = { parts: [], synthetic: !!f.properties.synthetic, primary: false });
        if (f.properties.highway === 'primary') g.primary = true;
        for (const part of f.geometry) {
            if (part.length >= 2) g.parts.push(part.map(p => ({ x: p.x * k, y: p.y * k })));
        }
    }
    const out = [];
    for (const [name, g] of byName) {
        let best = null;
        for (const chain of chains(g.parts)) {
            const length = lengthOf(chain);
            if (!best || length > best.length) best = { chain, length };
        }
        if (best) out.push({ type: g.primary ? 'primary' : 'street', name: String(name), synthetic: g.synthetic, ...best });
    }
    return out;
}

function chains(parts) {
    const key = (p) => `${Math.round(p.x * 2)},${Math.round(p.y * 2)}`;
    const left = parts.slice();
    const out = [];
    while (left.length) {
        let chain = left.pop();
        let grown = true;
        while (grown) {
            grown = false;
            for (let i = 0; i < left.length; i++) {
                const p = left[i];
                const [cs, ce, ps, pe] = [key(chain[0]), key(chain[chain.length - 1]), key(p[0]), key(p[p.length - 1])];
                if (ce === ps) chain = chain.concat(p.slice(1));
                else if (ce === pe) chain = chain.concat(p.slice().reverse().slice(1));
                else if (cs === pe) chain = p.concat(chain.slice(1));
                else if (cs === ps) chain = p.slice().reverse().concat(chain.slice(1));
                else continue;
                left.splice(i, 1);
                grown = true;
                break;
            }
        }
        out.push(chain);
    }
    return out;
}

function lengthOf(line) {
    let d = 0;
    for (let i = 1; i < line.length; i++) d += Math.hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    return d;
}

function pointAt(line, d) {
    for (let i = 1; i < line.length; i++) {
        const s = Math.hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        if (d <= s || i === line.length - 1) {
            const t = s > 0 ? Math.max(0, Math.min(1, d / s)) : 0;
            return { x: line[i - 1].x + t * (line[i].x - line[i - 1].x), y: line[i - 1].y + t * (line[i].y - line[i - 1].y) };
        }
        d -= s;
    }
    return line[line.length - 1];
}

/** Centre and angle of a name of width w centred at share `at` of the line: the angle runs from where the text starts to
 *  where it ends (a bend in between is averaged), turned so the text never reads upside down. */
function along(line, length, at, w) {
    const mid = Math.max(w / 2, Math.min(length - w / 2, at * length));
    const a = pointAt(line, mid - w / 2), b = pointAt(line, mid + w / 2), c = pointAt(line, mid);
    let angle = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
    if (angle > 90) angle -= 180;
    if (angle <= -90) angle += 180;
    return { x: c.x, y: c.y, angle };
}

function boxOf(x, y, w, h, angle) {
    const r = angle * Math.PI / 180;
    const bw = Math.abs(w * Math.cos(r)) + Math.abs(h * Math.sin(r));
    const bh = Math.abs(w * Math.sin(r)) + Math.abs(h * Math.cos(r));
    return { x0: x - bw / 2 - PAD, y0: y - bh / 2 - PAD, x1: x + bw / 2 + PAD, y1: y + bh / 2 + PAD };
}

function fits(b, placed) {
    if (b.x0 < 0 || b.y0 < 0 || b.x1 > TILE || b.y1 > TILE) return false;
    for (const p of placed) {
        if (b.x0 < p.box.x1 && p.box.x0 < b.x1 && b.y0 < p.box.y1 && p.box.y0 < b.y1) return false;
    }
    return true;
}
