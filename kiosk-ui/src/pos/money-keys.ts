import { html, type TemplateResult } from 'lit';
import { pressKey, type CashKey } from '../lib/cash.js';

const MONEY_KEYS: CashKey[] = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '00', '0', 'back'];

/**
 * The money keypad (7 8 9 / 4 5 6 / 1 2 3 / 00 0 ⌫) of the cash and open-price dialogs: each key
 * reads the amount when pressed (two quick taps never work on a stale value) and sets the next.
 */
export function moneyKeys(
  get: () => number,
  set: (cents: number) => void,
  backLabel: string,
): TemplateResult {
  return html`${MONEY_KEYS.map(
    (k) =>
      html`<button
        data-key=${k}
        aria-label=${k === 'back' ? backLabel : k}
        @click=${() => set(pressKey(get(), k))}
      >
        ${k === 'back' ? '⌫' : k}
      </button>`,
  )}`;
}

/** A hardware key on the same keypad: digits and Backspace give the next amount, else null. */
export function moneyKeyPressed(cents: number, e: KeyboardEvent): number | null {
  if (/^[0-9]$/.test(e.key)) return pressKey(cents, e.key as CashKey);
  if (e.key === 'Backspace') return pressKey(cents, 'back');
  return null;
}
