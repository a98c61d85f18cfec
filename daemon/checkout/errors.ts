import { DomainError } from '../core/errors.js';
import { formatCents } from '../receipts/model.js';

/** A refusal the cashier should read; routes turn it into a 4xx JSON error unchanged. */
export type CheckoutStatus = 400 | 403 | 404 | 409 | 422 | 502 | 503;

export class CheckoutError extends DomainError {
  constructor(
    status: CheckoutStatus,
    code: string,
    message: string,
    params?: Record<string, unknown>,
    field?: string,
  ) {
    super(status, code, message, field, params);
    this.name = 'CheckoutError';
  }
}

/** Money for messages: 1234 → "12.34 EUR". Display formatting lives in the UI. */
export function money(cents: number, currency: string): string {
  return `${formatCents(cents)} ${currency}`;
}
