// pos-scanner-rules (systemd/libexec): the scanner list /etc/pos/scanners.list (plus the
// daemon's adoption requests) → udev rules. Runs the real script on temp files; udevadm verify checks the rules
// where the host's udev has it (systemd >= 253; the image build checks them with trixie's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../systemd/libexec/pos-scanner-rules',
);

function run(list, opts = {}) {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'pos-scanner-rules-'));
  const env = {
    ...process.env,
    POS_SCANNERS_LIST: path.join(dir, 'scanners.list'),
    POS_SCANNERS_RULES: path.join(dir, 'rules.d', '70-pos-scanners.rules'),
    POS_SCANNERS_REQUESTS: path.join(dir, 'scanners.adopt'),
  };
  if (list !== null) writeFileSync(env.POS_SCANNERS_LIST, list);
  if (opts.requests) writeFileSync(env.POS_SCANNERS_REQUESTS, opts.requests);
  const r = spawnSync('bash', [script], { env, encoding: 'utf8' });
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : null);
  return {
    ...r,
    rules: read(env.POS_SCANNERS_RULES),
    list: read(env.POS_SCANNERS_LIST),
    requests: read(env.POS_SCANNERS_REQUESTS),
    dir,
  };
}

test('pos-scanner-rules: each VID:PID gets its hidraw node for group pos and libinput ignore, matched on the HID modalias (USB, Bluetooth, uhid alike)', () => {
  const r = run('# shop scanners\n0C2E:0B61   # Honeywell 1450g\n\n05e0:*\n');
  try {
    assert.equal(r.status, 0, r.stderr);
    const lines = r.rules.split('\n');
    const hidraw = lines.filter((l) => l.startsWith('SUBSYSTEM=="hidraw", SUBSYSTEMS=="hid"'));
    assert.deepEqual(hidraw, [
      'SUBSYSTEM=="hidraw", SUBSYSTEMS=="hid", ATTRS{modalias}=="hid:b*g*v00000C2Ep00000B61", GROUP="pos", MODE="0660"',
      'SUBSYSTEM=="hidraw", SUBSYSTEMS=="hid", ATTRS{modalias}=="hid:b*g*v000005E0p*", GROUP="pos", MODE="0660"',
    ]);
    assert.deepEqual(
      lines.filter((l) => l.includes('LIBINPUT_IGNORE_DEVICE')),
      [
        'SUBSYSTEM=="input", SUBSYSTEMS=="hid", ATTRS{modalias}=="hid:b*g*v00000C2Ep00000B61", ENV{LIBINPUT_IGNORE_DEVICE}="1"',
        'SUBSYSTEM=="input", SUBSYSTEMS=="hid", ATTRS{modalias}=="hid:b*g*v000005E0p*", ENV{LIBINPUT_IGNORE_DEVICE}="1"',
      ],
    );
    // Other generic HID keyboards: readable for the daemon's timing probe, not hidden.
    assert.ok(
      lines.includes('SUBSYSTEM=="hidraw", DRIVERS=="hid-generic", GROUP="pos", MODE="0660"'),
    );
    // udevadm verify exists from systemd 253 on; older hosts leave it to the image build.
    if (spawnSync('udevadm', ['verify', '--help']).status === 0) {
      const rules = path.join(r.dir, 'rules.d', '70-pos-scanners.rules');
      const v = spawnSync('udevadm', ['verify', '--resolve-names=never', rules], {
        encoding: 'utf8',
      });
      assert.equal(v.status, 0, v.stderr);
    }
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('pos-scanner-rules: adoption requests from the daemon go into the list once, then rules follow', () => {
  const r = run('0c2e:*   # Honeywell\n', {
    requests:
      '1a86:e026   # USB Barcode Scanner, adopted in Admin - Scanners on 2025-01-02\n' +
      '0c2e:0b61   # already covered by 0c2e:*\n' +
      'garbage\n1a86:e026   # twice\n',
  });
  try {
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.requests, null, 'requests consumed');
    assert.equal(
      r.list,
      '0c2e:*   # Honeywell\n1a86:e026   # USB Barcode Scanner, adopted in Admin - Scanners on 2025-01-02\n',
    );
    assert.match(r.stdout, /added to .*scanners\.list: 1a86:e026/);
    assert.match(r.stdout, /adoption request 'garbage' ignored/);
    assert.match(r.rules, /v00001A86p0000E026", ENV\{LIBINPUT_IGNORE_DEVICE\}="1"/);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('pos-scanner-rules: a malformed line is refused with its number and nothing is written', () => {
  const r = run('0c2e:0b61\n0c2e-0b61\n');
  try {
    assert.equal(r.status, 1);
    assert.match(r.stderr, /line 2: expected VID:PID/);
    assert.equal(r.rules, null);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('pos-scanner-rules: the shipped scanners.list is valid', () => {
  const list = readFileSync(path.join(path.dirname(script), '..', 'scanners.list'), 'utf8');
  const r = run(list);
  try {
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.rules.includes('LABEL="pos_scanners_end"'));
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('systemd units: systemd-analyze security --offline rates pos-daemon.service below 2.5', () => {
  const unit = path.join(path.dirname(script), '..', 'pos-daemon.service');
  let out;
  try {
    out = execFileSync('systemd-analyze', ['security', '--offline=true', unit], {
      encoding: 'utf8',
    });
  } catch (err) {
    if (err.code === 'ENOENT')
      throw new Error('systemd-analyze is not installed (Debian package systemd)', { cause: err });
    throw err;
  }
  const score = Number(/Overall exposure level for pos-daemon\.service: ([\d.]+)/.exec(out)?.[1]);
  assert.ok(score > 0 && score < 2.5, `exposure ${score}`);
});
