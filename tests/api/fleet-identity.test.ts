/**
 * The appliance id through the real backup and restore API: made at the first start, shown
 * on the admin status route, kept by a plain restore, replaced by `?identity=new` (whose
 * shipping then starts after the restored journal), and the branch name set by admin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN_TOKEN, product, sell, startShop } from '../helpers/shop-ops.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { IDENTITY_FILE } from '../../daemon/fleet/index.js';

const admin = { admin: ADMIN_TOKEN };

async function download(d: TestDaemon): Promise<Buffer> {
  const res = await fetch(`${d.url}/api/v1/admin/backup`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

const restore = (d: TestDaemon, gz: Buffer, query = '') =>
  d.request('POST', `/api/v1/admin/restore${query}`, {
    ...admin,
    raw: gz,
    headers: { 'content-type': 'application/gzip' },
  });

test('appliance id: made at first start, kept by a restore, new with ?identity=new; branch name set by admin', async () => {
  const a = await startShop({ keepData: true });
  let b = (await startShop({ keepData: true })).d;
  let c = (await startShop({ keepData: true })).d;
  try {
    const st = (await a.d.get('/api/v1/admin/fleet/status', admin)).body;
    assert.equal(st.enabled, false);
    assert.match(st.appliance_id, /^[0-9a-f-]{36}$/);
    const onDisk = JSON.parse(await readFile(path.join(a.d.dataDir, IDENTITY_FILE), 'utf8'));
    assert.equal(onDisk.appliance_id, st.appliance_id);
    // The branch name: admin sets it, refused when empty.
    const bad = await a.d.request('PUT', '/api/v1/admin/fleet/branch', {
      ...admin,
      body: { branch_name: ' ' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_field');
    const ok = await a.d.request('PUT', '/api/v1/admin/fleet/branch', {
      ...admin,
      body: { branch_name: 'Filiale Nord' },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.branch_name, 'Filiale Nord');
    assert.equal((await a.d.get('/api/v1/admin/fleet/status')).status, 401);

    await product(a.d, { barcode: 'IDN1', name: 'Brot', price_cents: 300, vat_rate: 7 });
    await sell(a.d, [['IDN1', 1]]);
    const seq = a.d.app.checkout.journal.log.lastSeq;
    const gz = await download(a.d);

    // A plain restore keeps the identity (the same appliance on a new SD card).
    assert.equal((await restore(b, gz)).status, 202);
    assert.equal((await restore(c, gz, '?identity=bogus')).status, 400);
    assert.equal((await restore(c, gz, '?identity=new')).status, 202);
    b = await b.restart();
    c = await c.restart();
    const sb = b.app.fleet.status();
    const sc = c.app.fleet.status();
    assert.equal(sb.appliance_id, st.appliance_id);
    assert.equal(sb.branch_name, 'Filiale Nord');
    // A new identity: another id, the branch name kept, its shipping starts after the restored
    // journal (the cursor file belongs to the new id).
    assert.notEqual(sc.appliance_id, st.appliance_id);
    assert.equal(sc.branch_name, 'Filiale Nord');
    const idc = JSON.parse(await readFile(path.join(c.dataDir, IDENTITY_FILE), 'utf8'));
    assert.equal(idc.since_seq, seq);
    assert.equal(c.app.checkout.journal.log.lastSeq, seq);
    await assert.rejects(readFile(path.join(c.dataDir, 'fleet-new-identity')));
    // Restarted again: the new id stays.
    c = await c.restart();
    assert.equal(c.app.fleet.status().appliance_id, sc.appliance_id);
  } finally {
    for (const d of [a.d, b, c]) {
      await d.stop();
      await rm(d.dataDir, { recursive: true, force: true });
    }
  }
});

test('a damaged fleet-identity.json does not stop the till: it sells, the status says why, nothing is shipped', async () => {
  let { d } = await startShop({
    keepData: true,
    env: { FLEET_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
  });
  try {
    await writeFile(path.join(d.dataDir, IDENTITY_FILE), '{"appliance_id": ');
    d = await d.restart();
    await product(d, { barcode: 'IDB1', name: 'Brot', price_cents: 300, vat_rate: 7 });
    assert.equal((await sell(d, [['IDB1', 1]])).state, 'succeeded');
    const st = (await d.get('/api/v1/admin/fleet/status', admin)).body;
    assert.equal(st.appliance_id, null);
    assert.equal(st.last_error.code, 'fleet_error');
    assert.match(st.last_error.message, /fleet-identity\.json/);
    const put = await d.request('PUT', '/api/v1/admin/fleet/branch', {
      ...admin,
      body: { branch_name: 'X' },
    });
    assert.equal(put.status, 503);
    assert.equal(put.body.error.code, 'storage_unavailable');
    // The file is left as it was, for the operator.
    assert.equal(await readFile(path.join(d.dataDir, IDENTITY_FILE), 'utf8'), '{"appliance_id": ');
  } finally {
    await d.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});
