#!/usr/bin/env node
// QEMU boot test of a built Counter POS image (npm run test:image).
//
// Boots the image's own root file system with its own Debian arm64 kernel and initrd (read
// from the image's FAT boot partition, as the Raspberry Pi firmware would) in
// qemu-system-aarch64 -M virt (software emulation, Cortex-A72 like a Pi 4). The disk is a
// qcow2 overlay over the image, 1 GiB larger, so the first boot really grows /data and the
// image itself stays untouched. The daemon's port is forwarded to 127.0.0.1 only.
//
// Checks: multi-user.target reached; pos-firstboot wrote secrets that meet the production
// rules (0600, APP_ENV=production); /data grew; pos-daemon active and GET /api/v1/health
// answers from the host with app_env=production; pos-kiosk enabled (it needs a display and,
// in the small image, a browser: the unit is enabled and skipped by its conditions); no failed
// units. Then an ACPI-style power-button press (QMP system_powerdown) must power off cleanly.
// The guest's state is read from the serial console, where pos-status-console.service
// (pulled in with systemd.wants= on the kernel command line) prints pos-status.
//
// Usage: node tests/image/boot-test.mjs [IMAGE] ; env POS_BOOT_TIMEOUT (s, default 1200),
// POS_BOOT_LOG_DIR (default image/out). Prints boot time and daemon ready time.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { readdirSync, statSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const timeoutS = Number(process.env.POS_BOOT_TIMEOUT ?? 1200);
const logDir = process.env.POS_BOOT_LOG_DIR ?? path.join(repo, 'image', 'out');
const results = [];
const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (msg) => console.log(`boot-test [${since()} s] ${msg}`);

function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function finish(code) {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed > 0 || results.length === 0 ? 1 : 0));
}

// ---- prerequisites: command → Debian package, installed when missing (as root)
function ensureTools() {
  const need = {
    'qemu-system-aarch64': 'qemu-system-arm',
    'qemu-img': 'qemu-utils',
    mcopy: 'mtools',
  };
  const missing = [];
  for (const [cmd, pkg] of Object.entries(need)) {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    } catch {
      console.log(`boot-test: missing ${cmd} (Debian package ${pkg})`);
      missing.push(pkg);
    }
  }
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`boot-test: not root; install them: apt-get install ${missing.join(' ')}`);
    finish(1);
  }
  console.log(`boot-test: installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
}

function findImage() {
  const arg = process.argv[2] ?? process.env.POS_IMAGE;
  if (arg) return path.resolve(arg);
  const out = path.join(repo, 'image', 'out');
  const images = existsSync(out)
    ? readdirSync(out)
        .filter((f) => /^pos-.*-arm64(-small)?\.img$/.test(f))
        .map((f) => path.join(out, f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (images.length === 0) {
    console.error(
      'boot-test: no image in image/out; build one: npm run image (or image/build.sh --small)',
    );
    finish(1);
  }
  return images[0];
}

// MBR (disk signature at 440, four 16-byte entries at 446: type at +4, first LBA at +8).
function readMbr(file) {
  const buf = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  readSync(fd, buf, 0, 512, 0);
  closeSync(fd);
  if (buf.readUInt16LE(510) !== 0xaa55) throw new Error(`${file}: no MBR boot signature`);
  const parts = [];
  for (let i = 0; i < 4; i++) {
    const e = 446 + i * 16;
    parts.push({
      type: buf[e + 4],
      start: buf.readUInt32LE(e + 8) * 512,
      size: buf.readUInt32LE(e + 12) * 512,
    });
  }
  return { signature: buf.readUInt32LE(440).toString(16).padStart(8, '0'), parts };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function health(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, {
      signal: globalThis.AbortSignal.timeout(5000),
    });
    return { status: res.status, body: await res.json() };
  } catch {
    return null;
  }
}

async function fetchStatus(port, p) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${p}`, {
      signal: globalThis.AbortSignal.timeout(10000),
    });
    return res.status;
  } catch {
    return null;
  }
}

function qmp(sock, command) {
  return new Promise((resolve, reject) => {
    const c = connect(sock);
    let buf = '';
    let sent = 0;
    c.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        if (msg.QMP && sent === 0) {
          c.write('{"execute":"qmp_capabilities"}\n');
          sent = 1;
        } else if ('return' in msg && sent === 1) {
          c.write(JSON.stringify({ execute: command }) + '\n');
          sent = 2;
        } else if ('return' in msg && sent === 2) {
          c.end();
          resolve();
        } else if (msg.error) {
          c.end();
          reject(new Error(msg.error.desc));
        }
      }
    });
    c.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
