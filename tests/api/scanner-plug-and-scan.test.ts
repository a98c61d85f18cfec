/**
 * Plug and scan with the shipped defaults (issue 13 point 1), through the simulator: a
 * factory keyboard-mode scanner of a vendor on the shipped scanners.list is read with no
 * configuration and decoded as the US keyboard it is; an operator-extended list takes effect
 * on the next enumeration, without restarting the daemon; an unknown keyboard that types like
 * a scanner is offered for adoption, and adopting it takes effect at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { keyReports } from '../helpers/scanner-fixtures.js';

const simulate = (d: TestDaemon, device: object, reports: string[], interval_ms = 0) =>
  d.post('/api/v1/scanners/simulate', { ...device, reports, interval_ms }, { admin: true });

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

test('an unknown-vendor keyboard that types like a scanner is offered; adopting it reads it at once and asks for its list entry; a person typing stays a keyboard', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'scanners.list');
  await writeFile(file, '0c2e:*   # Honeywell\n');
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1', SCANNER_LIST: file } });
  try {
    const seen = received(d);
    const scanner = { vendor_id: 0x1a86, product_id: 0xe026, serial: 'NONAME', kind: 'keyboard' };
    const person = { vendor_id: 0x046d, product_id: 0xc31c, serial: 'LOGI', kind: 'keyboard' };
    // A person, 60 ms a report (120 ms a key), then the scanner's burst.
    const typedByPerson = await simulate(d, person, keyReports('2100000000029', 'us'), 60);
    assert.equal(typedByPerson.status, 409);
    assert.equal((await simulate(d, scanner, keyReports('2100000000029', 'us'))).status, 409);
    const list = (await d.get('/api/v1/scanners', { admin: true })).body;
    assert.deepEqual(list.scanners, []);
    assert.deepEqual(
      list.keyboards.map((k: { id: string; looks_like_scanner: boolean }) => [
        k.id,
        k.looks_like_scanner,
      ]),
      [
        ['046d:c31c:LOGI', false],
        ['1a86:e026:NONAME', true],
      ],
    );
    assert.deepEqual(seen, [], 'nothing read from either');
    assert.deepEqual(await cartCodes(d, 'kiosk'), []);
    assert.ok(
      !d.logs.some((l) => l.includes('2100000000029')),
      'what the keyboards typed is never logged',
    );
    assert.ok(d.logs.some((l) => /1a86:e026:NONAME types like a scanner/.test(l)));

    const adopt = await d.request('PATCH', '/api/v1/scanners/1a86%3Ae026%3ANONAME', {
      body: { is_scanner: true },
      admin: true,
    });
    assert.equal(adopt.status, 200);
    assert.deepEqual(
      [adopt.body.kind, adopt.body.connected, adopt.body.on_list],
      ['keyboard', true, false],
    );
    // Read at once: no re-plug, no restart.
    assert.equal((await simulate(d, scanner, keyReports('2100000000029', 'us'))).status, 200);
    assert.deepEqual(await cartCodes(d, 'kiosk'), ['2100000000029']);
    // The list entry is asked of root (pos-scanner-rules) through the request file …
    const request = await readFile(path.join(d.dataDir, 'scanners.adopt'), 'utf8');
    assert.match(
      request,
      /^1a86:e026 {3}# Simulated scanner, adopted in Admin - Scanners on \d{4}-\d\d-\d\d\n$/,
    );
    // … and once the list has it, the daemon says so without a restart (it watches the list).
    const owner = {};
    const changed = new Promise((resolve) =>
      d.app.events.on(owner, 'scanners.changed', (e) => {
        if (e.scanners.some((s) => s.id === '1a86:e026:NONAME' && s.on_list)) resolve(true);
      }),
    );
    await writeFile(file, '0c2e:*   # Honeywell\n' + request);
    assert.equal(await changed, true);
  } finally {
    await d.stop();
  }
});
