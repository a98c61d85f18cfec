import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { ManualClock } from '../../daemon/clock.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import type { ServerMessage } from '../../daemon/protocol.js';

const H = (id: string) => ({ 'x-scanner-secret': 'demo-scanner-secret', 'x-scanner-id': id });

async function secretFor(d: TestDaemon, terminal: string): Promise<string> {
  const r = await d.get(`/api/v1/scanner/pairing-secret?terminal_id=${terminal}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.secret;
}

const scan = (d: TestDaemon, id: string, barcode: string) =>
  d.post('/api/v1/scanner/scan', { barcode }, { headers: H(id) });

/** A POS WebSocket that collects the messages it gets. */
async function terminalSocket(d: TestDaemon, terminal: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${d.port}/ws?terminal_id=${terminal}`);
  const messages: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (raw) => {
    messages.push(JSON.parse(String(raw)));
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (type: string): Promise<ServerMessage> => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type);
      if (i !== -1) return messages.splice(i, 1)[0];
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await next('snapshot');
  return { ws, messages, next, close: () => ws.close() };
}

test('GET /api/v1/scanner/pairing-secret: secret with prefix, CODE128 SVG, expiry; PNG variant', async () => {
  const clock = new ManualClock(Date.UTC(2026, 4, 10, 8, 0, 0));
  const d = await startDaemon({ clock });
  try {
    const r = await d.get('/api/v1/scanner/pairing-secret?terminal_id=till-2');
    assert.equal(r.status, 200);
    assert.match(r.body.secret, /^POSLINK-[BCDEFGHJKLNPRSTUVXbcdefghjknprst]+$/);
    assert.ok(r.body.secret.length <= 48);
    assert.equal(r.body.barcode_format, 'CODE128');
    assert.match(r.body.barcode_svg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.equal(r.body.expires_at, '2026-06-09T08:00:00.000Z');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const png = await fetch(`${d.url}/api/v1/scanner/pairing-secret.png?terminal_id=till-2`);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (const bad of ['', 'a b', 'x'.repeat(65), '../etc']) {
      const e = await d.get(
        `/api/v1/scanner/pairing-secret?terminal_id=${encodeURIComponent(bad)}`,
      );
      assert.equal(e.status, 400, bad);
      assert.equal(e.body.error.code, 'invalid_terminal_id');
    }
    const twice = await d.get('/api/v1/scanner/pairing-secret?terminal_id=a&terminal_id=b');
    assert.equal(twice.status, 400);
  } finally {
    await d.stop();
  }
});

test('pairing end to end: scan the code → paired; product scans follow the scanner; the secret never lands in a cart', async () => {
  const d = await startDaemon();
  try {
    const events: unknown[] = [];
    d.app.events.on(events, 'scanner.paired', (e) => events.push(e));
    const tillA = await terminalSocket(d, 'till-a');
    const tillB = await terminalSocket(d, 'till-b');

    const r = await scan(d, 'phone-1', await secretFor(d, 'till-a'));
    assert.deepEqual(r.body, {
      scanner_id: 'phone-1',
      result: 'paired',
      terminal_id: 'till-a',
      previous_terminal_id: null,
    });
    assert.deepEqual(await tillA.next('scanner.paired'), {
      type: 'scanner.paired',
      scanner_id: 'phone-1',
      terminal_id: 'till-a',
    });
    const p = await scan(d, 'phone-1', '2100000000012');
    assert.equal(p.body.result, 'added');
    assert.equal(p.body.terminal_id, 'till-a');

    // Re-pair to till-b: till-a is told it lost the scanner, till-b that it got it.
    const r2 = await scan(d, 'phone-1', await secretFor(d, 'till-b'));
    assert.equal(r2.body.previous_terminal_id, 'till-a');
    assert.deepEqual(await tillA.next('scanner.unpaired'), {
      type: 'scanner.unpaired',
      scanner_id: 'phone-1',
      terminal_id: 'till-a',
    });
    assert.equal(
      ((await tillB.next('scanner.paired')) as { terminal_id: string }).terminal_id,
      'till-b',
    );
    await scan(d, 'phone-1', '2100000000029');

    // One terminal per scanner.
    const list = (await d.get('/api/v1/scanners', { admin: true })).body.scanners;
    assert.deepEqual(
      list
        .filter((s: { id: string }) => s.id === 'phone-1')
        .map((s: { terminal_id: string }) => s.terminal_id),
      ['till-b'],
    );
    const pairings = JSON.parse(await readFile(path.join(d.dataDir, 'pairings.json'), 'utf8'));
    assert.deepEqual(Object.keys(pairings.data.scanners), ['phone-1']);
    assert.equal(pairings.data.scanners['phone-1'].terminal_id, 'till-b');

    const carts = await Promise.all(
      ['till-a', 'till-b', 'kiosk'].map((t) => d.get(`/api/v1/terminals/${t}/cart`)),
    );
    assert.deepEqual(
      carts.map((c) => c.body.lines.map((l: { barcode: string }) => l.barcode)),
      [['2100000000012'], ['2100000000029'], []],
    );
    assert.equal(events.length, 2);
    tillA.close();
    tillB.close();
  } finally {
    await d.stop();
  }
});

test('pairing persists across a daemon restart', async () => {
  let d = await startDaemon({ keepData: true });
  try {
    await scan(d, 'phone-9', await secretFor(d, 'till-z'));
    d = await d.restart();
    const r = await scan(d, 'phone-9', '2100000000036');
    assert.equal(r.body.terminal_id, 'till-z');
    assert.equal(r.body.result, 'added');
    const s = (await d.get('/api/v1/scanners', { admin: true })).body.scanners.find(
      (x: { id: string }) => x.id === 'phone-9',
    );
    assert.equal(s.terminal_id, 'till-z');
  } finally {
    await d.stop();
  }
});

test('long terminal ids pair through a persisted handle, also after a restart', async () => {
  const long = 'browser-' + '0123456789abcdef'.repeat(3);
  let d = await startDaemon({ keepData: true });
  try {
    const secret = await secretFor(d, long);
    assert.ok(secret.length <= 48);
    d = await d.restart();
    const r = await scan(d, 'phone-7', secret);
    assert.equal(r.body.result, 'paired');
    assert.equal(r.body.terminal_id, long);
  } finally {
    await d.stop();
  }
});

test('expired, forged, truncated, over-long and foreign codes are refused; the terminal hears why; nothing changes', async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 10));
  const d = await startDaemon({ clock, env: { SCANNER_PAIRING_MAX_AGE_DAYS: '3' } });
  try {
    await scan(d, 'phone-1', await secretFor(d, 'till-a'));
    const kiosk = await terminalSocket(d, 'kiosk');
    const tillA = await terminalSocket(d, 'till-a');

    const old = await secretFor(d, 'till-b');
    clock.advance(3 * 86_400_000 + 1000);
    const expired = await scan(d, 'phone-1', old);
    assert.equal(expired.status, 422);
    assert.equal(expired.body.error.code, 'pairing_refused');
    assert.equal(expired.body.error.params.reason, 'expired');
    // Refusal goes to the terminal the scanner is paired with.
    const msg = (await tillA.next('scanner.pairing_refused')) as {
      code: string;
      reason: string;
      scanner_id: string;
    };
    assert.equal(msg.scanner_id, 'phone-1');
    assert.match(msg.reason, /expired/i);
    assert.equal(msg.code, 'expired', 'the till translates by this code');

    const fresh = await secretFor(d, 'till-b');
    const flip = fresh.slice(0, -1) + (fresh.endsWith('B') ? 'C' : 'B');
    const cases: Array<[string, string]> = [
      [flip, 'forged'],
      [fresh.slice(0, 20), 'truncated'],
      [fresh + 'AAAAAAAAAAAAAAAAAAAA', 'too_long'],
      ['POSLINK-HELLO-WORLD-THIS-IS-NOT-OURS', 'malformed'],
    ];
    for (const [value, code] of cases) {
      const r = await scan(d, 'phone-1', value);
      assert.equal(r.status, 422, value);
      assert.equal(r.body.error.code, 'pairing_refused', value);
      assert.equal(r.body.error.params.reason, code, value);
    }
    // An unpaired scanner's refusal goes to the default terminal.
    const r = await scan(d, 'phone-2', flip);
    assert.equal(r.body.error.params.terminal_id, 'kiosk');
    assert.equal(
      ((await kiosk.next('scanner.pairing_refused')) as { scanner_id: string }).scanner_id,
      'phone-2',
    );

    // Still paired with till-a; no pairing code ever reached a cart or checkout.
    assert.equal((await scan(d, 'phone-1', '2100000000012')).body.terminal_id, 'till-a');
    for (const t of ['kiosk', 'till-a', 'till-b']) {
      const c = await d.get(`/api/v1/terminals/${t}/cart`);
      for (const l of c.body.lines) assert.doesNotMatch(l.barcode, /POSLINK/i);
    }
    // A wrong prefix is an ordinary (unknown) barcode, not a pairing attempt.
    const wrongPrefix = await scan(d, 'phone-1', 'POSLINX-' + fresh.slice(8));
    assert.equal(wrongPrefix.body.result, 'unknown');
    kiosk.close();
    tillA.close();
  } finally {
    await d.stop();
  }
});

