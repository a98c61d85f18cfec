/** Turns CheckoutError (a refusal for the cashier) into the API's 4xx JSON error. */
import type { Context, Next } from 'koa';
import { CheckoutError } from '../../checkout/errors.js';
import { HttpError } from '../errors.js';

export async function checkoutErrors(_ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (err instanceof CheckoutError)
      throw new HttpError(err.status, err.code, err.message, err.field, err.details);
    throw err;
  }
}