ensureTools();
const image = findImage();
const name = path.basename(image, '.img');
const mbr = readMbr(image);
const [boot, root, data] = mbr.parts;
say(
  `image ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB), disk id ${mbr.signature}`,
);
check(
  'MBR has FAT boot, ext4 root and data partitions',
  boot.type === 0x0c && root.type === 0x83 && data.type === 0x83 && data.size > 0,
  mbr.parts.map((p) => `0x${p.type.toString(16)}@${p.start / 2 ** 20}MiB`).join(' '),
);

const work = mkdtempSync(path.join(tmpdir(), 'pos-boot-test-'));
const fat = `${image}@@${boot.start}`;
const fromBoot = (file) => {
  const dest = path.join(work, path.basename(file));
  execFileSync('mcopy', ['-n', '-i', fat, `::/${file}`, dest]);
  return dest;
};
const cmdline = readFileSync(fromBoot('cmdline.txt'), 'utf8').trim();
const config = readFileSync(fromBoot('config.txt'), 'utf8');
const kernelName = /^kernel=(\S+)/m.exec(config)?.[1];
const initrdName = /^initramfs\s+(\S+)/m.exec(config)?.[1];
check(
  'cmdline.txt boots root=PARTUUID=<disk id>-02',
  cmdline.includes(`root=PARTUUID=${mbr.signature}-02`),
  cmdline,
);
check(
  'config.txt names kernel and initramfs',
  Boolean(kernelName && initrdName),
  `${kernelName} ${initrdName}`,
);
if (!kernelName || !initrdName) finish(1);
const kernel = fromBoot(kernelName);
const initrd = fromBoot(initrdName);

// The Pi's consoles (serial0, tty1) become QEMU virt's PL011 UART.
const append = [
  ...cmdline.split(/\s+/).filter((a) => !a.startsWith('console=')),
  'console=ttyAMA0,115200',
  'systemd.show_status=1',
  'systemd.wants=pos-status-console.service',
  // No login prompt on the serial console: it would interleave with the status lines.
  'systemd.mask=serial-getty@ttyAMA0.service',
  // Software emulation on a busy 2-core host can take longer than systemd's default 90 s for
  // udev to announce the partitions; a real Pi takes a second. Without this the guest drops
  // to emergency mode ("Timed out waiting for device .../by-partuuid/...-01").
  'systemd.default_device_timeout_sec=900',
].join(' ');

const overlay = path.join(work, 'disk.qcow2');
const growTo = statSync(image).size + 2 ** 30;
execFileSync('qemu-img', [
  'create',
  '-q',
  '-f',
  'qcow2',
  '-F',
  'raw',
  '-b',
  image,
  overlay,
  String(growTo),
]);
const port = await freePort();
const serial = path.join(work, 'serial.log');
const qmpSock = path.join(work, 'qmp.sock');
const args = [
  '-M',
  'virt',
  '-cpu',
  'cortex-a72',
  '-smp',
  '2',
  '-m',
  '2048',
  '-kernel',
  kernel,
  '-initrd',
  initrd,
  '-append',
  append,
  '-drive',
  `if=none,id=disk,file=${overlay},format=qcow2`,
  '-device',
  'virtio-blk-pci,drive=disk',
  '-netdev',
  `user,id=net,hostfwd=tcp:127.0.0.1:${port}-:8080`,
  '-device',
  // romfile= : no PXE option ROM. The kernel is booted directly, and Debian ships the ROM
  // (efi-virtio.rom) in ipxe-qemu, which qemu-system-arm only recommends.
  'virtio-net-pci,netdev=net,romfile=',
  '-device',
  'virtio-rng-pci',
  '-display',
  'none',
  '-monitor',
  'none',
  '-no-reboot',
  '-serial',
  `file:${serial}`,
  '-qmp',
  `unix:${qmpSock},server=on,wait=off`,
];
say(`qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 2048, port 8080 → 127.0.0.1:${port}`);
const qemuStart = Date.now();
const qemu = spawn('qemu-system-aarch64', args, { stdio: ['ignore', 'inherit', 'inherit'] });
let qemuExit = null;
qemu.on('exit', (code, signal) => (qemuExit = { code, signal, at: Date.now() }));

// ANSI colour sequences in systemd's status lines.
// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*m/g;
const log = () => (existsSync(serial) ? readFileSync(serial, 'latin1') : '');
const saveLog = () => {
  mkdirSync(logDir, { recursive: true });
  const dest = path.join(logDir, `${name}.boot-test.log`);
  if (existsSync(serial)) copyFileSync(serial, dest);
  return dest;
};
const sec = (t) => ((t - qemuStart) / 1000).toFixed(1);
const deadline = qemuStart + timeoutS * 1000;
let multiUserAt = null;
let healthAt = null;
let healthBody = null;
let statusText = null;
let statusAt = null;
let seen = 0;