test('a pairing code is never sent to checkout (no scan.received, no unknown-barcode event)', async () => {
  const d = await startDaemon();
  try {
    const seen: string[] = [];
    d.app.events.on(seen, 'scan.received', (e) => seen.push(`received ${e.barcode}`));
    d.app.events.on(seen, 'scan.unknown_barcode', (e) => seen.push(`unknown ${e.barcode}`));
    const secret = await secretFor(d, 'till-a');
    await scan(d, 'p', secret);
    await scan(d, 'p', secret.toLowerCase()); // Caps Lock on a keyboard-wedge scanner
    await scan(d, 'p', secret.slice(0, 15));
    assert.deepEqual(seen, []);
  } finally {
    await d.stop();
  }
});

test('PATCH /api/v1/scanners/:id {terminal_id: null} forgets the pairing; scans go to the default terminal again', async () => {
  const d = await startDaemon();
  try {
    await scan(d, 'phone-1', await secretFor(d, 'till-a'));
    const r = await d.request('PATCH', '/api/v1/scanners/phone-1', {
      body: { terminal_id: null },
      admin: true,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.terminal_id, null);
    assert.equal((await scan(d, 'phone-1', '2100000000012')).body.terminal_id, 'kiosk');
    const bad = await d.request('PATCH', '/api/v1/scanners/phone-1', {
      body: { terminal_id: 'till-b' },
      admin: true,
    });
    assert.equal(bad.status, 400);
    const unknown = await d.request('PATCH', '/api/v1/scanners/nobody', {
      body: { enabled: false },
      admin: true,
    });
    assert.equal(unknown.status, 404);
    const noAuth = await d.request('PATCH', '/api/v1/scanners/phone-1', {
      body: { enabled: false },
    });
    assert.equal(noAuth.status, 401);
  } finally {
    await d.stop();
  }
});

test('unpairing withdraws the code that paired: the same code pairs no other scanner; revoke-all withdraws every code', async () => {
  const d = await startDaemon();
  try {
    const code = await secretFor(d, 'till-a');
    assert.equal((await scan(d, 'phone-1', code)).status, 200);
    const un = await d.request('PATCH', '/api/v1/scanners/phone-1', {
      body: { terminal_id: null },
      admin: true,
    });
    assert.equal(un.status, 200);
    // The attack: whoever saw the code pairs another scanner with it for the rest of its days.
    for (const id of ['phone-1', 'intruder-7']) {
      const again = await scan(d, id, code);
      assert.equal(again.status, 422, again.text);
      assert.equal(again.body.error.code, 'pairing_refused');
      assert.equal(again.body.error.params.reason, 'revoked');
    }
    // The till shows a new code, which works.
    const fresh = await secretFor(d, 'till-a');
    assert.notEqual(fresh, code);
    assert.equal((await scan(d, 'phone-1', fresh)).body.terminal_id, 'till-a');
    // Admin "revoke all": every code shown so far is withdrawn; pairings stay.
    const b = await secretFor(d, 'till-b');
    const unconfirmed = await d.post('/api/v1/scanners/pairing-codes/revoke', {}, { admin: true });
    assert.equal(unconfirmed.status, 400);
    assert.equal(unconfirmed.body.error.code, 'confirm_required');
    assert.equal((await scan(d, 'phone-1', fresh)).body.result, 'paired', 'nothing withdrawn');
    assert.equal(
      (await d.post('/api/v1/scanners/pairing-codes/revoke', { confirm: true })).status,
      401,
    );
    const r = await d.post(
      '/api/v1/scanners/pairing-codes/revoke',
      { confirm: true },
      { admin: true },
    );
    assert.equal(r.status, 200, r.text);
    for (const c of [fresh, b]) {
      const refused = await scan(d, 'phone-2', c);
      assert.equal(refused.body.error.params.reason, 'revoked');
    }
    assert.equal((await scan(d, 'phone-1', '2100000000012')).body.terminal_id, 'till-a');
    // Withdrawals survive a restart.
    const d2 = await d.restart();
    try {
      assert.equal((await scan(d2, 'phone-3', b)).body.error.params.reason, 'revoked');
      assert.equal((await scan(d2, 'phone-3', await secretFor(d2, 'till-b'))).status, 200);
    } finally {
      await d2.stop();
    }
  } finally {
    await d.stop().catch(() => {});
  }
});
