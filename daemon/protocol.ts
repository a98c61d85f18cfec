/**
 * The wire contract: every HTTP body and WebSocket message type, shared by the daemon and the
 * kiosk UI (kiosk-ui imports this file; it must stay free of Node imports). The types live by
 * area in ./protocol/ (catalog, sales, live, shop, security, fiscal, fleet, display, update);
 * this file is their one entry point.
 *
 * Conventions: snake_case fields, money as integer cents (`*_cents`), time as ISO 8601 UTC.
 */

// ---------------------------------------------------------------------------------- errors
export interface ApiError {
  /**
   * `code` is stable and what clients translate; `params` carries the numbers and names a
   * translated sentence needs; `message` is English for logs and developers, never for the UI.
   */
  error: { code: string; message: string; field?: string; params?: Record<string, unknown> };
}

export * from './protocol/catalog.js';
export * from './protocol/sales.js';
export * from './protocol/live.js';
export * from './protocol/shop.js';
export * from './protocol/security.js';
export * from './protocol/fiscal.js';
export * from './protocol/fleet.js';
export * from './protocol/display.js';
export * from './protocol/update.js';
