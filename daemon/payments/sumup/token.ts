/**
 * Our own signature on callback URLs. SumUp does not sign its return_url callbacks (nor does
 * the app switch), so the URL we hand out carries HMAC-SHA256(secret, "<purpose>:<sale id>"):
 * a callback is believed only for the sale its token was made for.
 */
import { createHmac } from 'node:crypto';
import { secretEquals } from '../../security/secrets.js';

export type TokenPurpose = 'solo' | 'tap';

export class CallbackTokens {
  constructor(private readonly secret: string) {}

  sign(purpose: TokenPurpose, saleId: string): string {
    return createHmac('sha256', this.secret)
      .update(`${purpose}:${saleId}`)
      .digest('base64url')
      .slice(0, 32);
  }

  verify(purpose: TokenPurpose, saleId: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length === 0 || token.length > 64) return false;
    return secretEquals(token, this.sign(purpose, saleId));
  }
}
