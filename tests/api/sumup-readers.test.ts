/**
 * Admin reader management against the fake SumUp server: pair by code, list, rename, remove,
 * choose the reader per terminal; checkouts go to the chosen reader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from '../helpers/daemon.js';
import { fillCart, pay, startFakeSumUp, sumupEnv } from '../helpers/sumup.js';

test('admin pairs a Solo by code, names it, assigns it to a till; the till pays on that reader', async () => {
  const fake = await startFakeSumUp();
  const d = await startDaemon({ env: sumupEnv(fake, '') });
  try {
    const before = await d.get('/api/v1/payments/providers/available');
    const solo0 = before.body.find((p: { id: string }) => p.id === 'sumup_solo');
    assert.equal(solo0.available, false);
    assert.match(solo0.reason, /pair a SumUp Solo/);

    const noAuth = await d.post('/api/v1/admin/sumup/readers', {
      pairing_code: 'ABCD2345',
      name: 'Front',
    });
    assert.equal(noAuth.status, 401);

    const front = await d.post(
      '/api/v1/admin/sumup/readers',
      { pairing_code: 'abcd2345', name: 'Front' },
      { admin: true },
    );
    assert.equal(front.status, 201, front.text);
    assert.match(front.body.id, /^rdr_[A-Z0-9]{26}$/);
    assert.equal(front.body.name, 'Front');
    assert.equal(front.body.is_default, true, 'the first paired reader becomes the default');
    const back = await d.post(
      '/api/v1/admin/sumup/readers',
      { pairing_code: 'WXYZ67890', name: 'Back' },
      { admin: true },
    );
    assert.equal(back.status, 201, back.text);
    assert.equal(back.body.is_default, false);

    const renamed = await d.request('PATCH', `/api/v1/admin/sumup/readers/${back.body.id}`, {
      admin: true,
      body: { name: 'Terrace' },
    });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.name, 'Terrace');
    assert.equal(fake.readers.get(back.body.id)!.name, 'Terrace', 'renamed at SumUp');

    const assign = await d.request('PUT', '/api/v1/admin/sumup/terminals/terrace/reader', {
      admin: true,
      body: { reader_id: back.body.id },
    });
    assert.equal(assign.status, 200, assign.text);
    assert.deepEqual(assign.body, { terminal_id: 'terrace', reader_id: back.body.id });

    const list = await d.get('/api/v1/admin/sumup/readers', { admin: true });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.readers.map((r: { name: string }) => r.name).sort(), [
      'Front',
      'Terrace',
    ]);
    assert.deepEqual(
      list.body.readers.find((r: { id: string }) => r.id === back.body.id).terminals,
      ['terrace'],
    );
    assert.equal(list.body.default_reader_id, front.body.id);

    const providers = await d.get('/api/v1/payments/providers/available');
    assert.equal(providers.body.find((p: { id: string }) => p.id === 'sumup_solo').available, true);

    await fillCart(d, 'terrace');
    await fillCart(d, 'kiosk');
    const t = await pay(d, 'terrace', 'sumup_solo');
    const k = await pay(d, 'kiosk', 'sumup_solo');
    assert.equal(t.status, 201, t.text);
    assert.equal(k.status, 201, k.text);
    assert.equal(t.body.payment.reader_id, back.body.id);
    assert.equal(k.body.payment.reader_id, front.body.id);
    assert.deepEqual(
      [...fake.checkouts.values()].map((c) => c.reader_id).sort(),
      [front.body.id, back.body.id].sort(),
    );

    // A reader with a payment in progress cannot be removed.
    const busy = await d.request('DELETE', `/api/v1/admin/sumup/readers/${back.body.id}`, {
      admin: true,
    });
    assert.equal(busy.status, 409);
    await fake.present(back.body.id, 'approve');
    await fake.present(front.body.id, 'decline');
    for (
      let i = 0;
      i < 200 && (await d.get(`/api/v1/sales/${t.body.id}`)).body.state === 'pending';
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    const removed = await d.request('DELETE', `/api/v1/admin/sumup/readers/${back.body.id}`, {
      admin: true,
    });
    assert.equal(removed.status, 204, removed.text);
    assert.equal(fake.readers.has(back.body.id), false, 'removed at SumUp');
    const after = await d.get('/api/v1/admin/sumup/readers', { admin: true });
    assert.deepEqual(after.body.terminal_readers, {}, 'its till assignment is gone');
  } finally {
    await d.stop();
    await fake.stop();
  }
});

test('reader admin: bad input is a clear 4xx and changes nothing', async () => {
  const fake = await startFakeSumUp();
  const reader = fake.addReader('Only');
  const d = await startDaemon({ env: sumupEnv(fake, reader.id) });
  try {
    const cases: Array<[string, string, unknown, number, string]> = [
      [
        'POST',
        '/api/v1/admin/sumup/readers',
        { pairing_code: 'AB', name: 'x' },
        400,
        'invalid_field',
      ],
      ['POST', '/api/v1/admin/sumup/readers', { pairing_code: 'ABCD2345' }, 400, 'invalid_field'],
      [
        'POST',
        '/api/v1/admin/sumup/readers',
        { pairing_code: 'ABCD2345', name: 'x', extra: 1 },
        400,
        'unknown_field',
      ],
      [
        'POST',
        '/api/v1/admin/sumup/readers',
        { pairing_code: 'XNOTSHOWN', name: 'x' },
        404,
        'pairing_code_unknown',
      ],
      ['PATCH', '/api/v1/admin/sumup/readers/rdr_../../x', { name: 'x' }, 400, 'invalid_id'],
      [
        'PATCH',
        `/api/v1/admin/sumup/readers/rdr_${'Z'.repeat(26)}`,
        { name: 'x' },
        404,
        'not_found',
      ],
      ['PATCH', `/api/v1/admin/sumup/readers/${reader.id}`, { name: '' }, 400, 'invalid_field'],
      [
        'PUT',
        '/api/v1/admin/sumup/terminals/kiosk/reader',
        { reader_id: 'nope' },
        400,
        'invalid_id',
      ],
      [
        'PUT',
        '/api/v1/admin/sumup/terminals/bad%20id/reader',
        { reader_id: reader.id },
        400,
        'invalid_id',
      ],
      ['PUT', '/api/v1/admin/sumup/default-reader', { reader_id: 42 }, 400, 'invalid_field'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await d.request(method, path, { admin: true, body });
      assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.error.code, code, `${method} ${path}`);
    }
    assert.equal(fake.readers.size, 1);
    assert.equal(fake.readers.get(reader.id)!.name, 'Only');
    const list = await d.get('/api/v1/admin/sumup/readers', { admin: true });
    assert.deepEqual(list.body.terminal_readers, {});
  } finally {
    await d.stop();
    await fake.stop();
  }
});

test('reader admin without SumUp credentials says what to configure', async () => {
  const d = await startDaemon();
  try {
    const res = await d.get('/api/v1/admin/sumup/readers', { admin: true });
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /SUMUP_API_KEY/);
  } finally {
    await d.stop();
  }
});
