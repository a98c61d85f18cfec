/**
 * The scanner list the admin page and the WebSocket snapshot show, built from what the module
 * knows at this moment: attached HID scanners, network scanners seen, and scanners remembered
 * in settings or pairings.json; attached keyboards that are not read are listed apart. Pure:
 * the module hands in its sources, nothing here reads a device or a file.
 */
import type { ScannerInfo } from '../protocol.js';
import { vidPid, type HidDeviceInfo, type HidKind } from './device.js';
import type { DeviceSettings, ResolvedPrefs } from './settings.js';

/** A network scanner counts as connected this long after its last scan. */
export const NETWORK_CONNECTED_MS = 10 * 60_000;

export interface ListingSources {
  now: number;
  /** HID scanners attached and read. */
  attached: ReadonlyArray<{ id: string; kind: HidKind; info: HidDeviceInfo }>;
  /** Keyboard-class devices attached but not read. */
  keyboards: ReadonlyArray<{ id: string; info: HidDeviceInfo; looksLikeScanner: boolean }>;
  /** Network scanner id → last scan (ms). */
  networkSeen: ReadonlyMap<string, number>;
  /** Any scanner id → last scan (ms). */
  lastSeen: ReadonlyMap<string, number>;
  /** Settings per scanner as stored, and as resolved with the defaults. */
  devices: Record<string, DeviceSettings>;
  prefs: (id: string) => ResolvedPrefs;
  /** Scanners in pairings.json: their ids, terminal and remembered kind. */
  pairedIds: readonly string[];
  terminalOf: (id: string) => string | null;
  pairedKind: (id: string) => ScannerInfo['kind'] | null;
  /** VID:PID on the scanner list (scanners.list)? */
  onList: (vendorId: number, productId: number) => boolean;
}

/** Every scanner: attached HID scanners, network scanners seen, and remembered ones. */
export function listScanners(s: ListingSources): ScannerInfo[] {
  const out = new Map<string, ScannerInfo>();
  for (const a of s.attached) out.set(a.id, info(s, a.id, a.kind, true, a.info));
  for (const [id, at] of s.networkSeen) {
    if (!out.has(id)) out.set(id, info(s, id, 'network', s.now - at < NETWORK_CONNECTED_MS));
  }
  const remembered = new Set([...Object.keys(s.devices), ...s.pairedIds]);
  // Attached keyboards that are not read are listed under listKeyboards(), not here.
  const unread = new Set(s.keyboards.map((k) => k.id));
  for (const id of remembered) {
    if (out.has(id) || unread.has(id)) continue;
    const d = s.devices[id];
    if (d && d.is_scanner === false && d.kind === 'keyboard') continue; // a keyboard, unmarked
    out.set(id, info(s, id, d?.kind ?? s.pairedKind(id) ?? guessKind(id), false));
  }
  return [...out.values()].sort(
    (a, b) => Number(b.connected) - Number(a.connected) || a.id.localeCompare(b.id),
  );
}

/** Keyboard-class devices attached but not read; those that typed like a scanner say so. */
export function listKeyboards(s: ListingSources): ScannerInfo[] {
  return s.keyboards.map((k) => ({
    ...info(s, k.id, 'keyboard', true, k.info),
    enabled: false,
    looks_like_scanner: k.looksLikeScanner,
  }));
}

function info(
  s: ListingSources,
  id: string,
  kind: ScannerInfo['kind'],
  connected: boolean,
  hid?: HidDeviceInfo,
): ScannerInfo {
  const p = s.prefs(id);
  const seen = s.lastSeen.get(id);
  const out: ScannerInfo = {
    id,
    name:
      p.name ??
      (hid ? [hid.manufacturer, hid.product].filter(Boolean).join(' ') || vidPid(hid) : id),
    kind,
    layout: p.layout,
    enabled: p.enabled,
    connected,
    terminal_id: s.terminalOf(id),
    last_seen_at: seen !== undefined ? new Date(seen).toISOString() : null,
  };
  if (hid) {
    out.vendor_id = hid.vendorId;
    out.product_id = hid.productId;
    // A keyboard-mode scanner types into the kiosk unless udev hides it (scanners.list).
    if (kind === 'keyboard') out.on_list = s.onList(hid.vendorId, hid.productId);
  }
  return out;
}

/** The kind of a remembered scanner nothing recorded: HID ids start with VID:PID. */
export function guessKind(id: string): ScannerInfo['kind'] {
  return /^[0-9a-f]{4}:[0-9a-f]{4}[:@]/.test(id) ? 'hid_pos' : 'network';
}
