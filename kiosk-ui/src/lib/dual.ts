/**
 * The appliance's two screens in one window (/kiosk/dual): with a customer display on the Pi's
 * second output, cage spans Chromium's one window over both outputs (side by side, top-aligned)
 * and pos-kiosk-session opens `/kiosk/dual?till=800x480&display=1024x600&order=till,display&url=/pos?kiosk=1`.
 * The page puts the till (`url`, same origin only) where the till's output is and the customer
 * display where the other output is. Which till the display shows is what the till itself says
 * it is on: the framed /pos page posts `{type: "pos.terminal", terminal_id}` to its parent
 * (same origin only) after every snapshot, so a pinned, stored or configured terminal id (and
 * `?watch=`) is followed without the page guessing it.
 */
import { isValidTerminalId } from './terminal.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DualLayout {
  till: Box;
  display: Box;
}

/** The message the framed till sends its parent. */
export const TERMINAL_MESSAGE = 'pos.terminal';
/** What the till shows when the session gave no (usable) `url`. */
export const DEFAULT_TILL_PATH = '/pos?kiosk=1';

function size(value: string | null): { width: number; height: number } | null {
  const m = /^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$/.exec(value ?? '');
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/**
 * Where the till and the display go: wlroots' layout of the two outputs, left to right in
 * `order` (`till,display`, the default, or `display,till`), both at the top. Null when a size
 * is missing or malformed (the page then shows the till alone).
 */
export function dualLayout(params: URLSearchParams): DualLayout | null {
  const till = size(params.get('till'));
  const display = size(params.get('display'));
  if (!till || !display) return null;
  const displayFirst = params.get('order') === 'display,till';
  return displayFirst
    ? { display: { x: 0, y: 0, ...display }, till: { x: display.width, y: 0, ...till } }
    : { till: { x: 0, y: 0, ...till }, display: { x: till.width, y: 0, ...display } };
}

/**
 * The till's page from `url`: a path on this origin (what the session passes: /pos?kiosk=1, or
 * the first-boot token page), never another site; anything else gives /pos?kiosk=1.
 */
export function tillUrl(url: string | null, origin: string): string {
  if (url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) {
    try {
      const u = new URL(url, origin);
      if (u.origin === origin) return u.pathname + u.search + u.hash;
    } catch {
      /* not a URL: the default below */
    }
  }
  return DEFAULT_TILL_PATH;
}

/**
 * The terminal id a message from the till names, or null. Only a message from the till's own
 * frame on this origin counts.
 */
export function terminalFromMessage(
  event: { origin: string; source: unknown; data: unknown },
  origin: string,
  till: unknown,
): string | null {
  if (event.origin !== origin || event.source !== till || till == null) return null;
  const data = event.data as { type?: unknown; terminal_id?: unknown } | null;
  if (!data || typeof data !== 'object' || data.type !== TERMINAL_MESSAGE) return null;
  const id = data.terminal_id;
  return typeof id === 'string' && isValidTerminalId(id) ? id : null;
}

/** The till, when framed by a page of its own origin, tells it which terminal it is on. */
export function announceTerminal(win: Window, terminalId: string): void {
  if (win.parent === win) return;
  win.parent.postMessage({ type: TERMINAL_MESSAGE, terminal_id: terminalId }, win.location.origin);
}