while (Date.now() < deadline && qemuExit === null) {
  await new Promise((r) => setTimeout(r, 2000));
  const text = log();
  // Progress: echo systemd's status lines for our units and the milestones.
  const lines = text.slice(seen).split('\n');
  if (!text.endsWith('\n')) lines.pop();
  seen += lines.reduce((n, l) => n + l.length + 1, 0);
  for (const l of lines) {
    if (/pos-|POS_STATUS|multi-user|Counter POS|FAILED|Kernel panic|end Kernel/.test(l)) {
      say(`console: ${l.replace(ansi, '').trim()}`);
    }
  }
  if (!multiUserAt && /Reached target.*(multi-user\.target|Multi-User System)/.test(text)) {
    multiUserAt = Date.now();
  }
  if (!healthAt) {
    const h = await health(port);
    if (h && h.status === 200) {
      healthAt = Date.now();
      healthBody = h.body;
      say(`GET /api/v1/health → 200 ${JSON.stringify(h.body).slice(0, 200)}`);
    }
  }
  const m = /POS_STATUS version=[\s\S]*?POS_STATUS done=\S+/.exec(text);
  if (m) {
    statusText = m[0];
    // The guest has said its piece; the daemon gets one more minute to answer the host.
    statusAt ??= Date.now();
    if (healthAt || Date.now() - statusAt > 60_000) break;
  }
  if (/Kernel panic/.test(text)) break;
}

const status = {};
for (const line of (statusText ?? '').split('\n')) {
  const m = /POS_STATUS ([\w.-]+)=(.*)$/.exec(line.replace(/\r/g, ''));
  if (m) status[m[1]] = m[2].trim();
}
// systemd stops its console status lines once a getty owns the console, so the guest's own
// clock (pos-status) says when multi-user.target was reached.
const bootS = status.multi_user_s ?? (multiUserAt ? sec(multiUserAt) : null);
check(
  'multi-user.target reached',
  status['multi-user.target'] === 'active' || Boolean(multiUserAt),
  bootS ? `${bootS} s after kernel start` : 'not seen',
);
check('pos-status printed on the console', Boolean(statusText));
check(
  'pos-firstboot ran',
  /^enabled\/active/.test(status['pos-firstboot'] ?? ''),
  status['pos-firstboot'],
);
check(
  'secrets meet the production rules (0600 root, APP_ENV=production)',
  status.secrets === 'ok',
  status.secrets,
);
check('pos-daemon active', /\/active$/.test(status['pos-daemon'] ?? ''), status['pos-daemon']);
check(
  'GET /api/v1/health from the host answers, app_env=production',
  healthBody?.app_env === 'production',
  healthAt ? `${sec(healthAt)} s after QEMU start` : 'no answer',
);
check(
  'pos-daemon answers /api/v1/health inside the guest',
  /^200 /.test(status.health ?? ''),
  status.health,
);
check('pos-kiosk enabled', /^enabled\//.test(status['pos-kiosk'] ?? ''), status['pos-kiosk']);
const dataMiB = Number(/ (\d+)MiB/.exec(status.data ?? '')?.[1] ?? 0);
check('first boot grew /data (> 512 MiB)', dataMiB > 512, status.data);
check('first-boot admin token kept for one showing', status.first_boot_token === 'present');
check(
  'the daemon serves the first-boot token page to the kiosk (loopback)',
  status.first_boot_page === '200',
  status.first_boot_page,
);
check(
  'the first-boot token page is not served to the network',
  (await fetchStatus(port, '/api/internal/first-boot-token/page')) === 404,
);
check('no failed units', status.failed_units === '', status.failed_units || status.system);

// Power off with the virtual power button; the guest must shut down by itself.
if (qemuExit === null) {
  say('QMP system_powerdown');
  const offStart = Date.now();
  try {
    await qmp(qmpSock, 'system_powerdown');
  } catch (err) {
    say(`QMP failed: ${err.message}`);
  }
  while (qemuExit === null && Date.now() - offStart < 180_000) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  check(
    'clean power-off after the power button',
    qemuExit !== null && qemuExit.code === 0 && /reboot: Power down/.test(log()),
    qemuExit ? `${((qemuExit.at - offStart) / 1000).toFixed(1)} s` : 'still running after 180 s',
  );
  if (qemuExit === null) qemu.kill('SIGKILL');
}
const saved = saveLog();
console.log(`boot-test: serial console log: ${saved}`);
console.log(
  `boot-test: multi-user reached ${bootS ?? '-'} s, daemon ready (READY=1) ` +
    `${status.daemon_ready_s ?? '-'} s after kernel start (guest clock); /api/v1/health ` +
    `answered the host ${healthAt ? sec(healthAt) : '-'} s after QEMU start; total ${since()} s`,
);
rmSync(work, { recursive: true, force: true });
finish();
