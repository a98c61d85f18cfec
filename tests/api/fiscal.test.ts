/**
 * Fiscal signing (KassenSichV), end to end through the real daemon:
 *  - demo mode signs with the `fake` TSE: every receipt field, printed receipt, refund, abort;
 *  - `fiskaly` against the local fake fiskaly server: TSS set-up, every receipt field, QR
 *    process data, the same sale never signed twice under retries, outage and recovery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID, createPublicKey } from 'node:crypto';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { FakeFiskaly } from '../helpers/fake-fiskaly.js';
import { stableUuid } from '../../daemon/fiscal/providers/fiskaly.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { receiptBytes } from '../../daemon/printer/layout.js';
import type { Receipt, ReceiptTse, Sale } from '../../daemon/protocol.js';

const FIELDS: Array<keyof ReceiptTse> = [
  'serial_number',
  'signature_counter',
  'transaction_number',
  'time_start',
  'time_end',
  'signature',
  'signature_algorithm',
  'time_format',
  'public_key',
  'qr_code_data',
];

async function product(
  d: TestDaemon,
  barcode: string,
  price: number,
  vat: number,
  admin: string | true = true,
) {
  const r = await d.post(
    '/api/v1/products',
    { barcode, name: `P ${barcode}`, price_cents: price, vat_rate: vat },
    { admin },
  );
  assert.equal(r.status, 201, r.text);
}

async function cashSale(
  d: TestDaemon,
  items: Array<[string, number]>,
  key = randomUUID(),
  provider = 'cash',
): Promise<Sale> {
  for (const [barcode, quantity] of items) {
    const r = await d.post('/api/v1/terminals/kiosk/cart/items', { barcode, quantity });
    assert.equal(r.status, 200, r.text);
  }
  const r = await d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
    provider,
    idempotency_key: key,
    ...(provider === 'cash' ? { tendered_cents: 100000 } : {}),
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

function assertSigned(t: ReceiptTse | null, tillSerial: string, processData: string) {
  assert.ok(t, 'receipt has a tse block');
  assert.equal(t.failed, false);
  for (const f of FIELDS) assert.ok(t[f] !== null && t[f] !== '', `tse.${f} is set`);
  const qr = t.qr_code_data!.split(';');
  assert.equal(qr[0], 'V0');
  assert.equal(qr[1], tillSerial);
  assert.equal(qr[2], 'Kassenbeleg-V1');
  assert.equal(qr[3], processData);
  assert.equal(qr[4], String(t.transaction_number));
  assert.equal(qr[5], String(t.signature_counter));
  assert.equal(qr[10], t.signature);
  assert.equal(qr[11], t.public_key);
  assert.equal(
    Buffer.from(t.signature!, 'base64').length,
    64,
    'a plain P-256 signature is 64 bytes',
  );
}

test('demo mode: a sale, an aborted sale and a refund are signed by the fake TSE; receipt JSON, page and paper show it', async () => {
  // The demo card never "arrives" here: the cancel below always comes first (the race of an
  // approval against a cancel is forced in tests/unit/ledger.test.ts and fiscal-sign.test.ts).
  const d = await startDaemon({ env: { APP_ENV: 'demo', FAKE_CARD_DELAY_MS: '600000' } });
  try {
    await product(d, 'F19', 1250, 19);
    await product(d, 'F7', 300, 7);
    const info = (await d.get('/api/v1/admin/fiscal', { admin: true })).body;
    assert.equal(info.provider, 'fake');
    assert.equal(info.state, 'INITIALIZED');
    const till = info.registration.till_serial as string;
    assert.match(till, /^CPOS-[0-9A-F]{12}$/);
    const sale = await cashSale(d, [
      ['F19', 1],
      ['F7', 2],
    ]);
    assert.equal(sale.state, 'succeeded');
    const r = await d.get<{ receipt: Receipt }>(`/api/v1/sales/${sale.id}/receipt`);
    assert.equal(r.status, 200, r.text);
    const receipt = r.body.receipt;
    assertSigned(receipt.tse, till, 'Beleg^12.50_6.00_0.00_0.00_0.00^18.50:Bar');
    assert.equal(receipt.tse!.serial_number, info.tse.serial_number);
    assert.equal(receipt.till_serial, till);
    assert.match(receipt.software, /^Counter POS \d+\.\d+\.\d+/);
    // The fake TSE's signature verifies with its public key (uncompressed P-256 point).
    const point = Buffer.from(receipt.tse!.public_key!, 'base64');
    assert.equal(point.length, 65);
    assert.ok(
      createPublicKey({
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: point.subarray(1, 33).toString('base64url'),
          y: point.subarray(33).toString('base64url'),
        },
        format: 'jwk',
      }),
    );

    // The printed receipt (ESC/POS decoded) carries the TSE block, till serial and software.
    const paper = decodeEscPos(
      receiptBytes(receipt, { profile: { model: 'epson-tm-t20iii', width: 80 }, drawer: false }),
    );
    const text = paper.lines.map((l) => l.trim()).join('\n');
    const qrs = paper.ops.flatMap((o) => (o.op === 'qr' ? [o.data] : []));
    console.log(
      `printed receipt (ESC/POS decoded):\n${text}\n${qrs.map((q) => `[QR] ${q}`).join('\n')}`,
    );
    assert.ok(qrs.includes(receipt.tse!.qr_code_data!), 'the TSE QR code (V0;…) is printed');
    for (const word of [
      'TSE-Daten',
      'Kassen-Seriennr.',
      'TSE-Seriennr.:',
      'Transaktionsnr.',
      'Signaturzähler',
      'Algorithmus',
      'ecdsa-plain-SHA256',
      'Zeitformat',
      'Signatur:',
      'Öffentl. Schlüssel:',
      'Software',
    ])
      assert.ok(text.includes(word), `printed receipt shows ${word}\n${text}`);
    assert.ok(text.includes(till));
    // The public receipt page too.
    const page = await fetch(receipt.url.replace(/^https?:\/\/[^/]+/, d.url));
    const html = await page.text();
    assert.ok(html.includes('TSE-Daten') && html.includes(receipt.tse!.signature!.slice(0, 20)));

    // Refund: its own signed receipt, negative amounts.
    const rf = await d.post(
      `/api/v1/sales/${sale.id}/refunds`,
      { reason: 'test', idempotency_key: randomUUID(), line_indexes: [1] },
      { admin: true },
    );
    assert.equal(rf.status, 201, rf.text);
    const rr = await d.get<{ receipt: Receipt }>(`/api/v1/refunds/${rf.body.refund.id}/receipt`);
    assert.equal(rr.body.receipt.kind, 'refund');
    assertSigned(rr.body.receipt.tse, till, 'Beleg^0.00_-6.00_0.00_0.00_0.00^-6.00:Bar');
    assert.ok(rr.body.receipt.tse!.transaction_number! > receipt.tse!.transaction_number!);

    // Aborted sale: AVBelegabbruch, journalled with the sale.
    await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: 'F19', quantity: 1 });
    const card = await d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
      provider: 'fake_card',
      idempotency_key: randomUUID(),
    });
    assert.equal(card.body.state, 'pending');
    const c = await d.post(`/api/v1/sales/${card.body.id}/cancel`);
    assert.equal(c.status, 200, c.text);
    const cancelled = (await d.get<Sale>(`/api/v1/sales/${card.body.id}`)).body;
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.tse?.failed, false);
    assert.equal(cancelled.tse?.process_data, 'AVBelegabbruch^12.50_0.00_0.00_0.00_0.00^');

    // The TAR export downloads.
    const tar = await fetch(`${d.url}/api/v1/admin/fiscal/tar`, {
      headers: { authorization: 'Bearer demo-admin-token' },
    });
    assert.equal(tar.status, 200);
    const bytes = Buffer.from(await tar.arrayBuffer());
    assert.equal(bytes.subarray(257, 262).toString(), 'ustar', 'a tar archive');
  } finally {
    await d.stop();
  }
});

test('demo mode: retrying a checkout with the same idempotency key signs the sale once', async () => {
  const d = await startDaemon({ env: { APP_ENV: 'demo' } });
  try {
    await product(d, 'R1', 500, 19);
    await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: 'R1', quantity: 1 });
    const before = (await d.get('/api/v1/admin/fiscal', { admin: true })).body.tse
      .signature_counter as number;
    const key = randomUUID();
    const body = { provider: 'cash', idempotency_key: key, tendered_cents: 500 };
    const [a, b] = await Promise.all([
      d.post<Sale>('/api/v1/terminals/kiosk/checkout', body),
      d.post<Sale>('/api/v1/terminals/kiosk/checkout', body),
    ]);
    const c = await d.post<Sale>('/api/v1/terminals/kiosk/checkout', body);
    assert.equal(a.body.id, b.body.id);
    assert.equal(a.body.id, c.body.id);
    assert.equal(c.body.tse?.signature, a.body.tse?.signature);
    const after = (await d.get('/api/v1/admin/fiscal', { admin: true })).body.tse
      .signature_counter as number;
    assert.equal(after - before, 2, 'one start and one finish signature for the one sale');
  } finally {
    await d.stop();
  }
});

async function fiskalyDaemon(f: FakeFiskaly, tssId: string, extra: Record<string, string> = {}) {
  return startDaemon({
    env: {
      APP_ENV: 'demo',
      FISCAL_PROVIDER: 'fiskaly',
      FISKALY_API_URL: f.url,
      FISKALY_API_KEY: f.apiKey,
      FISKALY_API_SECRET: f.apiSecret,
      FISKALY_TSS_ID: tssId,
      FISKALY_ADMIN_PIN: '654321',
      FISCAL_TILL_SERIAL: 'TILL-0001',
      // Longer than signing takes on a busy machine (two suites and an image build beside it
      // took over 400 ms once); the one sale sent while the fake TSE hangs waits this long.
      FISCAL_TIMEOUT_MS: '5000',
      ...extra,
    },
  });
}

test('fiskaly: TSS set-up from the admin API, then a sale with every receipt field; retries never sign twice', async () => {
  const f = new FakeFiskaly();
  await f.start();
  const tssId = randomUUID();
  const d = await fiskalyDaemon(f, tssId);
  try {
    assert.equal(f.tssState(tssId), undefined);
    const setup = await d.post('/api/v1/admin/fiscal/setup', {}, { admin: true });
    assert.equal(setup.status, 200, setup.text);
    assert.deepEqual(setup.body.steps, [
      'created',
      'personalised',
      'admin_pin_set',
      'initialised',
      'client_registered',
    ]);
    assert.equal(f.tssState(tssId), 'INITIALIZED');
    assert.equal(setup.body.info.tse.bsi_certificate_id, 'BSI-K-TR-0000-2099');
    assert.equal(setup.body.info.tse.serial_number, f.serial);

    await product(d, 'K19', 1250, 19);
    await product(d, 'K7', 300, 7);
    await product(d, 'K0', 100, 0);
    const sale = await cashSale(d, [
      ['K19', 1],
      ['K7', 1],
      ['K0', 1],
    ]);
    const receipt = (await d.get<{ receipt: Receipt }>(`/api/v1/sales/${sale.id}/receipt`)).body
      .receipt;
    assertSigned(receipt.tse, 'TILL-0001', 'Beleg^12.50_3.00_0.00_0.00_1.00^16.50:Bar');
    assert.equal(receipt.tse!.time_format, 'unixTime');
    assert.equal(receipt.tse!.serial_number, f.serial);
    assert.equal(receipt.till_serial, 'TILL-0001');
    const tx = f.transactions(tssId).find((x) => x.number === receipt.tse!.transaction_number)!;
    assert.equal(tx.state, 'FINISHED');
    assert.equal(tx.revision, 2);

    // A card sale: non-cash payment.
    const card = await cashSale(d, [['K19', 1]], randomUUID(), 'fake_card');
    const settled = await waitSettled(d, card.id);
    assert.equal(settled.tse?.process_data, 'Beleg^12.50_0.00_0.00_0.00_0.00^12.50:Unbar');

    // The same idempotency key (concurrently and later) reaches the TSE once.
    const finishes = f.finishCount;
    await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: 'K7', quantity: 1 });
    const body = { provider: 'cash', idempotency_key: randomUUID(), tendered_cents: 300 };
    const all = await Promise.all(
      [1, 2, 3].map(() => d.post<Sale>('/api/v1/terminals/kiosk/checkout', body)),
    );
    assert.equal(new Set(all.map((r) => r.body.id)).size, 1);
    assert.equal(f.finishCount - finishes, 1);
    assert.equal(f.authCount, 1, 'the access token is cached');

    // An expired token is replaced (refresh), the sale still signs.
    f.expireTokens();
    const again = await cashSale(d, [['K0', 1]]);
    assert.equal(again.tse?.failed, false);
    assert.equal(f.authCount, 2);
  } finally {
    await d.stop();
    await f.stop();
  }
});

async function waitSettled(d: TestDaemon, id: string): Promise<Sale> {
  for (let i = 0; i < 400; i++) {
    const s = (await d.get<Sale>(`/api/v1/sales/${id}`)).body;
    if (s.state !== 'pending') return s;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`sale ${id} did not settle`);
}

test('fiskaly outage: the sale completes unsigned and says so, the admin sees the outage, the next signature ends it', async () => {
  const f = new FakeFiskaly();
  await f.start();
  const tssId = randomUUID();
  const clientSerial = 'TILL-0002';
  // Set up in the fiskaly dashboard: the TSS initialised, this till's client registered.
  f.addInitialisedTss(tssId, stableUuid(`client:${clientSerial}`), clientSerial);
  const d = await fiskalyDaemon(f, tssId, { FISCAL_TILL_SERIAL: clientSerial });
  try {
    await product(d, 'O19', 1000, 19);
    const ok = await cashSale(d, [['O19', 1]]);
    assert.equal(ok.tse?.failed, false, JSON.stringify(ok.tse));

    f.hang();
    const down = await cashSale(d, [['O19', 1]]);
    assert.equal(down.state, 'succeeded', 'the sale completes in an outage');
    const receipt = (await d.get<{ receipt: Receipt }>(`/api/v1/sales/${down.id}/receipt`)).body
      .receipt;
    assert.equal(receipt.tse!.failed, true);
    for (const k of FIELDS) assert.equal(receipt.tse![k], null, `${k} is null in an outage`);
    const text = decodeEscPos(
      receiptBytes(receipt, { profile: { model: 'epson-tm-t20iii', width: 80 }, drawer: false }),
    ).lines.join('\n');
    assert.ok(text.includes('TSE ausgefallen'), text);
    const journalled = (await d.get<Sale>(`/api/v1/sales/${down.id}`)).body;
    assert.equal(journalled.tse?.error, 'tse_timeout');
    let info = (await d.get('/api/v1/admin/fiscal', { admin: true })).body;
    assert.equal(info.in_outage, true);
    assert.equal(info.outages[0].end, null);
    assert.equal(info.outages[0].unsigned, 1);

    f.release();
    const back = await cashSale(d, [['O19', 1]]);
    assert.equal(back.tse?.failed, false);
    info = (await d.get('/api/v1/admin/fiscal', { admin: true })).body;
    assert.equal(info.in_outage, false);
    assert.ok(info.outages[0].end >= info.outages[0].start);

    // A refused finish (server error) is an outage too, never a second signature later.
    f.failNext(3, 500);
    const err = await cashSale(d, [['O19', 1]]);
    assert.equal(err.tse?.failed, true);
    assert.equal(err.tse?.error, 'tse_error');
  } finally {
    await d.stop();
    await f.stop();
  }
});
