/**
 * Receipt tokens: the unguessable part of the public receipt URL /r/:token.
 *
 * A token is the receipt's id sealed with AES-256-GCM under a key that never leaves the
 * appliance (DATA_DIR/receipt-token.key, created on first start, part of backups so restored
 * receipts keep working). Nothing is stored per receipt, and a token reveals nothing: without
 * the key it cannot be read, forged or enumerated (the GCM tag rejects every altered token).
 * The nonce is derived from the id (HMAC), so a receipt always has the same token; the same
 * plaintext under the same nonce is the only repetition, which GCM tolerates (SIV-style).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileDurable } from '../store/index.js';

export const RECEIPT_KEY_FILE = 'receipt-token.key';

export type ReceiptRef = { kind: 'sale' | 'refund'; id: string };

export class ReceiptTokens {
  private constructor(private readonly key: Buffer) {}

  /** Loads the key, creating it on first start. */
  static async open(file: string): Promise<ReceiptTokens> {
    try {
      const text = (await readFile(file, 'utf8')).trim();
      const key = Buffer.from(text, 'base64url');
      if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
      return new ReceiptTokens(key);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const key = randomBytes(32);
      await writeFileDurable(file, key.toString('base64url') + '\n');
      return new ReceiptTokens(key);
    }
  }

  static fromKey(key: Buffer): ReceiptTokens {
    return new ReceiptTokens(key);
  }

  issue(ref: ReceiptRef): string {
    const plain = Buffer.from(`${ref.kind === 'sale' ? 's' : 'r'}:${ref.id}`, 'utf8');
    const iv = createHmac('sha256', this.key).update(plain).digest().subarray(0, 12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url');
  }

  /** The receipt a token stands for, or null for anything not issued by this key. */
  parse(token: string): ReceiptRef | null {
    if (!/^[A-Za-z0-9_-]{40,200}$/.test(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 12 + 16 + 3) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(raw.length - 16));
      const plain = Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
      const m = /^([sr]):([A-Za-z0-9_-]{1,64})$/.exec(plain.toString('utf8'));
      if (!m) return null;
      return { kind: m[1] === 's' ? 'sale' : 'refund', id: m[2] };
    } catch {
      return null;
    }
  }
}
