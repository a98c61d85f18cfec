/** Ground floor: HTML escaping and the plain error page for browsers (no daemon imports). */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function errorPage(status: number, message: string): string {
  const title = status === 403 ? 'Access denied' : status === 404 ? 'Not found' : 'Error';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title>
<style>body{font:18px system-ui,sans-serif;margin:3rem;color:#1b1b1b}h1{font-size:2rem}</style></head>
<body><h1>${title}</h1><p>${escapeHtml(message)}</p></body></html>`;
}
