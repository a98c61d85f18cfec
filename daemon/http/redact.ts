/**
 * Request paths as they may be written to the log. Some paths carry a secret:
 *   /api/v1/payments/<provider>/callback/<sale id>/<token>  (SumUp callbacks: our HMAC token)
 *   /r/<token>                                              (public receipt pages)
 * Whoever holds such a token can settle a payment or read a receipt, so the log shows "…"
 * in its place. Matched case-insensitively, like the router, and whether or not a route
 * answered (a 404 for a mistyped path still carries the token), doubled slashes included.
 */
const CALLBACK = String.raw`\/+api\/+v1\/+payments\/+[^/]*\/+callback\/+`;
const SECRET_PATHS: RegExp[] = [
  new RegExp(String.raw`^(${CALLBACK}[^/]*\/+).+$`, 'i'),
  new RegExp(String.raw`^(${CALLBACK})[^/]+$`, 'i'),
  /^(\/+r\/+).+$/i,
];

export function redactPath(path: string): string {
  for (const re of SECRET_PATHS) if (re.test(path)) return path.replace(re, '$1…');
  return path;
}
