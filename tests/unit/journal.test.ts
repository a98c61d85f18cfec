import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { SalesJournal, type CreatedLine } from '../../daemon/checkout/journal.js';
import { memoryLogger } from '../../daemon/log.js';
import { tempDir } from '../helpers/daemon.js';
import type { Sale } from '../../daemon/protocol.js';

const DAY = '2026-05-04';

function created(number: number): { day: string; line: CreatedLine } {
  const sale = { id: `s_20260504_${number}`, number, state: 'pending' } as Sale;
  return {
    day: DAY,
    line: {
      e: 'created',
      at: '2026-05-04T10:00:00.000Z',
      key: `k${number}`,
      cart_version: 1,
      sale,
    },
  };
}

test('SalesJournal: a failed append is truncated away and its number is reused (no gap, no torn line)', async () => {
  const dir = await tempDir('pos-journal-');
  const j = new SalesJournal({ dir, log: memoryLogger() });
  await j.load(() => {});
  const first = await j.appendCreated(created);
  assert.equal(first.sale.number, 1);
  // The disk fills up in the middle of the next line: half of it is written, then ENOSPC.
  const files = (j as unknown as { files: Map<string, { fh: FileHandle }> }).files;
  const fh = files.get(DAY)!.fh;
  const realWrite = fh.write.bind(fh);
  let failures = 1;
  (fh as { write: unknown }).write = async (buf: Buffer, off: number, len: number, pos: null) => {
    if (failures-- > 0) {
      await realWrite(buf, off, Math.floor(len / 2), pos);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    return realWrite(buf, off, len, pos);
  };
  // The failed sale uses no number: the sale queued behind it gets 2.
  const [failed, second] = await Promise.allSettled([
    j.appendCreated(created),
    j.appendCreated(created),
  ]);
  assert.equal(failed.status, 'rejected');
  assert.equal(second.status === 'fulfilled' && second.value.sale.number, 2);
  const third = await j.appendCreated(created);
  assert.equal(third.sale.number, 3);
  assert.equal(j.lastNumber, 3);
  const lines = (await readFile(j.fileOf(DAY), 'utf8')).split('\n').filter(Boolean);
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).sale.number),
    [1, 2, 3],
  );
  await j.close();
  // Read back by a fresh journal: same numbers, nothing skipped.
  const again = new SalesJournal({ dir, log: memoryLogger() });
  const stats = await again.load(() => {});
  assert.equal(stats.last_number, 3);
  assert.equal(stats.skipped, 0);
  assert.equal(stats.missing_numbers, 0);
});

test('SalesJournal: appends queued during a write are committed as one batch, in order', async () => {
  const dir = await tempDir('pos-journal-');
  const j = new SalesJournal({ dir, log: memoryLogger() });
  await j.load(() => {});
  const all = await Promise.all(Array.from({ length: 50 }, () => j.appendCreated(created)));
  assert.deepEqual(
    all.map((l) => l.sale.number),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  const lines = (await readFile(j.fileOf(DAY), 'utf8')).trim().split('\n');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).sale.number),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  await j.close();
});
