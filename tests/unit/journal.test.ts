import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  JOURNAL_INDEX_DOC,
  SalesJournal,
  type CreatedLine,
  type JournalIndexData,
} from '../../daemon/checkout/journal.js';
import { replayAfter, type ShopEntry, type ShopJournal } from '../../daemon/closing/entries.js';
import { Store } from '../../daemon/store/index.js';
import { memoryLogger } from '../../daemon/log.js';
import { tempDir } from '../helpers/daemon.js';
import type { Refund, Sale } from '../../daemon/protocol.js';

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
  const files = (j.log as unknown as { files: Map<string, { fh: FileHandle }> }).files;
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

test('shop lines by kind: refunds and closing read only the days that hold theirs, also after a start from sales-index.json', async () => {
  const root = await tempDir('pos-journal-shop-');
  const dir = path.join(root, 'sales');
  await mkdir(dir);
  let q = 0;
  const sale = (day: string, n: number) =>
    JSON.stringify({
      e: 'created',
      at: `${day}T10:00:00.000Z`,
      key: `k${n}`,
      cart_version: 1,
      sale: { id: `s_${day.replaceAll('-', '')}_${n}`, number: n, state: 'pending' },
      q: ++q,
    }) +
    '\n' +
    JSON.stringify({
      e: 'update',
      at: `${day}T10:00:01.000Z`,
      id: `s_${day.replaceAll('-', '')}_${n}`,
      state: 'succeeded',
      q: ++q,
    }) +
    '\n';
  const shopText: Record<string, string> = {};
  const shopLine = (e: string, day: string, n: number) =>
    (shopText[`${e}${day}`] =
      JSON.stringify({
        e,
        at: `${day}T12:00:00.000Z`,
        key: `${e}${n}`,
        [e]: { number: n },
        q: ++q,
      }) + '\n');
  const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06'];
  let n = 0;
  for (const day of days) {
    let text = sale(day, ++n) + sale(day, ++n);
    if (day === '2026-01-02') text += shopLine('refund', day, 1);
    if (day === '2026-01-03') text += shopLine('z', day, 1) + shopLine('cash', day, 1);
    await writeFile(path.join(dir, `${day}.jsonl`), text + sale(day, ++n));
  }
  const readIndex = async () =>
    (
      JSON.parse(await readFile(path.join(root, 'sales-index.json'), 'utf8')) as {
        data: JournalIndexData;
      }
    ).data;
  const open = async () => {
    const store = new Store(root);
    const index = await store.document<JournalIndexData>(JOURNAL_INDEX_DOC);
    const j = new SalesJournal({ dir, log: memoryLogger(), index });
    const stats = await j.load(() => {});
    return { j, stats };
  };
  // Which days each replay reads, and what it hands over.
  const replay = async (j: SalesJournal, kinds: ShopEntry['e'][], since: string | null) => {
    const read: string[] = [];
    // As app.ts hands checkout's journal to refunds and closing.
    const real = j as unknown as Required<ShopJournal>;
    const spy: ShopJournal = {
      append: () => Promise.resolve(),
      idle: () => real.idle(),
      days: () => real.days(),
      daysWith: (k) => real.daysWith(k),
      readDay: (day, on) => (read.push(day), real.readDay(day, on)),
      readKinds: (day, k, on) => (read.push(day), real.readKinds(day, k, on)),
    };
    const got: string[] = [];
    await replayAfter(
      spy,
      (ms) => new Date(ms).toISOString().slice(0, 10),
      since,
      kinds,
      (l) => got.push(`${l.e}@${l.at.slice(0, 10)}`),
    );
    return { read, got };
  };

  // First start, no index: the start-up scan notes the shop lines.
  const first = await open();
  assert.equal(first.stats.summarised, 0);
  assert.deepEqual(await replay(first.j, ['refund'], null), {
    read: ['2026-01-02'],
    got: ['refund@2026-01-02'],
  });
  assert.deepEqual(await replay(first.j, ['z'], null), {
    read: ['2026-01-03'],
    got: ['z@2026-01-03'],
  });
  // An append is known at once.
  await first.j.append('2026-01-06', {
    e: 'refund',
    at: '2026-01-06T13:00:00.000Z',
    key: 'refund2',
    refund: { number: 2 } as Refund,
  });
  assert.deepEqual((await replay(first.j, ['refund'], null)).read, ['2026-01-02', '2026-01-06']);
  assert.deepEqual((await replay(first.j, ['refund'], '2026-01-05T00:00:00.000Z')).got, [
    'refund@2026-01-06',
  ]);
  await first.j.close();

  // Next start: old days come from sales-index.json unread, and it still knows their lines.
  const second = await open();
  assert.equal(second.stats.summarised, 4);
  assert.deepEqual((await replay(second.j, ['refund', 'z'], null)).read, [
    '2026-01-02',
    '2026-01-03',
    '2026-01-06',
  ]);
  assert.deepEqual((await replay(second.j, ['cash'], null)).got, ['cash@2026-01-03']);
  // The index says where each shop line is, so a replay reads those bytes alone.
  const file2 = await readFile(path.join(dir, '2026-01-02.jsonl'), 'utf8');
  const refundLine = shopText['refund2026-01-02'];
  const at2 = Buffer.byteLength(file2.slice(0, file2.indexOf(refundLine)));
  assert.deepEqual((await readIndex()).files['2026-01-02'].shop_at, [
    ['refund', at2, Buffer.byteLength(refundLine) - 1],
  ]);
  await second.j.close();

  // A recorded place that is wrong (an index from elsewhere): the day is read instead.
  const doc = await readIndex();
  doc.files['2026-01-03'].shop_at = [['z', 5, 40]];
  await writeFile(
    path.join(root, 'sales-index.json'),
    JSON.stringify({ schema_version: 2, data: doc }),
  );
  const third = await open();
  assert.equal(third.stats.summarised, 4);
  assert.deepEqual((await replay(third.j, ['z'], null)).got, ['z@2026-01-03']);
  assert.equal(third.stats.migrated, 0, 'files with sequence numbers are never rewritten');
  await third.j.close();
});

