import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DATA_DIR_MARKER,
  JsonDocument,
  removeStaleTemps,
  StorageError,
  Store,
  writeFileDurable,
  writeFileDurableOffLoop,
  writeThreadStats,
} from '../../daemon/store/index.js';
import { tempDir } from '../helpers/daemon.js';

const dirs: string[] = [];
async function dir(): Promise<string> {
  const d = await tempDir('pos-store-');
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/**
 * Counts FileHandle.sync() calls (fsync(2)) made while `fn` runs. The FileHandle prototype is
 * shared by every handle fs/promises opens, so this sees the store's own handles.
 */
async function countFsyncs(fn: () => Promise<unknown>): Promise<number> {
  const probe = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const original = proto.sync;
  let count = 0;
  proto.sync = function (this: unknown) {
    count++;
    return original.call(this);
  };
  try {
    await fn();
  } finally {
    proto.sync = original;
  }
  return count;
}

interface Counter {
  n: number;
  items: number[];
}
const counterOpts = (file: string) => ({
  name: path.basename(file),
  file,
  schemaVersion: 1,
  defaults: (): Counter => ({ n: 0, items: [] }),
});

async function openDoc<T>(opts: ConstructorParameters<typeof JsonDocument<T>>[0]) {
  const doc = new JsonDocument<T>(opts);
  await doc.load();
  return doc;
}

test('writeFileDurable(file, data) writes, fsyncs file and directory, leaves no temp file', async () => {
  const d = await dir();
  const file = path.join(d, 'a.json');
  await writeFile(file, 'old');
  const syncs = await countFsyncs(() => writeFileDurable(file, 'new content'));
  assert.equal(await readFile(file, 'utf8'), 'new content');
  assert.equal(syncs, 2, 'one fsync for the temp file, one for the directory');
  assert.deepEqual(await readdir(d), ['a.json']);
});

test('writeFileDurable() into a missing directory fails and leaves nothing behind', async () => {
  const d = await dir();
  await assert.rejects(writeFileDurable(path.join(d, 'nope', 'a.json'), 'x'), /ENOENT/);
  assert.deepEqual(await readdir(d), []);
});

test('removeStaleTemps(dir) deletes only temp files writeFileDurable leaves behind', async () => {
  const d = await dir();
  await writeFile(path.join(d, '.catalog.json.4242.0a1b2c3d.tmp'), '{"torn');
  await writeFile(path.join(d, 'catalog.json'), '{}');
  await writeFile(path.join(d, 'notes.tmp'), 'operator file');
  const removed = await removeStaleTemps(d);
  assert.deepEqual(removed, ['.catalog.json.4242.0a1b2c3d.tmp']);
  assert.deepEqual((await readdir(d)).sort(), ['catalog.json', 'notes.tmp']);
});

test('Store.init() creates DATA_DIR with its marker and clears stale temp files', async () => {
  const d = path.join(await dir(), 'nested', 'data');
  const store = new Store(d);
  await store.init();
  await writeFile(path.join(d, '.x.json.1.deadbeef.tmp'), 'junk');
  await store.init(); // second start: marker kept, temp removed
  assert.deepEqual((await readdir(d)).sort(), [DATA_DIR_MARKER]);
});

test('JsonDocument: a missing file starts from defaults; update() persists it', async () => {
  const file = path.join(await dir(), 'c.json');
  const doc = await openDoc(counterOpts(file));
  assert.equal(doc.created, true);
  assert.deepEqual(doc.data, { n: 0, items: [] });
  await assert.rejects(stat(file), /ENOENT/, 'defaults are not written until a change');
  const r = await doc.update((d) => {
    d.n = 5;
    return 'result';
  });
  assert.equal(r, 'result');
  const onDisk = JSON.parse(await readFile(file, 'utf8'));
  assert.deepEqual(onDisk, { schema_version: 1, data: { n: 5, items: [] } });
  const again = await openDoc(counterOpts(file));
  assert.equal(again.created, false);
  assert.equal(again.data.n, 5);
});

test('writeFileDurableOffLoop(file, data) writes on the write thread: fsyncs file and directory, no temp left', async () => {
  const d = await dir();
  const file = path.join(d, 'a.json');
  await writeFile(file, 'old');
  const before = writeThreadStats();
  const loopSyncs = await countFsyncs(() => writeFileDurableOffLoop(file, 'new content'));
  const after = writeThreadStats();
  assert.equal(await readFile(file, 'utf8'), 'new content');
  assert.equal(after.writes - before.writes, 1);
  assert.equal(
    after.fsyncs - before.fsyncs,
    2,
    'one fsync for the temp file, one for the directory',
  );
  assert.equal(loopSyncs, 0, 'the event loop made no fs calls of its own');
  assert.deepEqual(await readdir(d), ['a.json']);
});

test('writeFileDurableOffLoop() failures reject with the system error code and leave nothing behind', async () => {
  const d = await dir();
  await assert.rejects(
    writeFileDurableOffLoop(path.join(d, 'nope', 'a.json'), 'x'),
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT' && /ENOENT/.test(err.message),
  );
  // The rename fails (a directory is in the way): the temp file is removed again.
  await mkdir(path.join(d, 'busy.json'));
  await writeFile(path.join(d, 'busy.json', 'x'), 'keep');
  await assert.rejects(
    writeFileDurableOffLoop(path.join(d, 'busy.json'), 'x'),
    (err: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(err.code ?? ''),
  );
  assert.deepEqual(await readdir(d), ['busy.json']);
  // The thread still serves the next write.
  await writeFileDurableOffLoop(path.join(d, 'ok.json'), 'fine');
  assert.equal(await readFile(path.join(d, 'ok.json'), 'utf8'), 'fine');
});

test('JsonDocument: a change made on the next turn of the event loop joins the pending write', async () => {
  const file = path.join(await dir(), 'c.json');
  const doc = await openDoc(counterOpts(file));
  const before = writeThreadStats().writes;
  const first = doc.update((d) => void (d.n = 1));
  // A request handled in the next poll phase (after this turn's immediates) is still in time.
  const second = new Promise<void>((resolve, reject) =>
    setImmediate(() => doc.update((d) => void (d.n = 2)).then(resolve, reject)),
  );
  await Promise.all([first, second]);
  assert.equal(writeThreadStats().writes - before, 1, 'one write carried both changes');
  assert.equal(JSON.parse(await readFile(file, 'utf8')).data.n, 2);
});

test('JsonDocument: 100 concurrent updates lose nothing and are coalesced', async () => {
  const file = path.join(await dir(), 'c.json');
  const doc = await openDoc(counterOpts(file));
  const before = writeThreadStats();
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      doc.update((d) => {
        d.n += 1;
        d.items.push(i);
      }),
    ),
  );
  const after = writeThreadStats();
  const writes = after.writes - before.writes;
  const reopened = await openDoc(counterOpts(file));
  assert.equal(reopened.data.n, 100);
  assert.deepEqual(
    [...reopened.data.items].sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
  // Coalescing means far fewer than 100 writes; each write fsyncs the file and the directory.
  assert.ok(writes >= 1 && writes < 10, `${writes} writes for 100 updates`);
  assert.equal(after.fsyncs - before.fsyncs, 2 * writes);
  await doc.idle();
});

test('JsonDocument: every update() resolves only after its change is on disk', async () => {
  const file = path.join(await dir(), 'c.json');
  const doc = await openDoc(counterOpts(file));
  for (let i = 1; i <= 5; i++) {
    await doc.update((d) => void (d.n = i));
    assert.equal(JSON.parse(await readFile(file, 'utf8')).data.n, i);
  }
});

test('JsonDocument: the migration hook runs, in order, and the result is persisted', async () => {
  const file = path.join(await dir(), 'm.json');
  await writeFile(file, JSON.stringify({ schema_version: 1, data: { count: 7 } }));
  const calls: number[] = [];
  const opts = {
    name: 'm.json',
    file,
    schemaVersion: 3,
    defaults: () => ({ total: 0, unit: '' }),
    migrations: {
      1: (d: unknown) => {
        calls.push(1);
        return { total: (d as { count: number }).count };
      },
      2: (d: unknown) => {
        calls.push(2);
        return { ...(d as object), unit: 'cents' };
      },
    },
  };
  const doc = await openDoc<{ total: number; unit: string }>(opts);
  assert.deepEqual(calls, [1, 2]);
  assert.deepEqual(doc.data, { total: 7, unit: 'cents' });
  assert.equal(doc.state.state, 'ok');
  const onDisk = JSON.parse(await readFile(file, 'utf8'));
  assert.deepEqual(onDisk, { schema_version: 3, data: { total: 7, unit: 'cents' } });
  // Reopening does not migrate again.
  calls.length = 0;
  await openDoc<{ total: number; unit: string }>(opts);
  assert.deepEqual(calls, []);
});

/** Opens `content` as a document and checks it is refused and the bytes are kept. */
async function refusedAndKept(
  content: string,
  state: 'corrupt' | 'unreadable',
  message: RegExp,
  extra: Partial<ConstructorParameters<typeof JsonDocument<Counter>>[0]> = {},
) {
  const file = path.join(await dir(), 'bad.json');
  await writeFile(file, content);
  const doc = await openDoc<Counter>({ ...counterOpts(file), ...extra });
  assert.equal(doc.state.state, state);
  assert.match((doc.state as { message: string }).message, message);
  assert.deepEqual(doc.data, { n: 0, items: [] }, 'runs on defaults');
  await assert.rejects(
    doc.update((d) => void (d.n = 1)),
    (err: unknown) => err instanceof StorageError && /read-only/.test(err.message),
  );
  await doc.flush();
  await doc.idle();
  assert.equal(await readFile(file, 'utf8'), content, 'file bytes untouched');
  assert.deepEqual(await readdir(path.dirname(file)), ['bad.json']);
}

test('JsonDocument: invalid JSON is reported corrupt and never overwritten', async () => {
  await refusedAndKept('{"schema_version": 1, "data": {"n": 3,', 'corrupt', /corrupt JSON/);
});

test('JsonDocument: JSON that is not a {schema_version, data} envelope is corrupt', async () => {
  await refusedAndKept('[1,2,3]', 'corrupt', /not a \{schema_version, data\} document/);
  await refusedAndKept('{"schema_version":"1","data":{}}', 'corrupt', /not a version number/);
});

test('JsonDocument: a newer schema_version is refused, not downgraded', async () => {
  await refusedAndKept('{"schema_version": 9, "data": {"n": 1}}', 'corrupt', /newer than/);
});

test('JsonDocument: a missing or failing migration marks the document corrupt', async () => {
  await refusedAndKept(
    '{"schema_version": 1, "data": {}}',
    'corrupt',
    /no migration from schema_version 1/,
    {
      schemaVersion: 2,
    },
  );
  await refusedAndKept('{"schema_version": 1, "data": {}}', 'corrupt', /migration failed: boom/, {
    schemaVersion: 2,
    migrations: {
      1: () => {
        throw new Error('boom');
      },
    },
  });
});

test('JsonDocument: the validate hook refuses valid JSON of the wrong shape', async () => {
  await refusedAndKept('{"schema_version": 1, "data": {"n": null}}', 'corrupt', /n must be/, {
    validate: (d) => (typeof (d as Counter | null)?.n === 'number' ? null : 'n must be a number'),
  });
});

test('JsonDocument: an unreadable path is reported unreadable and kept', async () => {
  const d = await dir();
  const file = path.join(d, 'x.json');
  await mkdir(file); // a directory where the file should be: EISDIR on read
  const doc = await openDoc<Counter>(counterOpts(file));
  assert.equal(doc.state.state, 'unreadable');
  await assert.rejects(
    doc.update(() => {}),
    StorageError,
  );
  assert.ok((await stat(file)).isDirectory());
});

test('Store.document(): one instance per name; states() reports every document', async () => {
  const d = await dir();
  await writeFile(path.join(d, 'broken.json'), 'not json');
  const store = new Store(d);
  await store.init();
  const opts = { name: 'ok.json', schemaVersion: 1, defaults: () => ({ n: 0 }) };
  const a = await store.document(opts);
  assert.equal(await store.document(opts), a);
  await store.document({ name: 'broken.json', schemaVersion: 1, defaults: () => ({}) });
  const states = store.states();
  assert.deepEqual(states['ok.json'], { state: 'ok' });
  assert.equal(states['broken.json'].state, 'corrupt');
});
