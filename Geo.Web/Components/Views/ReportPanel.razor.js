// The report form's device helpers: one GPS fix as [lon, lat] (null when refused or unavailable).
export function position() {
    return new Promise(resolve => {
        if (!navigator.geolocation) { resolve(null); return; }
        navigator.geolocation.getCurrentPosition(
            p => resolve([p.coords.longitude, p.coords.latitude]),
            () => resolve(null),
            { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
}
