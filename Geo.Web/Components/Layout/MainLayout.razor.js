// Large-text, high-contrast mode: a class on <html> that app.css keys off. App.razor's inline script
// applies it before the first paint; this module reads and changes it for the header's switch.
const key = 'geo-contrast';

export function isHighContrast() {
    return document.documentElement.classList.contains('contrast-high');
}

// Called once the circuit has rendered interactively: until then the prerendered buttons are inert, so the page
// says when clicks start to count (data-circuit="live" on <html>; tests and kiosk scripts wait for it).
export function ready() {
    document.documentElement.dataset.circuit = 'live';
    followMapBoxes();
    return isHighContrast();
}

// Leaflet measures its container on window resizes only; the map's box also changes when the synthetic-data strip is
// dismissed or the header's look changes. One observer turns any change of a map's box into the resize Leaflet follows.
let observer = null;
function followMapBoxes() {
    if (observer || typeof ResizeObserver === 'undefined') return;
    let first = true;
    observer = new ResizeObserver(() => {
        if (first) { first = false; return; } // the observation starts with one report of the current size
        window.dispatchEvent(new Event('resize'));
    });
    document.querySelectorAll('.map-box').forEach(e => observer.observe(e));
}

export function setHighContrast(high) {
    document.documentElement.classList.toggle('contrast-high', high);
    try {
        localStorage.setItem(key, high ? 'high' : 'normal');
        sessionStorage.removeItem(key); // the switch overrides a kiosk URL's choice for this tab too
    } catch { /* storage refused: the choice holds until the page is left */ }
    // Leaflet measures its container: the larger header changes the map's size
    window.dispatchEvent(new Event('resize'));
}
