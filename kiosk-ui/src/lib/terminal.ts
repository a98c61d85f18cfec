/**
 * Which terminal (till) this browser is. Order:
 *  1. `?terminal=<id>` in the URL (stored, so a bookmark or the kiosk unit can pin it);
 *  2. the id stored in localStorage from an earlier visit;
 *  3. on the Pi itself (a loopback address) the kiosk's terminal, DEFAULT_TERMINAL_ID
 *     (`kiosk` unless configured; a kiosk with another id opens `/pos?terminal=<id>`);
 *  4. any other browser gets a fresh id of its own (a second till).
 * "Watching" another terminal (e.g. the kiosk from a laptop) is a session choice, kept in the
 * URL only, so it never silently replaces this browser's own till.
 */
export const TERMINAL_KEY = 'pos.terminal_id';
/** The daemon's default DEFAULT_TERMINAL_ID: the kiosk screen's till. */
export const KIOSK_TERMINAL_ID = 'kiosk';
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface TerminalChoice {
  /** The terminal this page shows. */
  id: string;
  /** The browser's own terminal id (what it returns to after watching another). */
  own: string;
  watching: boolean;
  /**
   * `own` is the loopback fallback (nothing pinned or stored): the daemon's
   * default_terminal_id from the snapshot replaces it (see withDefaultTerminal).
   */
  defaulted?: boolean;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function isValidTerminalId(id: string): boolean {
  return ID_RE.test(id);
}

export function generateTerminalId(random: () => string = () => crypto.randomUUID()): string {
  return `till-${random().replace(/-/g, '').slice(0, 8)}`;
}

export function chooseTerminal(
  search: string,
  hostname: string,
  storage: KeyValueStore,
  random?: () => string,
  kioskId: string = KIOSK_TERMINAL_ID,
): TerminalChoice {
  const params = new URLSearchParams(search);
  const pinned = params.get('terminal');
  const watch = params.get('watch');
  let own = storage.getItem(TERMINAL_KEY);
  if (own && !isValidTerminalId(own)) own = null;
  if (pinned && isValidTerminalId(pinned)) {
    storage.setItem(TERMINAL_KEY, pinned);
    own = pinned;
  }
  let defaulted = false;
  if (!own) {
    if (isLoopbackHost(hostname)) {
      own = kioskId;
      defaulted = true;
    } else {
      own = generateTerminalId(random);
      storage.setItem(TERMINAL_KEY, own);
    }
  }
  if (watch && isValidTerminalId(watch) && watch !== own) {
    return { id: watch, own, watching: true, ...(defaulted ? { defaulted } : {}) };
  }
  return { id: own, own, watching: false, ...(defaulted ? { defaulted } : {}) };
}

/** The page's URL for watching another till (`watch`), or for this browser's own (null). */
export function watchUrl(href: string, watch: string | null): string {
  const url = new URL(href);
  url.searchParams.delete('terminal');
  if (watch) url.searchParams.set('watch', watch);
  else url.searchParams.delete('watch');
  return url.toString();
}

/**
 * The choice once the daemon said which till the kiosk is (snapshot `default_terminal_id`):
 * a loopback browser that fell back to the built-in id switches to it; a pinned or stored id
 * (`?terminal=`) stays. Returns null when nothing changes.
 */
export function withDefaultTerminal(
  choice: TerminalChoice,
  defaultId: string | undefined,
): TerminalChoice | null {
  if (!choice.defaulted || !defaultId || !isValidTerminalId(defaultId)) return null;
  if (choice.own === defaultId) return null;
  const watching = choice.watching && choice.id !== defaultId;
  return { id: watching ? choice.id : defaultId, own: defaultId, watching, defaulted: true };
}
