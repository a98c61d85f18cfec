/**
 * Who may show a page in a frame. Every answer refuses framing (`X-Frame-Options: DENY`), except:
 *  - the pages the kiosk's /kiosk/dual page frames (the till and the customer display on the
 *    Pi's two outputs, docs/APPLIANCE.md): /pos, /display/<till>, the first-boot token page the
 *    till starts on, and /admin, which the till opens itself (an unknown barcode's "create
 *    product", the token page's admin link). These may be framed by pages of this origin only
 *    (`SAMEORIGIN`, and `frame-ancestors 'self'` for browsers that go by the CSP);
 *  - receipt pages (/r/<token>), which set their own policy.
 * /kiosk/dual itself is never framed.
 */
const SAME_ORIGIN_PAGES = [
  /^\/(pos|admin)\/?$/,
  /^\/display\/[A-Za-z0-9_-]{1,64}$/,
  /^\/api\/internal\/first-boot-token\/page$/,
];

export type Framing = 'deny' | 'same-origin' | 'own';

export function framingOf(path: string): Framing {
  if (path.startsWith('/r/')) return 'own';
  return SAME_ORIGIN_PAGES.some((re) => re.test(path)) ? 'same-origin' : 'deny';
}

/** The headers for `framingOf(path)` (none for pages that set their own). */
export function framingHeaders(path: string): Record<string, string> {
  switch (framingOf(path)) {
    case 'deny':
      return { 'X-Frame-Options': 'DENY' };
    case 'same-origin':
      return {
        'X-Frame-Options': 'SAMEORIGIN',
        'Content-Security-Policy': "frame-ancestors 'self'",
      };
    case 'own':
      return {};
  }
}
