/**
 * /kiosk/dual: the till and the customer display in one window spanning the Pi's two outputs
 * (see lib/dual.ts). No text of its own, no controls: a black page with two frames.
 */
import { applyKioskMode } from '../lib/kiosk.js';
import { dualLayout, terminalFromMessage, tillUrl, type Box } from '../lib/dual.js';

const params = new URLSearchParams(location.search);
const till = tillUrl(params.get('url'), location.origin);
const layout = dualLayout(params);

function frame(name: string, box: Box): HTMLIFrameElement {
  const f = document.createElement('iframe');
  f.name = name;
  f.dataset.testid = `dual-${name}`;
  Object.assign(f.style, {
    left: `${box.x}px`,
    top: `${box.y}px`,
    width: `${box.width}px`,
    height: `${box.height}px`,
  });
  document.body.append(f);
  return f;
}

if (!layout) {
  // No usable layout: the till alone, as on a one-screen kiosk.
  location.replace(till);
} else {
  applyKioskMode(document);
  const tillFrame = frame('till', layout.till);
  const displayFrame = frame('display', layout.display);
  // The customer's side takes no input: no focus, no taps, nothing a cashier could operate.
  displayFrame.tabIndex = -1;
  let shown: string | null = null;
  window.addEventListener('message', (event) => {
    const id = terminalFromMessage(event, location.origin, tillFrame.contentWindow);
    if (!id || id === shown) return;
    shown = id;
    displayFrame.src = `/display/${encodeURIComponent(id)}`;
    document.documentElement.dataset.terminal = id;
  });
  // Keys (a keyboard, a keyboard-wedge scanner libinput did not ignore) go to the till.
  tillFrame.addEventListener('load', () => tillFrame.contentWindow?.focus());
  tillFrame.src = till;
}
