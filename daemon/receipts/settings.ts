/**
 * The receipts section of settings.json as the admin changes it (PUT /admin/settings/receipts):
 * shop name, address, tax id, footer, automatic print, language and till names, each checked;
 * the first bad field is named and nothing changes. Pure.
 */
import type { ReceiptSettings } from '../protocol.js';
import { sectionKeysProblem } from '../settings/index.js';
import { RECEIPT_DEFAULTS } from './model.js';

/** Validates a PUT of the receipts section. */
export function parseReceiptSettings(
  body: Record<string, unknown>,
  current: ReceiptSettings,
): ReceiptSettings | { field: string; message: string } {
  const next = { ...current };
  const keys = sectionKeysProblem(body, RECEIPT_DEFAULTS);
  if (keys) return keys;
  // eslint-disable-next-line no-control-regex
  const bad = (s: string) => /[\u0000-\u001f\u007f]/.test(s);
  for (const key of ['shop_name', 'tax_id', 'footer'] as const) {
    const v = body[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 200 || bad(v))
      return { field: key, message: `${key} must be text of at most 200 characters` };
    next[key] = v;
  }
  if (body.address_lines !== undefined) {
    const v = body.address_lines;
    if (
      !Array.isArray(v) ||
      v.length > 6 ||
      v.some((l) => typeof l !== 'string' || l.length > 100 || bad(l))
    )
      return { field: 'address_lines', message: 'address_lines must be at most 6 lines of text' };
    next.address_lines = v as string[];
  }
  if (body.auto_print !== undefined) {
    if (typeof body.auto_print !== 'boolean')
      return { field: 'auto_print', message: 'auto_print must be true or false' };
    next.auto_print = body.auto_print;
  }
  if (body.language !== undefined) {
    if (body.language !== 'de' && body.language !== 'en')
      return { field: 'language', message: 'language must be de or en' };
    next.language = body.language;
  }
  if (body.terminal_names !== undefined) {
    const v = body.terminal_names;
    const entries = v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : null;
    if (
      !entries ||
      entries.length > 50 ||
      entries.some(
        ([id, name]) =>
          !/^[A-Za-z0-9_-]{1,64}$/.test(id) ||
          typeof name !== 'string' ||
          name.length > 40 ||
          bad(name),
      )
    )
      return {
        field: 'terminal_names',
        message: 'terminal_names maps till ids to names of at most 40 characters',
      };
    next.terminal_names = Object.fromEntries(
      entries.map(([id, name]) => [id, (name as string).trim()]).filter(([, n]) => n),
    );
  }
  return next;
}
