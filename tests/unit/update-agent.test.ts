/**
 * The root update agent against the fake rauc (tests/fixtures/fake-rauc), run as a separate
 * process exactly as the appliance's unit runs it: request.json → the status.json sequence,
 * refusals with stable codes and nothing installed, reboot through POS_REBOOT_COMMAND.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile, symlink } from 'node:fs/promises';
import { existsSync, watch } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { agentHarness, bundleBytes, readFakeState } from '../helpers/update.js';
import { tempDir } from '../helpers/daemon.js';
import { classifyBundleError, progressOf, slotsFromStatus } from '../../daemon/update/rauc.js';
import { splitCommand } from '../../daemon/update/files.js';
import { loadAgentConfig } from '../../daemon/config.js';

async function setup() {
  const h = await agentHarness();
  await mkdir(h.dir, { recursive: true });
  return h;
}

async function request(dir: string, body: unknown, bundle?: Buffer): Promise<string> {
  const id = randomUUID();
  const req: Record<string, unknown> = { id, ...(body as object) };
  if (bundle) {
    const file = path.join(dir, `bundle-${id}.raucb`);
    await writeFile(file, bundle);
    req.bundle = file;
  }
  await writeFile(path.join(dir, 'request.json'), JSON.stringify(req));
  return id;
}

/** Every status.json content the agent wrote while `fn` ran (read on each rename). */
async function statusSequence(dir: string, fn: () => Promise<unknown>): Promise<any[]> {
  const seen: any[] = [];
  let last = '';
  const take = async () => {
    try {
      const text = await readFile(path.join(dir, 'status.json'), 'utf8');
      if (text !== last) seen.push(JSON.parse((last = text)));
    } catch {
      /* not there yet */
    }
  };
  const w = watch(dir, () => void take());
  try {
    await fn();
  } finally {
    w.close();
  }
  await take();
  return seen;
}

test('install: verifying → installing with progress → installed; slot B gets the version; bundle and request deleted', async () => {
  const h = await setup();
  const id = await request(h.dir, { action: 'install' }, bundleBytes({ version: '0.2.0' }));
  const seq = await statusSequence(h.dir, async () => {
    const r = await h.run('process');
    assert.equal(r.code, 0, r.stderr);
  });
  const states = seq.map((s) => s.state);
  assert.equal(states[0], 'verifying');
  assert.ok(states.includes('installing'), states.join());
  const final = seq[seq.length - 1];
  assert.equal(final.id, id);
  assert.equal(final.state, 'installed');
  assert.equal(final.progress, 100);
  assert.equal(final.bundle_version, '0.2.0');
  assert.equal(final.target_slot, 'B');
  const state = await readFakeState(h.stateFile);
  assert.equal(state.slots['rootfs.1'].version, '0.2.0');
  assert.equal(state.primary, 'rootfs.1');
  assert.ok(!existsSync(path.join(h.dir, `bundle-${id}.raucb`)), 'bundle deleted');
  assert.ok(!existsSync(path.join(h.dir, 'request.json')), 'request deleted');
  const slots = JSON.parse(await readFile(path.join(h.dir, 'slots.json'), 'utf8'));
  assert.equal(slots.slots.find((s: any) => s.bootname === 'B').version, '0.2.0');
});

for (const [name, bytes, code] of [
  ['bad signature', bundleBytes({ signedBy: 'someone-else' }), 'update_signature_invalid'],
  ['truncated', bundleBytes({ size: 200_000, truncateTo: 70_000 }), 'update_bundle_corrupt'],
  ['not a bundle', Buffer.from('hello, not a bundle'), 'update_bundle_corrupt'],
  ['other compatible', bundleBytes({ compatible: 'someone-elses-board' }), 'update_incompatible'],
] as const) {
  test(`${name}: failed with ${code}; rauc install never ran, the slots are unchanged`, async () => {
    const h = await setup();
    const before = await readFile(h.stateFile, 'utf8');
    const id = await request(h.dir, { action: 'install' }, bytes);
    const r = await h.run('process');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(await readFile(path.join(h.dir, 'status.json'), 'utf8'));
    assert.equal(s.id, id);
    assert.equal(s.state, 'failed');
    assert.equal(s.error_code, code);
    assert.ok(typeof s.detail === 'string' && s.detail.length > 0);
    assert.equal(await readFile(h.stateFile, 'utf8'), before, 'fake rauc state unchanged');
    const calls = await readFile(h.stateFile + '.calls', 'utf8');
    assert.doesNotMatch(calls, /^install /m);
    assert.ok(!existsSync(path.join(h.dir, 'request.json')));
  });
}

