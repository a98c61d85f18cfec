import { formatCents } from '../receipts/model.js';

/** A refusal the cashier should read; routes turn it into a 4xx JSON error unchanged. */
export class CheckoutError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422 | 502 | 503,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CheckoutError';
  }
}

/** Money for messages: 1234 → "12.34 EUR". Display formatting lives in the UI. */
export function money(cents: number, currency: string): string {
  return `${formatCents(cents)} ${currency}`;
}
