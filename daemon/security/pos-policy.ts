/**
 * Which requests are POS requests (behind the IP whitelist) — decided by path in one place,
 * so a new route is guarded by default and cannot forget it.
 *
 * Guarded: the /pos page and every /api/ path except the public ones below. Requests that
 * carry valid admin credentials pass (the admin API is never behind the whitelist, so the
 * owner can always fix a bad list); loopback always passes (the kiosk on the Pi itself).
 * Not guarded: /admin (own login), /assets (static code, no data), /r/ receipt pages.
 */
export interface PublicRoute {
  method?: string;
  path: RegExp;
  why: string;
}

export const PUBLIC_ROUTES: PublicRoute[] = [
  { method: 'GET', path: /^\/api\/v1\/health$/, why: 'monitoring; reveals no shop data' },
  {
    path: /^\/api\/v1\/admin(\/|$)/,
    why: 'admin API: its own token or session cookie; must stay reachable to fix the list',
  },
  { path: /^\/api\/internal\//, why: 'handlers there answer loopback callers only' },
  {
    path: /^\/api\/v1\/scanner\/(scan|validate-token)$/,
    why: 'network scanners authenticate with X-Scanner-Secret',
  },
  {
    path: /^\/api\/v1\/payments\/[a-z0-9_]+\/(callback|return|webhook)(\/|$)/,
    why: "payment provider callbacks come from the provider or the merchant's phone and carry their own signed token",
  },
];

export function isPublicApi(method: string, path: string): boolean {
  return PUBLIC_ROUTES.some((r) => (!r.method || r.method === method) && r.path.test(path));
}

/** True when the request must pass the IP whitelist. */
export function isPosRequest(method: string, path: string): boolean {
  if (path === '/pos' || path === '/pos/') return true;
  if (path.startsWith('/api/')) return !isPublicApi(method, path);
  return false;
}

const TERMINAL_PATH = /^\/api\/v1\/terminals\/([^/]+)(\/.*)?$/;

/** The terminal a POS API path is about, if any. */
export function terminalOfPath(path: string): string | null {
  const m = TERMINAL_PATH.exec(path);
  return m ? m[1] : null;
}

/**
 * Requests that change a till's state and therefore need a logged-in cashier when PIN login
 * is in force: writes under /api/v1/terminals/:id/ (except the cashier login itself) and
 * writes on sales (cancel, refund).
 */
export function needsCashier(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  const m = TERMINAL_PATH.exec(path);
  if (m) return !(m[2] ?? '').startsWith('/cashier');
  return /^\/api\/v1\/sales\//.test(path);
}
