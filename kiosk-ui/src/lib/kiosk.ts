/**
 * The appliance's own screen: pos-kiosk-session opens `/pos?kiosk=1` (docs/APPLIANCE.md, "The
 * screen"). There the page shows no pointer arrow (a touch screen has no use for one, and
 * Chromium would draw it wherever the last tap was) and cannot be zoomed: Ctrl+wheel (what a
 * touchpad pinch arrives as) and Ctrl+plus/minus/0 are swallowed. `?kiosk=0` switches it off
 * again; the choice is kept in localStorage (the kiosk's profile lives in RAM).
 */
export const KIOSK_KEY = 'pos.kiosk';

export function kioskMode(search: string, store: Pick<Storage, 'getItem' | 'setItem'>): boolean {
  const param = new URLSearchParams(search).get('kiosk');
  if (param === '1' || param === '0') {
    try {
      store.setItem(KIOSK_KEY, param);
    } catch {
      /* storage full or disabled: the URL still decides for this page */
    }
    return param === '1';
  }
  try {
    return store.getItem(KIOSK_KEY) === '1';
  } catch {
    return false;
  }
}

const ZOOM_KEYS = new Set(['+', '-', '=', '0', 'Add', 'Subtract']);

/** Applies kiosk mode to this document: no cursor, no zoom. */
export function applyKioskMode(doc: Document): void {
  doc.documentElement.classList.add('pos-kiosk');
  // Custom properties reach into every component's shadow root (see controls in styles.ts).
  doc.documentElement.style.setProperty('--pos-cursor', 'none');
  const style = doc.createElement('style');
  style.textContent = 'html.pos-kiosk, html.pos-kiosk * { cursor: none !important; }';
  doc.head.append(style);
  const win = doc.defaultView;
  if (!win) return;
  win.addEventListener('wheel', (e) => e.ctrlKey && e.preventDefault(), { passive: false });
  win.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && ZOOM_KEYS.has(e.key)) e.preventDefault();
  });
}
