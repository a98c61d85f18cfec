/**
 * Ground floor: the one error type of the daemon. Every refusal a client should see is a
 * DomainError with a stable `code` (what the UI translates), an HTTP `status`, optional
 * `params` (numbers and names the translated sentence needs, e.g. `{ minimum_cents: 100 }`)
 * and the `field` it is about. The English `message` is for logs and developers; the UI never
 * shows it. One middleware (http/errors.ts) turns a thrown DomainError into
 * `{"error": {"code", "message", "params"?, "field"?}}`; anything else is a 500 with a
 * generic answer and the stack in the log.
 */
export type ErrorParams = Record<string, unknown>;

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly params?: ErrorParams,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * Throws a DomainError: `fail(422, 'below_minimum', 'Below 1.00 EUR', 'amount_cents',
 * { minimum_cents: 100 })`. `field` names the request field at fault (forms highlight it).
 */
export function fail(
  status: number,
  code: string,
  message: string,
  field?: string,
  params?: ErrorParams,
): never {
  throw new DomainError(status, code, message, field, params);
}
