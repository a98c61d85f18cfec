import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../daemon/clock.js';
import { PairingSecrets, type TerminalHandles } from '../../daemon/scanners/pairing-secret.js';
import { ALPHABET } from '../../daemon/scanners/base32.js';
import { PairingStore } from '../../daemon/scanners/pairings.js';
import { Store } from '../../daemon/store/index.js';
import { tempDir } from '../helpers/daemon.js';

class MemoryHandles implements TerminalHandles {
  map = new Map<number, string>();
  async handleFor(t: string): Promise<number> {
    for (const [h, v] of this.map) if (v === t) return h;
    const h = this.map.size + 1;
    this.map.set(h, t);
    return h;
  }
  terminalFor(h: number): string | null {
    return this.map.get(h) ?? null;
  }
  generations = new Map<string, number>();
  epoch = 0;
  generationOf(t: string) {
    return { epoch: this.epoch, generation: this.generations.get(t) ?? 0 };
  }
}

function make(over: Partial<ConstructorParameters<typeof PairingSecrets>[0]> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 12));
  const handles = new MemoryHandles();
  const secrets = new PairingSecrets({
    prefix: 'POSLINK-',
    signingSecret: 'test-signing-secret-0123456789',
    maxLength: 48,
    maxAgeDays: 30,
    clock,
    handles,
    ...over,
  });
  return { secrets, clock, handles };
}

test('issue(terminal) → verify: valid, carries the terminal and the issue time', async () => {
  const { secrets } = make();
  const s = await secrets.issue('till-2');
  assert.match(s.secret, /^POSLINK-/);
  assert.ok(s.secret.length <= 48);
  assert.equal(s.issued_at, '2026-03-01T12:00:00.000Z');
  assert.equal(s.expires_at, '2026-03-31T12:00:00.000Z');
  assert.deepEqual(secrets.verify(s.secret), {
    ok: true,
    terminal_id: 'till-2',
    issued_at: '2026-03-01T12:00:00.000Z',
  });
});

test('payload uses only characters that read the same in every supported layout (no digits, A Q W Z M Y, symbols)', async () => {
  const { secrets } = make();
  for (const t of ['kiosk', 'A', 'zzzzzzzzzzzzzzzz', 'Yy_-09', 'x'.repeat(64)]) {
    const s = await secrets.issue(t);
    const payload = s.secret.slice('POSLINK-'.length);
    for (const c of payload) assert.ok(ALPHABET.includes(c), `${c} in ${s.secret}`);
    assert.doesNotMatch(payload, /[0-9AQWZMYaqwzmy]/);
    assert.ok(s.secret.length <= 48, `${s.secret.length}`);
    const v = secrets.verify(s.secret);
    assert.equal(v.ok && v.terminal_id, t);
  }
});

test('verify: every letter case-swapped (Caps Lock on a keyboard-wedge scanner) still verifies', async () => {
  const { secrets } = make();
  const s = await secrets.issue('kiosk');
  const capsLock = [...s.secret]
    .map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
    .join('');
  assert.notEqual(capsLock, s.secret);
  assert.equal(secrets.isPairingValue(capsLock), true);
  const v = secrets.verify(capsLock);
  assert.equal(v.ok, true);
  // Only the whole code swapped is Caps Lock; one changed letter is a forgery.
  const i = s.secret.length - 3;
  const one = s.secret.slice(0, i) + capsLock[i] + s.secret.slice(i + 1);
  assert.equal(secrets.verify(one).ok, false);
});

test('verify: expired after SCANNER_PAIRING_MAX_AGE_DAYS (clock injected)', async () => {
  const { secrets, clock } = make({ maxAgeDays: 2 });
  const s = await secrets.issue('kiosk');
  clock.advance(2 * 86_400_000);
  assert.equal(secrets.verify(s.secret).ok, true); // exactly at the limit: still valid
  clock.advance(1000);
  const v = secrets.verify(s.secret);
  assert.equal(v.ok, false);
  assert.equal(!v.ok && v.code, 'expired');
  assert.match(!v.ok ? v.reason : '', /expired/);
});

test('verify: a code dated in the future (beyond clock skew) is refused', async () => {
  const { secrets, clock } = make();
  clock.advance(3600_000);
  const s = await secrets.issue('kiosk');
  clock.advance(-3600_000);
  const v = secrets.verify(s.secret);
  assert.equal(!v.ok && v.code, 'not_yet_valid');
});

