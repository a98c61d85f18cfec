import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { FIXTURE_DIR } from '../helpers/scanner-fixtures.js';

const CLI = path.join(ROOT, 'scripts', 'scan');

function run(d: TestDaemon, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      CLI,
      ['--url', d.url, ...args],
      { env: { PATH: process.env.PATH ?? '', POS_ENV_FILE: '', ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          out: stdout,
          err: stderr,
        }),
    );
  });
}

test('scripts/scan <barcode>: adds to the default terminal as scanner SCANNER_ID; exit codes tell the result', async () => {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1' } });
  try {
    const ok = await run(d, ['2100000000012'], { SCANNER_ID: 'counter-cli' });
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^2100000000012 → kiosk: added \(1 items, 1\.50\)/);
    const list = (await d.get('/api/v1/scanners', { admin: true })).body.scanners;
    assert.ok(list.some((s: { id: string }) => s.id === 'counter-cli'));

    const unknown = await run(d, ['9999999999994']);
    assert.equal(unknown.code, 3);
    assert.match(unknown.out, /unknown/);

    const wrong = await run(d, ['--secret', 'nope', '2100000000012']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /401 invalid_scanner_secret/);

    const pair = await run(d, ['--id', 'cli-2', '--pair', 'till-9']);
    assert.equal(pair.code, 0, pair.err);
    assert.match(pair.out, /pairing code → till-9: paired/);
    assert.equal((await run(d, ['--id', 'cli-2', '2100000000029'])).code, 0);
    assert.equal((await d.get('/api/v1/terminals/till-9/cart')).body.item_count, 1);

    assert.equal((await run(d, ['--validate'])).code, 0);
    assert.equal((await run(d, [])).code, 2);

    const replay = await run(d, ['--replay', path.join(FIXTURE_DIR, 'kbd-de-ean13-enter.json')]);
    assert.equal(replay.code, 0, replay.err);
    assert.match(replay.out, /replayed 28 reports through 1eab:0c03:DEMO-WEDGE/);
    const kiosk = (await d.get('/api/v1/terminals/kiosk/cart')).body;
    assert.ok(kiosk.lines.some((l: { barcode: string }) => l.barcode === '2100000000029'));
  } finally {
    await d.stop();
  }
});

test('scripts/scan: an unreachable daemon is one clear line and exit 1', async () => {
  const d = await startDaemon();
  const url = d.url;
  await d.stop();
  const r = await run({ url } as TestDaemon, ['2100000000012']);
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot reach http:\/\/127\.0\.0\.1:\d+/);
});
