/**
 * Plug and scan with the shipped defaults (issue 13 point 1), through the simulator: a
 * factory keyboard-mode scanner of a vendor on the shipped scanners.list is read with no
 * configuration and decoded as the US keyboard it is; an operator-extended list takes effect
 * on the next enumeration, without restarting the daemon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { keyReports } from '../helpers/scanner-fixtures.js';

const simulate = (d: TestDaemon, device: object, reports: string[]) =>
  d.post('/api/v1/scanners/simulate', { ...device, reports }, { admin: true });

async function cartCodes(d: TestDaemon, terminal: string): Promise<string[]> {
  const c = await d.get(`/api/v1/terminals/${terminal}/cart`);
  return c.body.lines.flatMap((l: { barcode: string; quantity: number }) =>
    Array(l.quantity).fill(l.barcode),
  );
}

function received(d: TestDaemon): string[] {
  const seen: string[] = [];
  d.app.events.on(seen, 'scan.received', (e) => seen.push(e.barcode));
  return seen;
}

test('factory keyboard-mode Honeywell, Zebra, Datalogic and Newland scanners are read with no configuration, as US keyboards', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const seen = received(d);
    const models = [
      { vendor_id: 0x0c2e, product_id: 0x0b61, serial: '', kind: 'keyboard' }, // Honeywell 1900
      { vendor_id: 0x05e0, product_id: 0x1200, serial: 'S1', kind: 'keyboard' }, // Zebra
      { vendor_id: 0x05f9, product_id: 0x2206, serial: 'D1', kind: 'keyboard' }, // Datalogic
      { vendor_id: 0x1eab, product_id: 0x0c03, serial: 'N1', kind: 'keyboard' }, // Newland
    ];
    for (const m of models) {
      const r = await simulate(d, m, keyReports('2100000000029', 'us'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    assert.deepEqual(await cartCodes(d, 'kiosk'), Array(4).fill('2100000000029'));
    // US symbols come out as typed (a German default would have made "4(9" of "4*9").
    await simulate(d, models[0], keyReports('4*9', 'us'));
    assert.equal(seen.at(-1), '4*9');
    const list = (await d.get('/api/v1/scanners', { admin: true })).body;
    assert.equal(list.scanners.length, 4);
    for (const s of list.scanners) assert.deepEqual([s.kind, s.layout], ['keyboard', 'us']);
    assert.deepEqual(list.keyboards, []);
  } finally {
    await d.stop();
  }
});

test('the operator extends scanners.list; the daemon reads the new model without a restart', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'scanners.list');
  await writeFile(file, '0c2e:*   # Honeywell\n');
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1', SCANNER_LIST: file } });
  try {
    const other = { vendor_id: 0x2dd6, product_id: 0x0260, serial: 'X', kind: 'keyboard' };
    const r = await simulate(d, other, keyReports('2100000000029', 'us'));
    assert.equal(r.status, 409, 'not on the list: a keyboard, not read');
    assert.equal(r.body.error.code, 'scanner_not_open');
    await writeFile(file, '0c2e:*   # Honeywell\n2dd6:0260   # added by the operator\n');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    assert.equal((await simulate(d, other, keyReports('2100000000029', 'us'))).status, 200);
    assert.deepEqual(await cartCodes(d, 'kiosk'), ['2100000000029']);
  } finally {
    await d.stop();
  }
});
