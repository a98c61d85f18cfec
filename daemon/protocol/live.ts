/** Wire types (daemon/protocol.ts): scanners, WebSocket messages, the in-process bus, health. */
import type { Cart, ProviderInfo, Sale } from './sales.js';
import type { DisplayState } from './display.js';

// -------------------------------------------------------------------------------- scanners
export interface ScannerInfo {
  id: string;
  name: string;
  kind: 'hid_pos' | 'keyboard' | 'network';
  layout: 'us' | 'de' | 'fr' | 'uk' | 'ch';
  enabled: boolean;
  connected: boolean;
  terminal_id: string | null;
  vendor_id?: number;
  product_id?: number;
  last_seen_at: string | null;
  /**
   * Attached keyboard-class devices: whether their VID:PID is on scanners.list, which makes
   * udev hide them from the kiosk (a keyboard-mode scanner not on it still types there).
   */
  on_list?: boolean;
  /** Unread keyboards: it typed a burst like a scanner (timing only); offer to adopt it. */
  looks_like_scanner?: boolean;
}

export interface PairingSecret {
  secret: string;
  barcode_format: string;
  barcode_svg: string;
  expires_at: string;
}

// ------------------------------------------------------------------------------ WebSocket
/** Server → browser messages. */
export type ServerMessage =
  | {
      type: 'snapshot';
      terminal_id: string | null;
      cart: Cart | null;
      providers: ProviderInfo[];
      scanners: ScannerInfo[];
      pending_sale: Sale | null;
      server_time: string;
      timezone: string;
      currency: string;
      /** DEFAULT_TERMINAL_ID: the kiosk screen's till (loopback browsers use it). */
      default_terminal_id: string;
      /** The till's name as people read it ("Kasse 1"); null without a terminal. */
      terminal_name?: string | null;
      /** The shop's language: a till that has not chosen one shows this. */
      language?: 'de' | 'en';
    }
  | { type: 'cart.updated'; cart: Cart }
  | {
      type: 'scan.unknown_barcode';
      terminal_id: string;
      barcode: string;
      scanner_id: string | null;
    }
  | {
      type: 'scan.refused';
      terminal_id: string;
      /** Stable, what the UI translates; `params` fills its sentence; `reason` is English. */
      code: string;
      params?: Record<string, unknown>;
      reason: string;
      scanner_id: string | null;
    }
  | { type: 'payment.updated'; sale: Sale }
  | { type: 'scanner.paired'; scanner_id: string; terminal_id: string }
  | { type: 'scanner.unpaired'; scanner_id: string; terminal_id: string }
  | {
      type: 'scanner.pairing_refused';
      terminal_id: string;
      scanner_id: string;
      code: string;
      reason: string;
    }
  | { type: 'scanners.changed'; scanners: ScannerInfo[] }
  | { type: 'products.changed'; product_ids: string[] }
  | { type: 'settings.changed'; keys: string[] }
  | { type: 'providers.changed'; providers: ProviderInfo[] }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong'; t: number }
  /**
   * The only message a customer display socket (/ws?display=T) gets besides pong and error:
   * first on connect, then on every change of what the customer sees.
   */
  | { type: 'display'; display: DisplayState };

/** Browser → server messages. */
export type ClientMessage =
  | { type: 'ping'; t: number }
  | { type: 'watch'; terminal_id: string }
  /** The kiosk drew its first screen with data (counts only from this machine's kiosk). */
  | { type: 'client.painted' };

// ------------------------------------------------------------------------- in-process bus
/** Events on the daemon's in-process bus (daemon/events.ts). */
export interface DomainEvents {
  'products.changed': { product_ids: string[] };
  'cart.updated': { cart: Cart };
  'scan.unknown_barcode': { terminal_id: string; barcode: string; scanner_id: string | null };
  'scan.refused': {
    terminal_id: string;
    code: string;
    params?: Record<string, unknown>;
    reason: string;
    scanner_id: string | null;
  };
  'payment.updated': { sale: Sale };
  /** What a till's customer display shows changed (daemon/display). */
  'display.updated': { display: DisplayState };
  'scanner.paired': {
    scanner_id: string;
    terminal_id: string;
    previous_terminal_id: string | null;
  };
  'scanner.pairing_refused': {
    terminal_id: string;
    scanner_id: string;
    code: string;
    reason: string;
  };
  'scanners.changed': { scanners: ScannerInfo[] };
  'settings.changed': { keys: string[] };
  'providers.changed': { providers: ProviderInfo[] };
  /** A barcode read by any scanner (HID or network), before routing. */
  'scan.received': {
    scanner_id: string;
    barcode: string;
    /** AIM symbology identifier (`]E0`, `]C1`, `]Q1`, ...) the scanner sent, if any. */
    symbology?: string | null;
    at: number;
  };
}

// ------------------------------------------------------------------------------- health
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  app_env: string;
  uptime_s: number;
  storage: Record<
    string,
    { state: 'ok' | 'corrupt' | 'unreadable' | 'write_failed'; message?: string }
  >;
  scanners: { attached: number; hid_available: boolean; message?: string };
  [key: string]: unknown;
}
