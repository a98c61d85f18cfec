/**
 * Issue 13 point 5 through the daemon (simulator, shipped scanners.list): a factory
 * keyboard-mode Honeywell sends a GS1-128 code with its AIM prefix and GS as Ctrl+], a code
 * with Alt codes, a code ended by Tab, one ended by nothing (the gap); a network scanner sends
 * an AIM-prefixed EAN. The scans arrive with the prefix in `symbology`, the data as typed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { keyReports } from '../helpers/scanner-fixtures.js';

const HONEYWELL = { vendor_id: 0x0c2e, product_id: 0x0b61, serial: 'HW-5', kind: 'keyboard' };
const simulate = (d: TestDaemon, reports: string[]) =>
  d.post('/api/v1/scanners/simulate', { ...HONEYWELL, reports }, { admin: true });
const CTRL_BRACKET = ['01 00 30 00 00 00 00 00', '00 00 00 00 00 00 00 00'];
const ALT_0228 = ['04 00 62 00 00 00 00 00', '04 00 5a', '04 00 5a', '04 00 60'].flatMap((r) =>
  r === '04 00 62 00 00 00 00 00'
    ? [r, '04 00 00 00 00 00 00 00']
    : [`${r} 00 00 00 00 00`, '04 00 00 00 00 00 00 00'],
);

test('GS1-128 with ]C1 and GS as Ctrl+], Alt codes, Tab and the gap as terminators; network ]E0', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const seen: Array<[string, string | null | undefined]> = [];
    d.app.events.on(seen, 'scan.received', (e) => seen.push([e.barcode, e.symbology]));
    const none = (t: string) => keyReports(t, 'us', 'none');
    await simulate(d, [
      ...none(']C10104012345678901'),
      ...CTRL_BRACKET,
      ...keyReports('10ABC', 'us'),
    ]);
    await simulate(d, [
      ...none('K'),
      ...ALT_0228,
      '00 00 00 00 00 00 00 00',
      ...keyReports('se', 'us', 'tab'),
    ]);
    await simulate(d, keyReports(']E02100000000029', 'us', 'none')); // ended by the gap
    const net = await d.request('POST', '/api/v1/scanner/scan', {
      body: { barcode: ']E02100000000036' },
      headers: { 'x-scanner-secret': 'demo-scanner-secret', 'x-scanner-id': 'phone-1' },
    });
    assert.equal(net.status, 200);
    assert.deepEqual([net.body.result, net.body.symbology], ['added', ']E0']);
    await d.app.scanners.router.idle();
    // The gap timer (SCANNER_GAP_MS) ends the third code; wait for it without a fixed sleep.
    while (seen.length < 4) await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      seen.sort(),
      [
        ['0104012345678901\x1d10ABC', ']C1'],
        ['2100000000029', ']E0'],
        ['2100000000036', ']E0'],
        ['Käse', null],
      ].sort(),
    );
    const cart = (await d.get('/api/v1/terminals/kiosk/cart')).body.lines.map(
      (l: { barcode: string }) => l.barcode,
    );
    assert.deepEqual(cart.sort(), ['2100000000029', '2100000000036']);
  } finally {
    await d.stop();
  }
});
