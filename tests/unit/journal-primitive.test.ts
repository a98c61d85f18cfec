/**
 * The journal primitive (daemon/store/journal.ts, journal-files.ts, journal-handles.ts,
 * journal-migrate.ts) on real files in a temp directory: torn tails at open, group commit,
 * places and streaming readers, and failed writes made by the kernel (a file size limit; a
 * device that takes no data), never by a patched file handle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Journal, type Committed } from '../../daemon/store/journal.js';
import { StorageError } from '../../daemon/store/index.js';
import { memoryLogger } from '../../daemon/log.js';
import { ROOT, tempDir } from '../helpers/daemon.js';

const run = promisify(execFile);

interface Entry {
  n: number;
  text?: string;
}

const isEntry = (v: unknown): v is Entry => typeof (v as Entry | null)?.n === 'number';

function journal(dir: string, log = memoryLogger(), maxOpen?: number) {
  return {
    log,
    j: new Journal<Entry>({ dir, name: 'test journal', log, partition: /^p\d$/, isEntry, maxOpen }),
  };
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');

async function entries(j: Journal<Entry>, p: string): Promise<Array<Entry & { q: number }>> {
  const out: Array<Entry & { q: number }> = [];
  await j.readPartition(p, (e) => out.push(e));
  return out;
}

test('open(): a torn last line is moved to <file>.torn-<offset>, the file keeps every complete line, and appends go on from the last q', async () => {
  const dir = await tempDir('pos-jp-torn-');
  const complete = '{"n":1,"q":1}\n{"n":2,"q":2}\n';
  await writeFile(path.join(dir, 'p1.jsonl'), complete + '{"n":3,"te');
  const { j, log } = journal(dir);
  const stats = await j.open();
  assert.deepEqual(stats, { partitions: 1, torn: 1, migrated: 0 });
  assert.equal(await readFile(path.join(dir, 'p1.jsonl'), 'utf8'), complete);
  const torn = `p1.jsonl.torn-${Buffer.byteLength(complete)}`;
  assert.equal(await readFile(path.join(dir, torn), 'utf8'), '{"n":3,"te');
  assert.ok(
    log.lines.some((l) => l.includes('WARN') && l.includes('torn last line')),
    log.lines.join('\n'),
  );
  assert.equal(j.lastSeq, 2);
  const c = await j.append('p1', { n: 3 });
  assert.equal(c.entry.q, 3);
  assert.deepEqual(c.place, { offset: Buffer.byteLength(complete), length: 13 });
  assert.deepEqual(await lines(path.join(dir, 'p1.jsonl')), [
    '{"n":1,"q":1}',
    '{"n":2,"q":2}',
    '{"n":3,"q":3}',
    '',
  ]);
  await j.close();
  // A second open finds nothing to repair.
  const again = journal(dir).j;
  assert.deepEqual(await again.open(), { partitions: 1, torn: 0, migrated: 0 });
  assert.equal(again.lastSeq, 3);
  await again.close();
});

test('group commit: appends queued while a write runs are committed as one batch, in order, with consecutive q and counter numbers', async () => {
  const dir = await tempDir('pos-jp-group-');
  const { j } = journal(dir);
  await j.open();
  const batches: Committed<Entry>[][] = [];
  j.onCommitted((b) => batches.push(b));
  const numbered = (partition: string) =>
    j.appendWith((next) => ({ partition, entry: { n: next('n') } }));
  // The first append starts a write at once; the 30 behind it queue while it runs.
  const all = await Promise.all(
    Array.from({ length: 31 }, (_, i) => numbered(i % 3 === 0 ? 'p2' : 'p1')),
  );
  assert.deepEqual(
    batches.map((b) => b.length),
    [1, 30],
  );
  assert.deepEqual(
    all.map((c) => [c.entry.q, c.entry.n]),
    Array.from({ length: 31 }, (_, i) => [i + 1, i + 1]),
  );
  assert.equal(j.counter('n'), 31);
  // One batch touching two partitions: each line sits at the place the journal reported.
  for (const p of ['p1', 'p2']) {
    const mine = all.filter((c) => c.partition === p);
    const back = await j.readPlaces(
      p,
      mine.map((c) => c.place),
    );
    assert.deepEqual(
      back?.map((e) => e.q),
      mine.map((c) => c.entry.q),
    );
    assert.deepEqual(
      (await entries(j, p)).map((e) => e.q),
      mine.map((c) => c.entry.q),
    );
  }
  await j.close();
});

test('a write that fails half-way (EFBIG under a file size limit) fails alone: truncated back, its number reused by the append queued behind it, and the next append works', async () => {
  const dir = await tempDir('pos-jp-efbig-');
  const limitKiB = 4096;
  const big = (limitKiB + 1024) * 1024;
  const fixture = path.join(ROOT, 'tests', 'fixtures', 'journal-efbig.ts');
  const { stdout } = await run(
    'bash',
    [
      '-c',
      `ulimit -f ${limitKiB} && exec "$0" --import tsx "$@"`,
      process.execPath,
      fixture,
      dir,
      String(big),
    ],
    { cwd: ROOT, timeout: 60_000 },
  );
  const out = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.deepEqual(out.a, { n: 1, q: 1 });
  assert.equal(out.big.ok, false);
  assert.equal(out.big.name, 'StorageError');
  assert.equal(out.big.code, 'storage_unavailable');
  assert.match(out.big.message, /EFBIG/);
  assert.match(out.failureAfterBig, /append failed: .*EFBIG/);
  // The queued append is its own batch: it gets the failed one's counter number and q.
  assert.deepEqual(out.c, { n: 2, q: 2 });
  assert.equal(out.failureAfterC, null);
  assert.deepEqual(out.d, { n: 3, q: 3 });
  // Nothing of the big line is left in the file: no fragment in front of the next line.
  const file = path.join(dir, 'p1.jsonl');
  assert.deepEqual(await lines(file), ['{"n":1,"q":1}', '{"n":2,"q":2}', '{"n":3,"q":3}', '']);
  assert.ok((await stat(file)).size < 100);
  const { j } = journal(dir);
  assert.deepEqual(await j.open(), { partitions: 1, torn: 0, migrated: 0 });
  assert.equal(j.lastSeq, 3);
  await j.close();
});

test('a failed write that cannot be undone (a device that takes no data and cannot be truncated) makes the journal refuse every later append until restart', async () => {
  const dir = await tempDir('pos-jp-broken-');
  await writeFile(path.join(dir, 'p1.jsonl'), '');
  // p2's file is /dev/full: every write is ENOSPC, and a character device cannot be truncated.
  await symlink('/dev/full', path.join(dir, 'p2.jsonl'));
  const { j, log } = journal(dir);
  await j.open();
  await j.append('p1', { n: 1 });
  await assert.rejects(j.append('p2', { n: 2 }), (err: unknown) => {
    assert.ok(err instanceof StorageError);
    assert.match(err.message, /ENOSPC/);
    return true;
  });
  assert.match(j.writeFailure ?? '', /could not be undone.*refusing writes until restart/);
  assert.ok(log.lines.some((l) => l.includes('ERROR') && l.includes('could not be undone')));
  // Even a healthy partition is refused now: the journal's state is unknown.
  await assert.rejects(j.append('p1', { n: 3 }), /refusing writes until restart/);
  await j.close();
  assert.deepEqual(await lines(path.join(dir, 'p1.jsonl')), ['{"n":1,"q":1}', '']);
  assert.equal(j.lastSeq, 1);
});

test('an entry for a partition the journal does not own is refused alone, also inside a batch with good entries; the journal keeps working', async () => {
  const dir = await tempDir('pos-jp-part-');
  const { j } = journal(dir);
  await j.open();
  await assert.rejects(j.append('../evil', { n: 1 }), /"\.\.\/evil" is not a partition of it/);
  const ok = await j.append('p1', { n: 2 });
  assert.equal(ok.entry.q, 1);
  assert.equal(j.writeFailure, null);
  // The first append starts a write; the three behind it form one batch. Each draws a number.
  const numbered = (partition: string) =>
    j.appendWith((next) => ({ partition, entry: { n: next('n') } }));
  const [first, good, bad, alsoGood] = await Promise.allSettled([
    numbered('p1'),
    numbered('p1'),
    numbered('nope'),
    numbered('p2'),
  ]);
  assert.equal(first.status, 'fulfilled');
  assert.equal(bad.status, 'rejected');
  assert.match(String((bad as PromiseRejectedResult).reason), /"nope" is not a partition of it/);
  // The good ones are written; the refused one's number goes to the next entry (no gap).
  assert.deepEqual(
    [good, alsoGood].map((r) =>
      r.status === 'fulfilled' ? [r.value.entry.q, r.value.entry.n] : r.reason.message,
    ),
    [
      [3, 2],
      [4, 3],
    ],
  );
  assert.equal(j.counter('n'), 3);
  assert.equal(j.writeFailure, null);
  await j.close();
  assert.deepEqual((await readdir(dir)).sort(), ['p1.jsonl', 'p2.jsonl']);
  assert.deepEqual(await lines(path.join(dir, 'p1.jsonl')), [
    '{"n":2,"q":1}',
    '{"n":1,"q":2}',
    '{"n":2,"q":3}',
    '',
  ]);
});

test('readers: a line that is not JSON or not an entry is skipped with a warning; entriesAfter() returns entries past a cursor in q order across partitions', async () => {
  const dir = await tempDir('pos-jp-read-');
  await writeFile(
    path.join(dir, 'p1.jsonl'),
    '{"n":1,"q":1}\nnot json\n{"other":true,"q":2}\n{"n":4,"q":4}\n',
  );
  await writeFile(path.join(dir, 'p2.jsonl'), '{"n":3,"q":3}\n{"n":5,"q":5}\n');
  await writeFile(path.join(dir, 'notes.txt'), 'not a partition\n');
  const { j, log } = journal(dir);
  assert.deepEqual(await j.open(), { partitions: 2, torn: 0, migrated: 0 });
  assert.deepEqual(await j.partitions(), ['p1', 'p2']);
  assert.equal(j.lastSeq, 5);
  const bad: number[] = [];
  const good: number[] = [];
  assert.equal(
    await j.readPartition(
      'p1',
      (e) => good.push(e.n),
      (lineNo) => bad.push(lineNo),
    ),
    true,
  );
  assert.deepEqual(good, [1, 4]);
  assert.deepEqual(bad, [2, 3]);
  assert.equal(log.lines.filter((l) => l.includes('WARN') && l.includes('skipped')).length, 2);
  assert.equal(await j.readPartition('p3', () => {}), false);
  const after = await j.entriesAfter(2, 10);
  assert.deepEqual(
    after.map((x) => [x.partition, x.entry.q]),
    [
      ['p2', 3],
      ['p1', 4],
      ['p2', 5],
    ],
  );
  assert.deepEqual(
    (await j.entriesAfter(3, 1)).map((x) => x.entry.q),
    [4],
  );
  assert.deepEqual(await j.entriesAfter(5, 10), []);
  const c = await j.append('p1', { n: 6 });
  assert.deepEqual(
    (await j.entriesAfter(5, 10)).map((x) => [x.partition, x.entry.q]),
    [['p1', 6]],
  );
  // A place that does not hold a whole line is refused (the caller reads the file instead).
  assert.equal(await j.readPlaces('p1', [{ offset: c.place.offset + 1, length: 5 }]), null);
  await j.close();
});

test('append handles: more partitions than maxOpen are written through reopened handles, every line in its own file', async () => {
  const dir = await tempDir('pos-jp-lru-');
  const { j } = journal(dir, memoryLogger(), 2);
  await j.open();
  for (let round = 0; round < 3; round++)
    for (const p of ['p1', 'p2', 'p3', 'p4']) await j.append(p, { n: round, text: p });
  await j.close();
  for (const p of ['p1', 'p2', 'p3', 'p4']) {
    const { j: r } = journal(dir);
    await r.open();
    const got = await entries(r, p);
    assert.deepEqual(
      got.map((e) => [e.n, e.text]),
      [
        [0, p],
        [1, p],
        [2, p],
      ],
    );
  }
});
