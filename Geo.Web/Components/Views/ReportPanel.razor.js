// The report form's device helpers: one GPS fix, and the GPS position a chosen photo carries in its EXIF, read on the
// device before the resize (a canvas re-encode) drops the EXIF.

// One GPS fix as [lon, lat] (null when refused or unavailable).
export function position() {
    return new Promise(resolve => {
        if (!navigator.geolocation) { resolve(null); return; }
        navigator.geolocation.getCurrentPosition(
            p => resolve([p.coords.longitude, p.coords.latitude]),
            () => resolve(null),
            { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
}

// Watches the file input: on every choice, the first photo's EXIF GPS position is read (only the first 256 KiB, where
// JPEG keeps its APP1 segment) and kept on the element until photoPlace() asks. The listener runs in the same change
// event that starts Blazor's upload, so the promise exists before .NET can ask for it.
export function watchPhotos(input) {
    if (!input || input.dataset.exifWatched) return;
    input.dataset.exifWatched = '1';
    input.addEventListener('change', () => {
        const files = Array.from(input.files || []);
        input._kinds = Promise.all(files.map(async f => sniff(new Uint8Array(await f.slice(0, 12).arrayBuffer()))));
        input._photoPlace = (async () => {
            for (const f of files) {
                try {
                    const p = exifGps(new DataView(await f.slice(0, 262144).arrayBuffer()));
                    if (p) return p;
                } catch { /* not a JPEG with EXIF: no place */ }
            }
            return null;
        })();
    });
}

// The chosen files' types from their first bytes (JPEG, PNG, WebP; null for anything else), in order: a file that is not an
// image is refused before the browser is asked to resize it (a canvas cannot draw it, and would not say why).
export async function photoKinds(input) {
    return input && input._kinds ? await input._kinds : null;
}

function sniff(b) {
    if (b.length >= 3 && b[0] === 0xFF && b[1] === 0xD8 && b[2] === 0xFF) return 'image/jpeg';
    if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4E && b[3] === 0x47) return 'image/png';
    if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
    return null;
}

// [lon, lat] from the chosen photos' EXIF, or null.
export async function photoPlace(input) {
    return input && input._photoPlace ? await input._photoPlace : null;
}

// EXIF GPS of a JPEG as [lon, lat] in WGS-84 decimal degrees. A phone's camera writes what its GNSS receiver reports:
// WGS-84 (GPSMapDatum says so when present). GCJ-02 is applied by map apps for display, not by the camera, so the
// position is used as EPSG:4326 unchanged.
export function exifGps(v) {
    if (v.byteLength < 4 || v.getUint16(0) !== 0xFFD8) return null;
    let i = 2;
    while (i + 4 <= v.byteLength) {
        if (v.getUint8(i) !== 0xFF) return null;
        const marker = v.getUint8(i + 1);
        const len = v.getUint16(i + 2);
        if (marker === 0xDA || marker === 0xD9) return null;
        if (marker === 0xE1 && len >= 16 && v.getUint32(i + 4) === 0x45786966 && v.getUint16(i + 8) === 0) {
            return tiffGps(new DataView(v.buffer, v.byteOffset + i + 10, Math.min(len - 8, v.byteLength - i - 10)));
        }
        i += 2 + len;
    }
    return null;
}

function tiffGps(t) {
    const le = t.getUint16(0) === 0x4949;
    const u16 = o => t.getUint16(o, le), u32 = o => t.getUint32(o, le);
    if (u16(2) !== 42) return null;
    const entries = (ifd) => {
        const n = u16(ifd), out = new Map();
        for (let k = 0; k < n; k++) {
            const e = ifd + 2 + k * 12;
            out.set(u16(e), { type: u16(e + 2), count: u32(e + 4), at: e + 8 });
        }
        return out;
    };
    const gpsPtr = entries(u32(4)).get(0x8825);
    if (!gpsPtr) return null;
    const gps = entries(u32(gpsPtr.at));
    const ref = tag => { const e = gps.get(tag); return e ? String.fromCharCode(t.getUint8(e.at)) : null; };
    const dms = tag => {
        const e = gps.get(tag);
        if (!e || e.type !== 5 || e.count < 3) return null;
        const o = u32(e.at);
        const r = k => { const d = u32(o + k * 8 + 4); return d === 0 ? NaN : u32(o + k * 8) / d; };
        return r(0) + r(1) / 60 + r(2) / 3600;
    };
    let lat = dms(2), lon = dms(4);
    if (lat === null || lon === null || !isFinite(lat) || !isFinite(lon)) return null;
    if (ref(1) === 'S') lat = -lat;
    if (ref(3) === 'W') lon = -lon;
    return [lon, lat];
}
