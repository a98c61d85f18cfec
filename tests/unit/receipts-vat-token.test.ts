import { test } from 'node:test';
import type { Context } from 'koa';
import { requestBase } from '../../daemon/http/routes/receipts.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { vatOfGross, vatBreakdown } from '../../daemon/receipts/vat.js';
import { ReceiptTokens } from '../../daemon/receipts/tokens.js';
import { tempDir } from '../helpers/daemon.js';

test('vatOfGross(): VAT contained in a gross amount, half away from zero', () => {
  assert.equal(vatOfGross(119, 19), 19);
  assert.equal(vatOfGross(500, 19), 80); // 79.83
  assert.equal(vatOfGross(107, 7), 7);
  assert.equal(vatOfGross(120, 7), 8); // 7.85
  assert.equal(vatOfGross(15, 7), 1); // 0.981
  assert.equal(vatOfGross(1000, 0), 0);
  assert.equal(vatOfGross(-500, 19), -80); // refunds mirror sales exactly
  assert.equal(vatOfGross(1081, 8.1), 81); // decimal rates as basis points
  // Exact halves (only reachable at 100 %: gross / 2) round away from zero.
  assert.equal(vatOfGross(1, 100), 1);
  assert.equal(vatOfGross(3, 100), 2);
  assert.equal(vatOfGross(-3, 100), -2);
  assert.throws(() => vatOfGross(10.5, 19), RangeError);
});

test('vatBreakdown(): one row per rate, summed before rounding, net + VAT = gross', () => {
  // Three lines of 0.10 at 19 %: per line VAT would be 0.02 × 3 = 0.06; per rate it is 0.05.
  const rows = vatBreakdown([
    { vat_rate: 19, line_total_cents: 10 },
    { vat_rate: 7, line_total_cents: 250 },
    { vat_rate: 19, line_total_cents: 10 },
    { vat_rate: 19, line_total_cents: 10 },
    { vat_rate: 0, line_total_cents: 100 },
  ]);
  assert.deepEqual(rows, [
    { code: 'A', rate: 19, gross_cents: 30, net_cents: 25, vat_cents: 5 },
    { code: 'B', rate: 7, gross_cents: 250, net_cents: 234, vat_cents: 16 },
    { code: 'C', rate: 0, gross_cents: 100, net_cents: 100, vat_cents: 0 },
  ]);
});

test('ReceiptTokens: issue → parse round trip; stable per receipt; different per receipt', async () => {
  const t = await ReceiptTokens.open(path.join(await tempDir(), 'receipt-token.key'));
  const a = t.issue({ kind: 'sale', id: 's_20260301_42' });
  assert.match(a, /^[A-Za-z0-9_-]{40,}$/);
  assert.equal(a, t.issue({ kind: 'sale', id: 's_20260301_42' }));
  assert.notEqual(a, t.issue({ kind: 'sale', id: 's_20260301_43' }));
  assert.ok(!a.includes('s_2026'), 'the token does not show the sale id');
  assert.deepEqual(t.parse(a), { kind: 'sale', id: 's_20260301_42' });
  const r = t.issue({ kind: 'refund', id: 'rf_7' });
  assert.deepEqual(t.parse(r), { kind: 'refund', id: 'rf_7' });
});

test('ReceiptTokens.parse(): altered, foreign-key and junk tokens are null', async () => {
  const t = ReceiptTokens.fromKey(randomBytes(32));
  const other = ReceiptTokens.fromKey(randomBytes(32));
  const tok = t.issue({ kind: 'sale', id: 's_20260301_42' });
  const flipped = tok.slice(0, 20) + (tok[20] === 'A' ? 'B' : 'A') + tok.slice(21);
  assert.equal(t.parse(flipped), null);
  assert.equal(other.parse(tok), null);
  assert.equal(t.parse('../../etc/passwd'), null);
  assert.equal(t.parse(''), null);
  assert.equal(t.parse('x'.repeat(500)), null);
});

test('ReceiptTokens.open(): the key survives a restart (old QR codes keep working)', async () => {
  const file = path.join(await tempDir(), 'receipt-token.key');
  const a = await ReceiptTokens.open(file);
  const tok = a.issue({ kind: 'sale', id: 's_1' });
  const b = await ReceiptTokens.open(file);
  assert.deepEqual(b.parse(tok), { kind: 'sale', id: 's_1' });
  assert.equal(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url').length, 32);
});

test('requestBase(): the address a remote till used; never localhost (phones cannot reach it)', () => {
  const ctx = (host: string) => ({ get: () => host, protocol: 'http' }) as unknown as Context;
  assert.equal(requestBase(ctx('192.168.1.20:8080'), ''), 'http://192.168.1.20:8080');
  assert.equal(requestBase(ctx('till.local'), ''), 'http://till.local');
  for (const h of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'LOCALHOST', 'bad host/x'])
    assert.equal(requestBase(ctx(h), ''), '', h);
  assert.equal(requestBase(ctx('localhost'), 'https://pos.example'), 'https://pos.example');
});
