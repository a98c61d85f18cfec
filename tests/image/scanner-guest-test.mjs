#!/usr/bin/env node
// Scanner test on a real Linux kernel (issue 13 point 7; npm run test:scanner-guest): boots the
// appliance image in QEMU (qemu-system-aarch64 -M virt, the image's own kernel, initrd and root
// file system, as tests/image/boot-test.mjs does) and runs tests/image/guest/scanner-guest.mjs
// inside it, which makes virtual HID scanners through /dev/uhid and checks them against the
// image's daemon, udev rules and units as shipped.
//
// The image stays clean: the disk is a throw-away qcow2 overlay, and the test tooling arrives on
// a second, read-only virtio disk that is itself a bash script (a base64 tar of tests/image/guest
// and the descriptor fixtures), run by systemd-run-generator from the kernel command line
// (systemd.run="/bin/bash /dev/vdb", next to the normal multi-user boot). Its output goes to the
// serial console, which this reads.
//
// Usage: node tests/image/scanner-guest-test.mjs [IMAGE]; env POS_GUEST_TIMEOUT (s, default
// 1800), POS_BOOT_LOG_DIR (default image/out). Prints the guest's lines and the timings.
import { spawn, execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { readdirSync, statSync, rmSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const timeoutS = Number(process.env.POS_GUEST_TIMEOUT ?? 1800);
const logDir = process.env.POS_BOOT_LOG_DIR ?? path.join(repo, 'image', 'out');
const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (msg) => console.log(`scanner-guest-test [${since()} s] ${msg}`);

for (const [cmd, pkg] of [
  ['qemu-system-aarch64', 'qemu-system-arm'],
  ['qemu-img', 'qemu-utils'],
  ['mcopy', 'mtools'],
]) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
  } catch {
    if (process.getuid?.() !== 0) {
      console.error(`scanner-guest-test: ${cmd} missing; apt-get install ${pkg}`);
      process.exit(1);
    }
    say(`installing ${pkg}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
      stdio: 'inherit',
      env,
    });
  }
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
  if (!images.length) {
    console.error('scanner-guest-test: no image in image/out; build one: npm run image -- --small');
    process.exit(1);
  }
  return images[0];
}

/** First LBA of the FAT boot partition (MBR entry 1). */
function bootPartitionOffset(file) {
  const buf = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  readSync(fd, buf, 0, 512, 0);
  closeSync(fd);
  if (buf.readUInt16LE(510) !== 0xaa55) throw new Error(`${file}: no MBR`);
  return buf.readUInt32LE(446 + 8) * 512;
}

/** The QMP command, after the capabilities handshake. */
function qmp(sock, command) {
  return new Promise((resolve, reject) => {
    const c = connect(sock);
    let buf = '';
    let step = 0;
    c.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines.filter((l) => l.trim())) {
        const msg = JSON.parse(line);
        if (msg.error) {
          c.end();
          reject(new Error(msg.error.desc));
        } else if (msg.QMP && step === 0) {
          c.write('{"execute":"qmp_capabilities"}\n');
          step = 1;
        } else if ('return' in msg && step === 1) {
          c.write(JSON.stringify({ execute: command }) + '\n');
          step = 2;
        } else if ('return' in msg && step === 2) {
          c.end();
          resolve();
        }
      }
    });
    c.on('error', reject);
  });
}

const image = findImage();
const work = mkdtempSync(path.join(tmpdir(), 'pos-scanner-guest-'));
say(`image ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB), work dir ${work}`);
const fat = `${image}@@${bootPartitionOffset(image)}`;
const fromBoot = (file) => {
  const dest = path.join(work, path.basename(file));
  execFileSync('mcopy', ['-n', '-i', fat, `::/${file}`, dest]);
  return dest;
};
const cmdline = readFileSync(fromBoot('cmdline.txt'), 'utf8').trim();
const config = readFileSync(fromBoot('config.txt'), 'utf8');
const kernel = fromBoot(/^kernel=(\S+)/m.exec(config)[1]);
const initrd = fromBoot(/^initramfs\s+(\S+)/m.exec(config)[1]);

// The tooling disk: a bash script carrying the guest files as a base64 tar.
const stage = path.join(work, 'stage');
mkdirSync(path.join(stage, 'hid-descriptors'), { recursive: true });
copyFileSync(
  path.join(repo, 'tests/image/guest/scanner-guest.mjs'),
  path.join(stage, 'scanner-guest.mjs'),
);
for (const f of readdirSync(path.join(repo, 'tests/fixtures/hid-descriptors'))) {
  copyFileSync(
    path.join(repo, 'tests/fixtures/hid-descriptors', f),
    path.join(stage, 'hid-descriptors', f),
  );
}
const payload = execFileSync('tar', ['-czf', '-', '-C', stage, '.']).toString('base64');
let script = [
  '#!/bin/bash',
  '# Counter POS scanner guest test (tests/image/scanner-guest-test.mjs); not part of the image.',
  'exec >/dev/console 2>&1',
  'echo "SCANNER_GUEST start $(date -u +%H:%M:%S)"',
  '# uhid is a module that loads on first open of /dev/uhid; load it now all the same.',
  'modprobe uhid 2>/dev/null || true',
  'd=/run/pos-scanner-guest',
  'mkdir -p "$d"',
  'base64 -d <<\'PAYLOAD\' | tar -xz -C "$d"',
  payload.replace(/.{76}/g, '$&\n'),
  'PAYLOAD',
  'node "$d/scanner-guest.mjs"',
  'echo "SCANNER_GUEST exit=$?"',
  'exit 0',
  '',
].join('\n');
script += '\n'.repeat(512 - (Buffer.byteLength(script) % 512)); // a whole number of sectors
const tooling = path.join(work, 'tooling.raw');
writeFileSync(tooling, script);

const overlay = path.join(work, 'disk.qcow2');
execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', image, overlay]);
const serial = path.join(work, 'serial.log');
const qmpSock = path.join(work, 'qmp.sock');
const append = [
  ...cmdline.split(/\s+/).filter((a) => !a.startsWith('console=')),
  'console=ttyAMA0,115200',
  'systemd.mask=serial-getty@ttyAMA0.service',
  // The second disk (vdb) is the tooling script; systemd-run-generator makes a unit of it
  // (kernel-command-line.service). The generator would also make the boot end in its own
  // target instead of the appliance's: systemd.unit= keeps multi-user.target (pos-daemon and
  // the rest as shipped), systemd.wants= adds the tooling unit to it.
  'systemd.run="/bin/bash /dev/vdb"',
  'systemd.run_success_action=none',
  'systemd.run_failure_action=none',
  'systemd.unit=multi-user.target',
  'systemd.wants=kernel-command-line.service',
].join(' ');
const args = [
  ...['-M', 'virt', '-cpu', 'cortex-a72', '-smp', '2', '-m', '2048'],
  ...['-kernel', kernel, '-initrd', initrd, '-append', append],
  ...['-drive', `if=none,id=disk,file=${overlay},format=qcow2`],
  ...['-device', 'virtio-blk-pci,drive=disk'],
  ...['-drive', `if=none,id=tooling,file=${tooling},format=raw,readonly=on`],
  ...['-device', 'virtio-blk-pci,drive=tooling'],
  ...['-netdev', 'user,id=net', '-device', 'virtio-net-pci,netdev=net,romfile='],
  ...['-device', 'virtio-rng-pci', '-display', 'none', '-monitor', 'none', '-no-reboot'],
  ...['-serial', `file:${serial}`, '-qmp', `unix:${qmpSock},server=on,wait=off`],
];
say(
  `qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 2048, tooling disk ${(Buffer.byteLength(script) / 1024).toFixed(0)} KiB`,
);
const qemu = spawn('qemu-system-aarch64', args, { stdio: ['ignore', 'inherit', 'inherit'] });
let qemuExit = null;
qemu.on('exit', (code, signal) => (qemuExit = { code, signal }));

const log = () => (existsSync(serial) ? readFileSync(serial, 'utf8') : '');
const deadline = Date.now() + timeoutS * 1000;
let printed = 0;
let startAt = null;
let doneLine = null;
while (Date.now() < deadline && qemuExit === null) {
  await new Promise((r) => setTimeout(r, 2000));
  const lines = log().split('\n');
  lines.pop();
  for (const l of lines.slice(printed)) {
    const clean = l.replace(/\r/g, '');
    if (/SCANNER_GUEST|Kernel panic|pos-daemon.*(FAILED|failed)/.test(clean)) console.log(clean);
    if (!startAt && /SCANNER_GUEST start/.test(clean)) {
      startAt = Date.now();
      say('guest script started');
    }
    if (/SCANNER_GUEST done/.test(clean)) doneLine = clean;
  }
  printed = lines.length;
  if (/SCANNER_GUEST exit=/.test(log()) || /Kernel panic/.test(log())) break;
}
const text = log();
const oks = (text.match(/^SCANNER_GUEST ok /gm) ?? []).length;
const fails = (text.match(/^SCANNER_GUEST FAILED /gm) ?? []).length;
if (qemuExit === null) {
  try {
    await qmp(qmpSock, 'system_powerdown');
  } catch (err) {
    say(`QMP: ${err.message}`);
  }
  const off = Date.now();
  while (qemuExit === null && Date.now() - off < 180_000)
    await new Promise((r) => setTimeout(r, 1000));
  if (qemuExit === null) qemu.kill('SIGKILL');
}
mkdirSync(logDir, { recursive: true });
const saved = path.join(logDir, `${path.basename(image, '.img')}.scanner-guest.log`);
if (existsSync(serial)) copyFileSync(serial, saved);
rmSync(work, { recursive: true, force: true });
say(`serial console log: ${saved}`);
say(
  `guest script ran ${startAt ? ((Date.now() - startAt) / 1000).toFixed(0) : '-'} s; ${doneLine ? 'finished' : 'DID NOT FINISH'}; total ${since()} s`,
);
const ok = Boolean(doneLine) && fails === 0 && oks > 0;
console.log(`${oks} passed, ${fails + (doneLine ? 0 : 1)} failed`);
process.exit(ok ? 0 : 1);