test('verify: forged HMAC, other signing key, altered terminal, truncated, over-long, malformed', async () => {
  const { secrets } = make();
  const s = (await secrets.issue('kiosk')).secret;
  const code = (x: string) => {
    const v = secrets.verify(x);
    return v.ok ? 'ok' : v.code;
  };
  // Flip the last MAC character.
  const last = s[s.length - 1];
  const other = ALPHABET[(ALPHABET.indexOf(last) + 1) % 32];
  assert.equal(code(s.slice(0, -1) + other), 'forged');
  // Signed with another key.
  const foreign = (
    await make({ signingSecret: 'another-key-9876543210abcdef' }).secrets.issue('kiosk')
  ).secret;
  assert.equal(code(foreign), 'forged');
  // Terminal swapped, MAC kept: issue for "kiosl" and graft the MAC of "kiosk".
  const kiosl = (await secrets.issue('kiosl')).secret;
  assert.equal(code(kiosl.slice(0, -12) + s.slice(-12)), 'forged');
  // Truncated reads.
  assert.equal(code(s.slice(0, 20)), 'truncated');
  // One character short shifts the body: unreadable or unsigned, refused either way.
  assert.ok(['malformed', 'forged'].includes(code(s.slice(0, -1))));
  // Over-long.
  assert.equal(code(s + 'A'.repeat(49 - s.length)), 'too_long');
  // Characters outside the alphabet, or an unknown mode.
  assert.equal(code(s.slice(0, 10) + 'I' + s.slice(11)), 'malformed');
  assert.equal(code('POSLINK-Q' + s.slice(9)), 'malformed');
});

test('isPairingValue: only values with the prefix (wrong prefix is an ordinary barcode)', async () => {
  const { secrets } = make();
  const s = (await secrets.issue('kiosk')).secret;
  assert.equal(secrets.isPairingValue(s), true);
  assert.equal(secrets.isPairingValue('POSLINX-' + s.slice(8)), false);
  assert.equal(secrets.isPairingValue('4006381333931'), false);
});

test('long terminal ids use a persisted handle; the MAC still binds the real id', async () => {
  const dir = await tempDir();
  const store = new Store(dir);
  await store.init();
  const handles = await PairingStore.open(store);
  const { secrets } = make({ handles });
  const long = 'browser-' + 'f'.repeat(40);
  assert.ok(long.length > secrets.maxEmbeddedIdLength);
  const s = await secrets.issue(long);
  assert.ok(s.secret.length <= 48);
  const v = secrets.verify(s.secret);
  assert.equal(v.ok && v.terminal_id, long);
  // The same id gets the same handle; a restart (new store on the same dir) keeps it.
  assert.equal(await handles.handleFor(long), await handles.handleFor(long));
  await store.idle();
  const store2 = new Store(dir);
  const handles2 = await PairingStore.open(store2);
  const { secrets: after } = make({ handles: handles2 });
  const v2 = after.verify(s.secret);
  assert.equal(v2.ok && v2.terminal_id, long);
  // A handle table that lost the entry → unknown terminal, never another terminal.
  const { secrets: empty } = make();
  const v3 = empty.verify(s.secret);
  assert.equal(!v3.ok && v3.code, 'unknown_terminal');
});

test('embedded ids up to the length the maximum allows; a shorter maximum embeds less', async () => {
  assert.equal(make().secrets.maxEmbeddedIdLength, 16);
  const small = make({ maxLength: 36 });
  assert.equal(small.secrets.maxEmbeddedIdLength, 6);
  const s = await small.secrets.issue('kiosk-1');
  assert.ok(s.secret.length <= 36);
  const v = small.secrets.verify(s.secret);
  assert.equal(v.ok && v.terminal_id, 'kiosk-1');
  assert.throws(() => make({ maxLength: 28 }), /no room/);
});

test('issue: terminal ids outside [A-Za-z0-9_-]{1,64} are refused', async () => {
  const { secrets } = make();
  await assert.rejects(secrets.issue(''), RangeError);
  await assert.rejects(secrets.issue('a b'), RangeError);
  await assert.rejects(secrets.issue('x'.repeat(65)), RangeError);
});

test('revocation: a bumped generation or epoch withdraws earlier codes (revoked, not forged)', async () => {
  const { secrets, handles } = make();
  const first = await secrets.issue('till-2');
  const other = await secrets.issue('till-3');
  handles.generations.set('till-2', 1); // a scanner was unpaired from till-2
  const v = secrets.verify(first.secret);
  assert.equal(!v.ok && v.code, 'revoked');
  assert.ok(secrets.verify(other.secret).ok, 'other terminals keep their codes');
  const fresh = await secrets.issue('till-2');
  assert.notEqual(fresh.secret, first.secret);
  assert.ok(secrets.verify(fresh.secret).ok);
  handles.epoch = 1; // revoke all
  for (const s of [fresh, other]) {
    const r = secrets.verify(s.secret);
    assert.equal(!r.ok && r.code, 'revoked');
  }
  assert.ok(secrets.verify((await secrets.issue('till-3')).secret).ok);
  // A damaged code is still "forged", whatever the generations.
  const last = fresh.secret.at(-1)!;
  const broken = fresh.secret.slice(0, -1) + (last === ALPHABET[0] ? ALPHABET[1] : ALPHABET[0]);
  const b = secrets.verify(broken);
  assert.equal(!b.ok && b.code, 'forged');
});
