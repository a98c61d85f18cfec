/**
 * The fiscal module's once-per-key signing (daemon/fiscal/index.ts) with the `fake` TSE on real
 * files: a key is answered again only for the same process data; a key signed as paid is never
 * answered as aborted (or the other way round), neither from the module's cache nor, after a
 * restart, from the TSE's own log — that is refused with fiscal_conflict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../daemon/config.js';
import { Fiscal } from '../../daemon/fiscal/index.js';
import { DomainError } from '../../daemon/core/errors.js';
import { ManualClock } from '../../daemon/clock.js';
import { memoryLogger } from '../../daemon/log.js';
import { Store } from '../../daemon/store/index.js';
import type { Sale } from '../../daemon/protocol.js';
import { ROOT, tempDir } from '../helpers/daemon.js';

async function openFiscal(dir: string) {
  const config = loadConfig(
    { POS_ENV_FILE: '', DATA_DIR: dir, APP_ENV: 'demo', FISCAL_PROVIDER: 'fake' },
    ROOT,
  );
  const store = new Store(dir);
  await store.init();
  const fiscal = await Fiscal.open({
    config,
    store,
    log: memoryLogger(),
    clock: new ManualClock(Date.UTC(2026, 4, 4, 10)),
  });
  await fiscal.start();
  return fiscal;
}

function sale(state: Sale['state']): Sale {
  return {
    id: 's_20260504_1',
    number: 1,
    terminal_id: 'kiosk',
    provider: 'fake_card',
    state,
    lines: [
      {
        product_id: 'p',
        barcode: null,
        name: 'P',
        unit_price_cents: 1250,
        vat_rate: 19,
        quantity: 1,
        line_total_cents: 1250,
      },
    ],
    total_cents: 1250,
    tendered_cents: null,
    change_cents: null,
    cashier: null,
    created_at: '2026-05-04T10:00:00.000Z',
    updated_at: '2026-05-04T10:00:00.000Z',
    reason: null,
    payment: {},
  };
}

const conflict = (err: unknown) => {
  assert.ok(err instanceof DomainError, String(err));
  assert.deepEqual([err.status, err.code], [409, 'fiscal_conflict']);
  return true;
};

test('a sale signed as paid is never answered as aborted: refused in the same run and after a restart; the same outcome again answers the same signature', async () => {
  const dir = await tempDir('pos-fiscal-');
  let fiscal = await openFiscal(dir);
  fiscal.begin('s_20260504_1');
  // Approval and cancel asking at the same moment: one is signed, the other refused.
  const [paid, aborted] = await Promise.allSettled([
    fiscal.signSale(sale('succeeded')),
    fiscal.signSale(sale('cancelled')),
  ]);
  assert.equal(paid.status, 'fulfilled');
  const record = paid.status === 'fulfilled' ? paid.value! : null;
  assert.equal(record?.process_data, 'Beleg^12.50_0.00_0.00_0.00_0.00^12.50:Unbar');
  assert.equal(record?.failed, false);
  assert.equal(aborted.status, 'rejected');
  if (aborted.status === 'rejected') conflict(aborted.reason);
  const again = await fiscal.signSale(sale('succeeded'));
  assert.equal(again?.signature, record?.signature, 'a retry is answered, not signed twice');
  const counter = (await fiscal.info()).tse.signature_counter;
  assert.equal(counter, 2, 'one start and one finish signature');
  assert.deepEqual(fiscal.outages(), [], 'a refusal is no outage');
  await fiscal.stop();

  // After a restart the module's memory is empty; the TSE's log still knows the transaction.
  fiscal = await openFiscal(dir);
  await assert.rejects(fiscal.signSale(sale('failed')), conflict);
  const replay = await fiscal.signSale(sale('succeeded'));
  assert.equal(replay?.signature, record?.signature);
  assert.equal((await fiscal.info()).tse.signature_counter, 2);
  await fiscal.stop();
});