test('unknown action and a bundle outside the update dir: update_request_invalid, nothing run', async () => {
  const h = await setup();
  await request(h.dir, { action: 'format-disk' });
  await h.run('process');
  let s = JSON.parse(await readFile(path.join(h.dir, 'status.json'), 'utf8'));
  assert.equal(s.error_code, 'update_request_invalid');

  const outside = path.join(await tempDir(), 'evil.raucb');
  await writeFile(outside, bundleBytes());
  await request(h.dir, { action: 'install', bundle: outside });
  await h.run('process');
  s = JSON.parse(await readFile(path.join(h.dir, 'status.json'), 'utf8'));
  assert.equal(s.error_code, 'update_request_invalid');
  const link = path.join(h.dir, 'bundle-link.raucb');
  await symlink(outside, link);
  await request(h.dir, { action: 'install', bundle: link });
  await h.run('process');
  s = JSON.parse(await readFile(path.join(h.dir, 'status.json'), 'utf8'));
  assert.equal(s.error_code, 'update_request_invalid');
  assert.ok(existsSync(outside), 'a file outside is never deleted');
  assert.equal(existsSync(h.stateFile + '.calls'), false, 'rauc never called');
});

test('reboot: status rebooting, then the reboot command runs (no shell)', async () => {
  const h = await setup();
  const id = await request(h.dir, { action: 'reboot' });
  const r = await h.run('process');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(await readFile(path.join(h.dir, 'status.json'), 'utf8'));
  assert.equal(s.id, id);
  assert.equal(s.state, 'rebooting');
  assert.equal(await readFile(h.rebootLog, 'utf8'), 'reboot 0 tryboot\n');
});

test('report: rauc status → slots.json', async () => {
  const h = await setup();
  const r = await h.run('report');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(await readFile(path.join(h.dir, 'slots.json'), 'utf8'));
  assert.equal(s.compatible, 'counter-pos-rpi-arm64');
  assert.equal(s.booted, 'A');
  assert.equal(s.primary, 'rootfs.0');
  assert.deepEqual(
    s.slots.map((x: any) => [x.name, x.bootname, x.booted, x.version]),
    [
      ['rootfs.0', 'A', true, '0.1.0'],
      ['rootfs.1', 'B', false, null],
    ],
  );
});

test('parsers: progress lines, error classes, command splitting, status JSON', () => {
  assert.equal(progressOf('  0% Installing'), 0);
  assert.equal(progressOf(' 42% Copying image to rootfs.1'), 42);
  assert.equal(progressOf('100% Installing done.'), 100);
  assert.equal(progressOf('installing'), null);
  assert.equal(progressOf('Installing `x` succeeded'), null);
  assert.equal(
    classifyBundleError('signature verification failed: Verify error:self-signed certificate'),
    'update_signature_invalid',
  );
  assert.equal(classifyBundleError('Bundle too small'), 'update_bundle_corrupt');
  assert.equal(classifyBundleError('Compatible mismatch'), 'update_incompatible');
  assert.equal(classifyBundleError('Failed writing slot'), 'update_install_failed');
  // The default: systemd 257's systemctl takes the reboot argument only as an option ("Too
  // many arguments." for `systemctl reboot "0 tryboot"`, seen in the QEMU guest).
  assert.deepEqual(splitCommand(loadAgentConfig({}).rebootCommand), [
    'systemctl',
    'reboot',
    '--reboot-argument=0 tryboot',
  ]);
  assert.deepEqual(splitCommand("a 'b c' d"), ['a', 'b c', 'd']);
  assert.throws(() => splitCommand('a "b'));
  const s = slotsFromStatus(
    JSON.stringify({
      compatible: 'x',
      booted: 'B',
      boot_primary: 'rootfs.1',
      slots: [{ 'rootfs.1': { bootname: 'B', state: 'booted' } }, { 'boot.0': { state: 'x' } }],
    }),
    new Date(0),
  );
  assert.deepEqual(
    s.slots.map((x) => x.name),
    ['rootfs.1'],
  );
  assert.equal(s.slots[0].booted, true);
});
