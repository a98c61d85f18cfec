/**
 * The daemon's access log never shows the secret tokens carried in paths: SumUp callbacks
 * (/api/v1/payments/sumup_solo|sumup_tap/callback/<sale>/<token>) and receipt pages
 * (/r/<token>). Real daemon, real requests (the Solo callback is POSTed by the fake SumUp
 * server), the daemon's own log lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sale } from '../../daemon/protocol.js';
import { redactPath } from '../../daemon/http/redact.js';
import { fillCart, pay, startRig, waitForSale } from '../helpers/sumup.js';

test('access log: SumUp callback and receipt tokens are replaced by "…"; the rest of the path stays', async () => {
  const rig = await startRig({
    env: { SUMUP_AFFILIATE_KEY: 'aff-7ca84f17-84a5', SUMUP_APP_ID: 'com.example.counterpos' },
  });
  const { d, fake } = rig;
  try {
    // Solo: SumUp's callback carries our token in the return_url.
    await fillCart(d, 'kiosk');
    const solo = await pay(d, 'kiosk', 'sumup_solo');
    assert.equal(solo.status, 201, solo.text);
    const [checkout] = [...fake.checkouts.values()];
    const soloToken = checkout.return_url!.split('/').at(-1)!;
    await fake.present(rig.readerId, 'approve');
    const paid = await waitForSale(d, solo.body.id, (s) => s.state !== 'pending');
    assert.equal(paid.payment.woken_by, 'callback', 'the callback request was served');

    // The customer's receipt page, also spelled in upper case (the router ignores case).
    const receipt = await d.get(`/api/v1/sales/${paid.id}/receipt`);
    assert.equal(receipt.status, 200, receipt.text);
    const receiptToken: string = receipt.body.token;
    assert.equal(
      (await d.get(`/r/${receiptToken}`, { headers: { accept: 'text/html' } })).status,
      200,
    );
    await d.get(`/R/${receiptToken}`, { headers: { accept: 'text/html' } });

    // Tap to Pay: the phone opens the callback URL with our token (here: a failed payment).
    await fillCart(d, 'kiosk');
    const tap: Sale = (await pay(d, 'kiosk', 'sumup_tap')).body;
    const cb = new URL(new URL(tap.payment.app_switch_url as string).searchParams.get('callback')!)
      .pathname;
    const tapToken = cb.split('/').at(-1)!;
    const page = await d.get(`${cb}?smp-status=failed`);
    assert.equal(page.status, 200, page.text);

    const log = d.logs.join('\n');
    for (const [what, token] of [
      ['solo callback', soloToken],
      ['receipt', receiptToken],
      ['tap callback', tapToken],
    ]) {
      assert.ok(token.length >= 20, `${what} token found`);
      assert.equal(log.includes(token), false, `the ${what} token is not in the log`);
    }
    // The request lines are still there, with sale ids.
    assert.match(log, new RegExp(`POST /api/v1/payments/sumup_solo/callback/${paid.id}/… 200`));
    assert.match(log, new RegExp(`GET /api/v1/payments/sumup_tap/callback/${tap.id}/… 200`));
    assert.match(log, /GET \/r\/… 200/);
    assert.match(log, /GET \/R\/… /);
  } finally {
    await rig.stop();
  }
});

test('redactPath: only the token part of secret paths is hidden', () => {
  assert.equal(
    redactPath('/api/v1/payments/sumup_solo/callback/s_20260101_1/abc123'),
    '/api/v1/payments/sumup_solo/callback/s_20260101_1/…',
  );
  assert.equal(
    redactPath('/api/v1/payments/sumup_tap/callback/abc123'),
    '/api/v1/payments/sumup_tap/callback/…',
  );
  assert.equal(redactPath('//r//abc123'), '//r//…');
  assert.equal(redactPath('/api/v1/sales/s_20260101_1'), '/api/v1/sales/s_20260101_1');
  assert.equal(redactPath('/receipts'), '/receipts');
  assert.equal(redactPath('/r'), '/r');
});
