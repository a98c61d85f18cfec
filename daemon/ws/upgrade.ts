/**
 * Who may open a WebSocket, decided from the upgrade request before a socket exists: the path,
 * the Host allow-list, the Origin (a cross-site page must not open sockets with the user's
 * cookies, RFC 6455 §10.2), the query (`terminal_id`, `role=admin` or `display`, each at most
 * once, never combined) and the guard of each kind (the POS whitelist, the admin session).
 * Pure: the guards are handed in. The hub writes a refusal with refusalResponse().
 */

/** A till id as the query and `watch` carry it. */
export const TERMINAL_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface UpgradeRefusal {
  status: number;
  code: string;
  message: string;
}

/** What kind of peer the request asks to be. */
export interface UpgradeAsk {
  terminalId: string | null;
  admin: boolean;
  display: boolean;
}

export interface UpgradeChecks {
  hostAllowed(host: string | undefined): boolean;
  /** The POS guard (IP whitelist) for POS and display sockets. */
  posGuard(): { status: number; message: string } | null;
  isAdminSession(cookieHeader: string | undefined): boolean;
}

export interface UpgradeRequest {
  url?: string;
  headers: { host?: string; origin?: string; cookie?: string };
}

const refuse = (status: number, code: string, message: string): UpgradeRefusal => ({
  status,
  code,
  message,
});

export function checkUpgrade(
  req: UpgradeRequest,
  checks: UpgradeChecks,
): UpgradeAsk | UpgradeRefusal {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/ws') return refuse(404, 'not_found', 'No WebSocket here');
  if (!checks.hostAllowed(req.headers.host))
    return refuse(421, 'host_not_allowed', 'This daemon is not reached by that name');
  const origin = req.headers.origin;
  if (origin) {
    let host = '';
    try {
      host = new URL(origin).host;
    } catch {
      /* unparsable origin: refused below */
    }
    if (host !== req.headers.host)
      return refuse(403, 'forbidden', 'Cross-origin WebSocket refused');
  }
  // A repeated parameter is refused, as queryParam() does for HTTP: never guess which counts.
  for (const name of ['role', 'terminal_id', 'display']) {
    if (url.searchParams.getAll(name).length > 1)
      return refuse(400, 'invalid_query', `Query parameter "${name}" given more than once`);
  }
  const role = url.searchParams.get('role');
  const terminalId = url.searchParams.get('terminal_id');
  const displayOf = url.searchParams.get('display');
  if (displayOf !== null) {
    if (role !== null || terminalId !== null)
      return refuse(400, 'invalid_query', 'display cannot be combined with role or terminal_id');
    if (!TERMINAL_RE.test(displayOf))
      return refuse(
        400,
        'invalid_query',
        'display must be a terminal id of 1-64 letters, digits, "_" and "-"',
      );
    const refusal = checks.posGuard();
    if (refusal) return refuse(refusal.status, 'forbidden', refusal.message);
    return { terminalId: displayOf, admin: false, display: true };
  }
  if (role === 'admin') {
    if (!checks.isAdminSession(req.headers.cookie))
      return refuse(401, 'unauthorized', 'Admin login required');
    return { terminalId, admin: true, display: false };
  }
  if (role !== null) return refuse(400, 'invalid_query', 'role must be "admin" or absent');
  if (!terminalId || !TERMINAL_RE.test(terminalId))
    return refuse(
      400,
      'invalid_query',
      'terminal_id must be 1-64 characters of letters, digits, "_" and "-"',
    );
  const refusal = checks.posGuard();
  if (refusal) return refuse(refusal.status, 'forbidden', refusal.message);
  return { terminalId, admin: false, display: false };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
};

/** The HTTP answer written on the raw socket for a refused upgrade (JSON error body). */
export function refusalResponse(r: UpgradeRefusal): string {
  const body = JSON.stringify({ error: { code: r.code, message: r.message } });
  return `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
