/**
 * USB HID scanners in a running daemon, through the demo simulator (SCANNER_SIMULATOR=1):
 * recorded reports enter a virtual device and take the real path — manager, reader, decoder,
 * pairing, routing, checkout. This machine has no USB, so no real device can be plugged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { germanKeyReports, loadFixture, posReport } from '../helpers/scanner-fixtures.js';

// A vendor that is not on the shipped scanner list: read here because the operator listed it.
async function listWith(entry: string): Promise<string> {
  const file = path.join(await tempDir(), 'scanners.list');
  await writeFile(file, `${entry}   # the shop's own scanner\n`);
  return file;
}
const WEDGE = { vendor_id: 0x1234, product_id: 0x0c03, serial: 'WEDGE-1', kind: 'keyboard' };
const WEDGE_ID = '1234:0c03:WEDGE-1';
const POS = { vendor_id: 0x0c2e, product_id: 0x0b81, serial: 'POS-1', kind: 'hid_pos' };
const POS_ID = '0c2e:0b81:POS-1';

const simulate = (d: TestDaemon, device: object, reports: string[]) =>
  d.post('/api/v1/scanners/simulate', { ...device, reports }, { admin: true });

const fixtureReports = (name: string) => loadFixture(name).reports.map((r) => r.hex);

async function cartCodes(d: TestDaemon, terminal: string): Promise<string[]> {
  const c = await d.get(`/api/v1/terminals/${terminal}/cart`);
  return c.body.lines.flatMap((l: { barcode: string; quantity: number }) =>
    Array(l.quantity).fill(l.barcode),
  );
}

test('DE keyboard-wedge EAN-13 and HID POS scans land in the paired terminal’s cart; pairing by scanning', async () => {
  const d = await startDaemon({
    env: {
      SCANNER_SIMULATOR: '1',
      SCANNER_LIST: await listWith('1234:0c03'),
      SCANNER_KEYBOARD_LAYOUT: 'de',
    },
  });
  try {
    // Unpaired: plug-and-scan goes to the kiosk.
    assert.equal((await simulate(d, WEDGE, fixtureReports('kbd-de-ean13-enter'))).status, 200);
    assert.equal((await simulate(d, POS, fixtureReports('pos-ean13'))).status, 200);
    assert.deepEqual(await cartCodes(d, 'kiosk'), ['2100000000029', '2100000000036']);

    // Pair both with till-4 by scanning the code the terminal shows.
    const { secret } = (await d.get('/api/v1/scanner/pairing-secret?terminal_id=till-4')).body;
    assert.equal((await simulate(d, WEDGE, germanKeyReports(secret))).status, 200);
    assert.equal((await simulate(d, POS, [posReport(secret)])).status, 200);
    const list = (await d.get('/api/v1/scanners', { admin: true })).body.scanners;
    const byId = new Map(list.map((s: { id: string }) => [s.id, s]));
    assert.equal((byId.get(WEDGE_ID) as { terminal_id: string }).terminal_id, 'till-4');
    assert.equal((byId.get(POS_ID) as { terminal_id: string }).terminal_id, 'till-4');

    await simulate(d, WEDGE, fixtureReports('kbd-de-ean13-enter'));
    await simulate(d, POS, fixtureReports('pos-ean13'));
    assert.deepEqual(await cartCodes(d, 'till-4'), ['2100000000029', '2100000000036']);
    assert.deepEqual(
      await cartCodes(d, 'kiosk'),
      ['2100000000029', '2100000000036'],
      'kiosk unchanged',
    );
    for (const t of ['kiosk', 'till-4'])
      for (const c of await cartCodes(d, t)) assert.doesNotMatch(c, /POSLINK/);

    // Unplugged, the paired wedge stays listed, with its kind, as disconnected.
    await d.post('/api/v1/scanners/simulate', { ...WEDGE, unplug: true }, { admin: true });
    const after = (await d.get('/api/v1/scanners', { admin: true })).body.scanners;
    const w = after.find((s: { id: string }) => s.id === WEDGE_ID);
    assert.deepEqual([w.kind, w.connected, w.terminal_id], ['keyboard', false, 'till-4']);
  } finally {
    await d.stop();
  }
});

test('an unmarked keyboard is never read; marking it as a scanner in the admin API makes it one', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const r = await simulate(d, WEDGE, fixtureReports('kbd-us-ean13-enter'));
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'scanner_not_open');
    const listed = (await d.get('/api/v1/scanners', { admin: true })).body;
    assert.deepEqual(listed.scanners, []);
    assert.deepEqual(
      listed.keyboards.map((k: { id: string; enabled: boolean }) => [k.id, k.enabled]),
      [[WEDGE_ID, false]],
    );
    // Naming it alone does not make it a scanner.
    const named = await d.request('PATCH', `/api/v1/scanners/${encodeURIComponent(WEDGE_ID)}`, {
      body: { name: 'Kasse 1 Handscanner' },
      admin: true,
    });
    assert.equal(named.status, 200);
    const again = (await d.get('/api/v1/scanners', { admin: true })).body;
    assert.deepEqual(again.scanners, []);
    assert.equal(again.keyboards[0].name, 'Kasse 1 Handscanner');
    const p = await d.request('PATCH', `/api/v1/scanners/${encodeURIComponent(WEDGE_ID)}`, {
      body: { is_scanner: true, layout: 'us' },
      admin: true,
    });
    assert.equal(p.status, 200);
    assert.equal(p.body.kind, 'keyboard');
    assert.equal(p.body.layout, 'us');
    assert.equal(p.body.connected, true);
    assert.equal((await simulate(d, WEDGE, fixtureReports('kbd-us-ean13-enter'))).status, 200);
    // 4006381333931 is not in the demo catalog: checkout reports it unknown; nothing added.
    assert.deepEqual(await cartCodes(d, 'kiosk'), []);
    assert.equal((await simulate(d, WEDGE, fixtureReports('kbd-de-ean13-enter'))).status, 200);
    assert.deepEqual(await cartCodes(d, 'kiosk'), ['2100000000029']);
  } finally {
    await d.stop();
  }
});

test('unplug closes the scanner; the paired scanner stays listed as disconnected; health counts attached', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const changes: number[] = [];
    d.app.events.on(changes, 'scanners.changed', (e) =>
      changes.push(e.scanners.filter((s) => s.connected).length),
    );
    await simulate(d, POS, []);
    assert.equal((await d.get('/api/v1/health')).body.scanners.attached, 1);
    const { secret } = (await d.get('/api/v1/scanner/pairing-secret?terminal_id=till-1')).body;
    await simulate(d, POS, [posReport(secret)]);
    const u = await d.post('/api/v1/scanners/simulate', { ...POS, unplug: true }, { admin: true });
    assert.equal(u.status, 200);
    assert.equal((await d.get('/api/v1/health')).body.scanners.attached, 0);
    const s = (await d.get('/api/v1/scanners', { admin: true })).body.scanners;
    assert.deepEqual(
      s.map((x: { id: string; connected: boolean; terminal_id: string }) => [
        x.id,
        x.connected,
        x.terminal_id,
      ]),
      [[POS_ID, false, 'till-1']],
    );
    assert.equal(changes.at(-1), 0);
    assert.ok(changes.includes(1));
    // Plugged in again: same id, same pairing.
    await simulate(d, POS, fixtureReports('pos-ean13'));
    assert.deepEqual(await cartCodes(d, 'till-1'), ['2100000000036']);
  } finally {
    await d.stop();
  }
});

test('a disabled HID scanner is closed and its reports go nowhere', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    await simulate(d, POS, []);
    const p = await d.request('PATCH', `/api/v1/scanners/${encodeURIComponent(POS_ID)}`, {
      body: { enabled: false },
      admin: true,
    });
    assert.equal(p.body.enabled, false);
    assert.equal((await d.get('/api/v1/health')).body.scanners.attached, 0);
    const r = await simulate(d, POS, fixtureReports('pos-ean13'));
    assert.equal(r.status, 409);
    assert.deepEqual(await cartCodes(d, 'kiosk'), []);
  } finally {
    await d.stop();
  }
});

test('POST /api/v1/scanners/simulate: admin only, off without SCANNER_SIMULATOR, bad reports → 400', async () => {
  const off = await startDaemon();
  try {
    const r = await simulate(off, POS, []);
    assert.equal(r.status, 404);
  } finally {
    await off.stop();
  }
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    assert.equal((await d.post('/api/v1/scanners/simulate', { ...POS, reports: [] })).status, 401);
    for (const reports of [['zz'], [42], 'x', ['00'.repeat(65)]]) {
      const r = await simulate(d, POS, reports as string[]);
      assert.equal(r.status, 400, JSON.stringify(reports));
    }
    const k = await d.post(
      '/api/v1/scanners/simulate',
      { ...POS, kind: 'mouse', reports: [] },
      { admin: true },
    );
    assert.equal(k.status, 400);
  } finally {
    await d.stop();
  }
});

test('SCANNER_SIMULATOR is refused in production', async () => {
  const { loadConfig } = await import('../../daemon/config.js');
  assert.throws(
    () =>
      loadConfig({
        POS_ENV_FILE: '',
        APP_ENV: 'production',
        ADMIN_TOKEN: 'Zq8vN3kR7tW2xB5mC9pL4dF6',
        SCANNER_API_SECRET: 'Hs4jK8nP2qV6wY9zT3bM7cR5',
        SCANNER_PAIRING_SIGNING_SECRET: 'Lm5nB8vC2xZ7aS4dF9gH3jK6',
        SCANNER_SIMULATOR: '1',
      }),
    /SCANNER_SIMULATOR/,
  );
});
