/**
 * The layout is learned, not guessed (issue 13 point 2), through the simulator: keyboard
 * scanners of a listed vendor set to de, fr, uk and ch pair by scanning the pairing code
 * (decoded in every layout, the one that verifies is kept), then scan products correctly;
 * the layout-test code on the Scanners page settles the layouts the pairing code cannot
 * tell apart (us/uk, de/ch). Network scans of pairing values that do not verify are 4xx.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { keyReports } from '../helpers/scanner-fixtures.js';
import type { Layout } from '../../daemon/scanners/keymaps.js';

const simulate = (d: TestDaemon, device: object, reports: string[]) =>
  d.post('/api/v1/scanners/simulate', { ...device, reports }, { admin: true });

async function cartCodes(d: TestDaemon, terminal: string): Promise<string[]> {
  const c = await d.get(`/api/v1/terminals/${terminal}/cart`);
  return c.body.lines.flatMap((l: { barcode: string; quantity: number }) =>
    Array(l.quantity).fill(l.barcode),
  );
}

const honeywell = (serial: string) => ({
  vendor_id: 0x0c2e,
  product_id: 0x0b61,
  serial,
  kind: 'keyboard',
});

async function scanner(d: TestDaemon, id: string) {
  const list = (await d.get('/api/v1/scanners', { admin: true })).body.scanners;
  return list.find((s: { id: string }) => s.id === id);
}

test('pairing code typed in de, fr, uk, ch pairs and teaches the layout; the layout test settles the rest', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const cases: Array<[Layout, string, Layout]> = [
      // typed in, terminal, layout after pairing (the "-" of POSLINK- tells only the groups apart)
      ['de', 'till-de', 'de'],
      ['fr', 'till-fr', 'fr'],
      ['uk', 'till-uk', 'us'],
      ['ch', 'till-ch', 'de'],
    ];
    for (const [layout, terminal, after] of cases) {
      const dev = honeywell(`L-${layout}`);
      const id = `0c2e:0b61:L-${layout}`;
      const { secret } = (await d.get(`/api/v1/scanner/pairing-secret?terminal_id=${terminal}`))
        .body;
      assert.equal((await simulate(d, dev, keyReports(secret, layout))).status, 200);
      const s = await scanner(d, id);
      assert.deepEqual([s.terminal_id, s.layout], [terminal, after], layout);
      // The next product typed in that layout lands in the paired terminal's cart.
      await simulate(d, dev, keyReports('2100000000029', layout));
      assert.deepEqual(await cartCodes(d, terminal), ['2100000000029'], layout);
      // The layout test code from the Scanners page teaches the exact layout.
      const lt = (await d.get('/api/v1/scanners/layout-test', { admin: true })).body;
      assert.match(lt.barcode_svg, /<svg/);
      await simulate(d, dev, keyReports(lt.text, layout));
      assert.equal((await scanner(d, id)).layout, layout, `${layout} after the layout test`);
      assert.deepEqual(await cartCodes(d, terminal), ['2100000000029'], 'layout test: no product');
    }
    assert.deepEqual(await cartCodes(d, 'kiosk'), [], 'nothing went to the kiosk');
    for (const t of ['kiosk', 'till-de', 'till-fr', 'till-uk', 'till-ch'])
      for (const c of await cartCodes(d, t)) assert.doesNotMatch(c, /POSLINK|LAYOUT/);
  } finally {
    await d.stop();
  }
});

test('a forged pairing code typed by a French scanner is refused and never reaches a cart', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const refused: string[] = [];
    d.app.events.on(refused, 'scanner.pairing_refused', (e) => refused.push(e.scanner_id));
    const { secret } = (await d.get('/api/v1/scanner/pairing-secret?terminal_id=till-1')).body;
    const forged = secret.slice(0, -1) + (secret.endsWith('B') ? 'C' : 'B');
    assert.equal((await simulate(d, honeywell('F'), keyReports(forged, 'fr'))).status, 200);
    assert.deepEqual(refused, ['0c2e:0b61:F']);
    const s = await scanner(d, '0c2e:0b61:F');
    assert.deepEqual([s.terminal_id, s.layout], [null, 'us']);
    assert.deepEqual(await cartCodes(d, 'kiosk'), []);
  } finally {
    await d.stop();
  }
});

test('network scans of pairing values that do not verify answer 422 pairing_refused; nothing reaches a cart', async () => {
  const d = await startDaemon();
  try {
    const headers = { 'x-scanner-secret': d.app.config.scannerApiSecret, 'x-scanner-id': 'p1' };
    const { secret } = (await d.get('/api/v1/scanner/pairing-secret?terminal_id=till-1')).body;
    const forged = secret.slice(0, -1) + (secret.endsWith('B') ? 'C' : 'B');
    for (const barcode of [forged, 'POSLINK-garbage', secret.slice(0, 20)]) {
      const r = await d.post('/api/v1/scanner/scan', { barcode }, { headers });
      assert.equal(r.status, 422, barcode);
      assert.equal(r.body.error.code, 'pairing_refused');
      assert.equal(r.body.error.params.terminal_id, 'kiosk');
    }
    const ok = await d.post('/api/v1/scanner/scan', { barcode: secret }, { headers });
    assert.deepEqual([ok.status, ok.body.result, ok.body.terminal_id], [200, 'paired', 'till-1']);
    for (const t of ['kiosk', 'till-1']) assert.deepEqual(await cartCodes(d, t), []);
  } finally {
    await d.stop();
  }
});