test('start-up scan of an older day larger than its read chunk: every sale counted, lines cut at chunk edges included', async () => {
  const root = await tempDir('pos-journal-scan-');
  const dir = path.join(root, 'sales');
  await mkdir(dir);
  let text = '';
  const total = 8000;
  for (let n = 1; n <= total; n++) {
    const id = `s_20260201_${n}`;
    // Varying lengths (and multi-byte text), so line ends fall anywhere in a chunk.
    const name = `Brötchen ${'x'.repeat(n % 197)}`;
    text +=
      JSON.stringify({
        e: 'created',
        at: '2026-02-01T10:00:00.000Z',
        // One key the prefix pattern cannot take (an escaped quote): that line is parsed.
        key: n === 42 ? `k"${n} ü` : `k${n}`,
        cart_version: n,
        sale: { id, number: n, state: 'pending', lines: [{ name }] },
        q: 2 * n - 1,
      }) + '\n';
    text +=
      JSON.stringify({
        e: 'update',
        at: '2026-02-01T10:00:01.000Z',
        id,
        state: 'succeeded',
        q: 2 * n,
      }) + '\n';
  }
  assert.ok(Buffer.byteLength(text) > 2 * (1 << 20), 'the day spans several read chunks');
  await writeFile(path.join(dir, '2026-02-01.jsonl'), text);
  for (const day of ['2026-02-02', '2026-02-03'])
    await writeFile(path.join(dir, `${day}.jsonl`), '');
  const store = new Store(root);
  const index = await store.document<JournalIndexData>(JOURNAL_INDEX_DOC);
  const j = new SalesJournal({ dir, log: memoryLogger(), index });
  const seen: number[] = [];
  const stats = await j.load((line) => {
    if (line.e === 'created') seen.push(line.sale.number);
  });
  assert.equal(stats.sales, total);
  assert.equal(stats.last_number, total);
  assert.equal(stats.skipped, 0);
  assert.equal(stats.lines, 2 * total);
  // Counted from the bytes alone: no line of that day was parsed for the ledger.
  assert.equal(seen.length, 0);
  assert.deepEqual(index.data.files['2026-02-01'], {
    size: Buffer.byteLength(text),
    mtime_ms: index.data.files['2026-02-01'].mtime_ms,
    sales: total,
    max_number: total,
    pending: 0,
    shop: [],
    shop_at: [],
  });
  await j.close();
});

test('journal primitive: files written before sequence numbers are numbered once, in partition order; later opens keep the numbers', async () => {
  const root = await tempDir('pos-journal-q-');
  const dir = path.join(root, 'sales');
  await mkdir(dir);
  const line = (day: string, n: number, extra: object = {}) =>
    JSON.stringify({
      e: 'created',
      at: `${day}T10:00:00.000Z`,
      key: `k${n}`,
      cart_version: 1,
      sale: { id: `s_${day.replaceAll('-', '')}_${n}`, number: n, state: 'succeeded' },
      ...extra,
    }) + '\n';
  await writeFile(
    path.join(dir, '2026-03-01.jsonl'),
    line('2026-03-01', 1) + line('2026-03-01', 2),
  );
  // A hand-damaged line in the middle is kept as it is; a torn tail is set aside.
  await writeFile(
    path.join(dir, '2026-03-02.jsonl'),
    line('2026-03-02', 3) + 'not json\n' + line('2026-03-02', 4) + '{"e":"crea',
  );
  const j = new SalesJournal({ dir, log: memoryLogger() });
  const stats = await j.load(() => {});
  assert.equal(stats.migrated, 2);
  assert.equal(stats.torn, 1);
  assert.equal(j.log.lastSeq, 4);
  const qs = async (day: string) =>
    (await readFile(path.join(dir, `${day}.jsonl`), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => (l.startsWith('{') ? JSON.parse(l).q : l));
  assert.deepEqual(await qs('2026-03-01'), [1, 2]);
  assert.deepEqual(await qs('2026-03-02'), [3, 'not json', 4]);
  // New entries continue the sequence; appends go after, into any day's file.
  const upd = await j.append('2026-03-01', {
    e: 'update',
    at: '2026-03-03T08:00:00.000Z',
    id: 's_20260301_1',
    state: 'succeeded',
  });
  assert.equal(upd.q, 5);
  await j.close();
  const again = new SalesJournal({ dir, log: memoryLogger() });
  const st2 = await again.load(() => {});
  assert.equal(st2.migrated, 0);
  assert.equal(again.log.lastSeq, 5);
  assert.deepEqual(await qs('2026-03-01'), [1, 2, 5]);
  const after = await again.log.entriesAfter(2, 10);
  assert.deepEqual(
    after.map((x) => [x.partition, x.entry.q]),
    [
      ['2026-03-02', 3],
      ['2026-03-02', 4],
      ['2026-03-01', 5],
    ],
  );
  await again.close();
});
