// pos-scanner-rules (systemd/libexec): the operator's /etc/pos/scanners.list → udev rules and
// SCANNER_KEYBOARD_IDS. Runs the real script on temp files; udevadm verify checks the rules
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

function run(list) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pos-scanner-rules-'));
  const env = {
    ...process.env,
    POS_SCANNERS_LIST: path.join(dir, 'scanners.list'),
    POS_SCANNERS_RULES: path.join(dir, 'rules.d', '70-pos-scanners.rules'),
    POS_SCANNERS_ENV: path.join(dir, 'scanners.env'),
  };
  writeFileSync(env.POS_SCANNERS_LIST, list);
  const r = spawnSync('bash', [script], { env, encoding: 'utf8' });
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : null);
  const out = { ...r, rules: read(env.POS_SCANNERS_RULES), env: read(env.POS_SCANNERS_ENV), dir };
  return out;
}

test('pos-scanner-rules: each VID:PID gets hidraw + usb nodes for group pos and libinput ignore', () => {
  const r = run('# shop scanners\n0C2E:0B61   # Honeywell 1450g\n\n05e0:*\n');
  try {
    assert.equal(r.status, 0, r.stderr);
    const lines = r.rules.split('\n');
    const hidraw = lines.filter((l) => l.startsWith('SUBSYSTEM=="hidraw"'));
    assert.equal(hidraw.length, 2);
    assert.match(
      hidraw[0],
      /ATTRS\{idVendor\}=="0c2e", ATTRS\{idProduct\}=="0b61", GROUP="pos", MODE="0660"/,
    );
    assert.match(hidraw[1], /ATTRS\{idVendor\}=="05e0", ATTRS\{idProduct\}=="\*"/);
    assert.equal(
      lines.filter((l) => /ENV\{DEVTYPE\}=="usb_device".*GROUP="pos"/.test(l)).length,
      2,
    );
    assert.equal(lines.filter((l) => l.includes('ENV{LIBINPUT_IGNORE_DEVICE}="1"')).length, 2);
    // Only exact IDs can name a keyboard-wedge scanner for the daemon.
    assert.match(r.env, /^SCANNER_KEYBOARD_IDS=0c2e:0b61$/m);
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

test('pos-scanner-rules: a malformed line is refused with its number and nothing is written', () => {
  const r = run('0c2e:0b61\n0c2e-0b61\n');
  try {
    assert.equal(r.status, 1);
    assert.match(r.stderr, /line 2: expected VID:PID/);
    assert.equal(r.rules, null);
    assert.equal(r.env, null);
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

test('systemd units: systemd-analyze security --offline rates pos-daemon.service below 2.5', (t) => {
  const unit = path.join(path.dirname(script), '..', 'pos-daemon.service');
  let out;
  try {
    out = execFileSync('systemd-analyze', ['security', '--offline=true', unit], {
      encoding: 'utf8',
    });
  } catch (err) {
    if (err.code === 'ENOENT') return t.skip('systemd-analyze not installed');
    throw err;
  }
  const score = Number(/Overall exposure level for pos-daemon\.service: ([\d.]+)/.exec(out)?.[1]);
  assert.ok(score > 0 && score < 2.5, `exposure ${score}`);
});
