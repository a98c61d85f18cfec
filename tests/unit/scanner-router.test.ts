import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../daemon/clock.js';
import { EventBus } from '../../daemon/events.js';
import { memoryLogger } from '../../daemon/log.js';
import { Store } from '../../daemon/store/index.js';
import { PairingSecrets } from '../../daemon/scanners/pairing-secret.js';
import { PairingStore } from '../../daemon/scanners/pairings.js';
import {
  MAX_QUEUED_PER_SCANNER,
  ScanRouter,
  type ScanOutcome,
  type ScanRequest,
} from '../../daemon/scanners/router.js';
import { tempDir } from '../helpers/daemon.js';

/** A checkout stand-in whose answers the test releases by hand. */
class HeldSink {
  calls: ScanRequest[] = [];
  private pending: Array<(o: ScanOutcome) => void> = [];
  scan(req: ScanRequest): Promise<ScanOutcome> {
    this.calls.push(req);
    return new Promise((resolve) => this.pending.push(resolve));
  }
  releaseAll(): void {
    for (const r of this.pending.splice(0)) r({ result: 'added' });
  }
}

async function make() {
  const store = new Store(await tempDir());
  await store.init();
  const pairings = await PairingStore.open(store);
  const clock = new ManualClock();
  const events = new EventBus();
  const secrets = new PairingSecrets({
    prefix: 'POSLINK-',
    signingSecret: 'router-test-secret-123456',
    maxLength: 48,
    maxAgeDays: 30,
    clock,
    handles: pairings,
  });
  const sink = new HeldSink();
  const refused: unknown[] = [];
  events.on(refused, 'scan.refused', (e) => refused.push(e));
  const router = new ScanRouter({
    secrets,
    pairings,
    sink,
    events,
    clock,
    log: memoryLogger(),
    defaultTerminalId: 'kiosk',
    onPairingChanged: () => {},
  });
  return { router, sink, secrets, refused };
}

const tick = () => new Promise((r) => setImmediate(r));

test('product scans of one scanner are handed to checkout in order without waiting for each to finish', async () => {
  const { router, sink } = await make();
  const a = router.handle('s1', '111');
  const b = router.handle('s1', '222');
  const c = router.handle('s1', '333');
  await tick();
  assert.deepEqual(
    sink.calls.map((x) => x.barcode),
    ['111', '222', '333'],
  );
  sink.releaseAll();
  assert.deepEqual(
    (await Promise.all([a, b, c])).map((r) => r.result),
    ['added', 'added', 'added'],
  );
});

test('a product scanned right after a pairing code goes to the new terminal', async () => {
  const { router, sink, secrets } = await make();
  const { secret } = await secrets.issue('till-5');
  const p = router.handle('s1', secret);
  const x = router.handle('s1', '444');
  assert.equal((await p).result, 'paired');
  await tick();
  assert.deepEqual(sink.calls, [{ terminal_id: 'till-5', barcode: '444', scanner_id: 's1' }]);
  sink.releaseAll();
  assert.equal((await x).terminal_id, 'till-5');
  // Other scanners are not held up by this one.
  const other = router.handle('s2', '555');
  await tick();
  assert.equal(sink.calls[1].terminal_id, 'kiosk');
  sink.releaseAll();
  await other;
});

test('a scanner whose scans pile up is refused, and its terminal hears why', async () => {
  const { router, secrets, refused, sink } = await make();
  // A pairing scan holds the queue until it is stored; scans behind it wait.
  const { secret } = await secrets.issue('till-1');
  const all = [router.handle('s1', secret)];
  for (let i = 0; i < MAX_QUEUED_PER_SCANNER + 5; i++) all.push(router.handle('s1', String(i)));
  // The ones over the limit are answered at once.
  const over = (await Promise.all(all.slice(MAX_QUEUED_PER_SCANNER))) as Array<{ result: string }>;
  assert.deepEqual(new Set(over.map((r) => r.result)), new Set(['refused']));
  assert.equal(refused.length, 6); // 1 pairing + 63 waiting = the limit; 6 of the 69 products over it
  assert.match((refused[0] as { reason: string; terminal_id: string }).reason, /Too many scans/);
  // The rest go through once the pairing is stored.
  let settled = 0;
  for (const p of all.slice(0, MAX_QUEUED_PER_SCANNER)) void p.then(() => settled++);
  while (settled < MAX_QUEUED_PER_SCANNER) {
    sink.releaseAll();
    await tick();
  }
  assert.equal(sink.calls.length, MAX_QUEUED_PER_SCANNER - 1);
  assert.equal(sink.calls[0].terminal_id, 'till-1');
});
