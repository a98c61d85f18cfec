/**
 * Through the simulator: a HID POS scanner is read with the layout its report descriptor
 * declares (issue 13 point 3), and identical scanners without serial numbers stay separate
 * devices told apart by USB port path, each with its own pairing (point 4).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { keyReports } from '../helpers/scanner-fixtures.js';

const simulate = (d: TestDaemon, device: object, reports: string[]) =>
  d.post('/api/v1/scanners/simulate', { ...device, reports }, { admin: true });

async function cartCodes(d: TestDaemon, terminal: string): Promise<string[]> {
  const c = await d.get(`/api/v1/terminals/${terminal}/cart`);
  return c.body.lines.flatMap((l: { barcode: string; quantity: number }) =>
    Array(l.quantity).fill(l.barcode),
  );
}

const honeywellDescriptor = readFileSync(
  path.join(ROOT, 'tests/fixtures/hid-descriptors/honeywell-hidpos.hex'),
  'utf8',
)
  .replace(/#.*$/gm, '')
  .replace(/\s+/g, '');
/** No report id; 20 data bytes first, then Byte Count, AIM, Continued in bit 1 (25 bytes). */
const oddOrder =
  '058c0902a1010912a1021500 26ff00 7508 9514 09fe 820201 9501 0501 093b 8102 058c 9503 09fb 09fc 09fd 8102 2501 7501 9501 8103 09ff 8102 7506 9501 8103 c0c0'.replace(
    /\s+/g,
    '',
  );

test('HID POS reports are decoded with the layout of the device’s own report descriptor', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const dev = { vendor_id: 0x1eab, product_id: 0x1a03, serial: 'NLS-1', kind: 'hid_pos' };
    const r = Buffer.alloc(25);
    r.write('2100000000036', 0, 'latin1');
    r[20] = 13;
    r.write(']E0', 21, 'latin1');
    const res = await d.post(
      '/api/v1/scanners/simulate',
      { ...dev, descriptor: oddOrder, reports: [r.toString('hex')] },
      { admin: true },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // The Honeywell descriptor gives the common 64-byte layout.
    const hw = { vendor_id: 0x0c2e, product_id: 0x0b81, serial: 'HW-1', kind: 'hid_pos' };
    const h = Buffer.alloc(64);
    h[0] = 2;
    h[1] = 13;
    h.write(']E0', 2, 'latin1');
    h.write('2100000000029', 5, 'latin1');
    await d.post(
      '/api/v1/scanners/simulate',
      { ...hw, descriptor: honeywellDescriptor, reports: [h.toString('hex')] },
      { admin: true },
    );
    assert.deepEqual(await cartCodes(d, 'kiosk'), ['2100000000036', '2100000000029']);
  } finally {
    await d.stop();
  }
});

test('two identical scanners without serial numbers are two devices by USB port; pairing follows the port', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const at = (port: string) => ({
      vendor_id: 0x0c2e,
      product_id: 0x0b61,
      serial: '',
      kind: 'keyboard',
      port_path: port,
    });
    const { secret } = (await d.get('/api/v1/scanner/pairing-secret?terminal_id=till-2')).body;
    assert.equal((await simulate(d, at('1-1.2'), keyReports(secret, 'us'))).status, 200);
    await simulate(d, at('1-1.2'), keyReports('2100000000029', 'us'));
    await simulate(d, at('1-1.3'), keyReports('2100000000036', 'us'));
    assert.deepEqual(await cartCodes(d, 'till-2'), ['2100000000029']);
    assert.deepEqual(await cartCodes(d, 'kiosk'), ['2100000000036']);
    const list = (await d.get('/api/v1/scanners', { admin: true })).body.scanners;
    assert.deepEqual(
      list.map((s: { id: string; terminal_id: string | null }) => [s.id, s.terminal_id]),
      [
        ['0c2e:0b61@usb-1-1.2', 'till-2'],
        ['0c2e:0b61@usb-1-1.3', null],
      ],
    );
    const bad = await simulate(d, { ...at('1-1.2'), port_path: '../x' }, []);
    assert.equal(bad.status, 400);
  } finally {
    await d.stop();
  }
});
