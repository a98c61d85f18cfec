/**
 * Short notices over the screen (unknown barcode, a refusal, "receipt printed"). Pure list
 * operations; the owner shows them with <pos-toasts> and hides each after TOAST_MS.
 */
import type { Notice } from './i18n.js';

export const TOAST_MS = 6000;
/** At most this many toasts at once; a new one pushes the oldest out. */
export const MAX_TOASTS = 3;

export interface Toast {
  id: number;
  notice: Notice;
  kind: 'info' | 'error' | 'success';
}

function sameNotice(a: Notice, b: Notice): boolean {
  return a.key === b.key && JSON.stringify(a.vars ?? {}) === JSON.stringify(b.vars ?? {});
}

/**
 * The list with a new toast, or the same list when an equal one is showing (a manual entry may
 * be answered by both the HTTP error and a broadcast: it shows once).
 */
export function pushToast(list: readonly Toast[], toast: Toast): readonly Toast[] {
  if (list.some((x) => sameNotice(x.notice, toast.notice))) return list;
  return [...list.slice(-(MAX_TOASTS - 1)), toast];
}

export function dropToast(list: readonly Toast[], id: number): readonly Toast[] {
  return list.some((x) => x.id === id) ? list.filter((x) => x.id !== id) : list;
}
