// Shared helpers for the QEMU guest tests of a built Counter POS image (boot-test.mjs,
// kiosk-test.mjs, and any other test that boots the image): prerequisites, finding the image,
// its MBR and boot files, one qemu-system-aarch64 -M virt guest with a serial log and a QMP
// socket, waiting on the serial log, HTTP to forwarded guest ports, and the printed checks.
//
//   const r = reporter('kiosk-test');           // r.say(), r.check(name, ok, detail), r.finish()
//   ensureTools({ ssh: true });                  // installs qemu-system-arm & co. when missing
//   const image = findImage({ variant: 'full' });
//   const guest = await startGuest({ image, work, r, display: { xres: 800, yres: 480 } });
//   await guest.waitForLog(/Reached target/, 600_000);
//   await guest.qmp.execute('screendump', { filename, format: 'png' });
//   guest.kill();                                // SIGKILL: a power cut
//
// Every wait is bounded; callers print what they waited for and how long.
import { spawn, execFile, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { existsSync, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { readdirSync, mkdirSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// ANSI colour sequences in systemd's status lines.
// eslint-disable-next-line no-control-regex
export const ansi = /\x1b\[[0-9;]*m/g;

/** Printed checks with one closing "N passed, N failed" line. */
export function reporter(prefix) {
  const t0 = Date.now();
  const results = [];
  const cleanups = [];
  const since = () => ((Date.now() - t0) / 1000).toFixed(1);
  const r = {
    t0,
    results,
    since,
    say: (msg) => console.log(`${prefix} [${since()} s] ${msg}`),
    check(name, ok, detail = '') {
      results.push({ name, ok: Boolean(ok) });
      console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}${detail ? ` — ${detail}` : ''}`);
      return Boolean(ok);
    },
    /** Runs at finish() (and on SIGINT/SIGTERM): kill guests, remove temp dirs. */
    onCleanup(fn) {
      cleanups.push(fn);
    },
    cleanup() {
      while (cleanups.length) {
        try {
          cleanups.pop()();
        } catch {
          /* best effort */
        }
      }
    },
    finish(code) {
      r.cleanup();
      const passed = results.filter((x) => x.ok).length;
      const failed = results.length - passed;
      console.log(`${passed} passed, ${failed} failed`);
      process.exit(code ?? (failed > 0 || results.length === 0 ? 1 : 0));
    },
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      console.log(`${prefix}: ${sig}, cleaning up`);
      r.cleanup();
      process.exit(130);
    });
  }
  return r;
}

/** Commands → Debian packages, installed with apt-get when missing (as root). */
export function ensureTools({ ssh = false, bundles = false } = {}) {
  const need = {
    ...(bundles
      ? { rauc: 'rauc', unsquashfs: 'squashfs-tools', debugfs: 'e2fsprogs', openssl: 'openssl' }
      : {}),
    'qemu-system-aarch64': 'qemu-system-arm',
    'qemu-img': 'qemu-utils',
    'qemu-io': 'qemu-utils',
    mcopy: 'mtools',
    fdtput: 'device-tree-compiler',
    ...(ssh ? { ssh: 'openssh-client', 'ssh-keygen': 'openssh-client' } : {}),
  };
  const missing = new Set();
  for (const [cmd, pkg] of Object.entries(need)) {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    } catch {
      console.log(`qemu-guest: missing ${cmd} (Debian package ${pkg})`);
      missing.add(pkg);
    }
  }
  if (missing.size === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`qemu-guest: not root; install them: apt-get install ${[...missing].join(' ')}`);
    process.exit(1);
  }
  console.log(`qemu-guest: installing ${[...missing].join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
}

/**
 * The image to boot: argv[2] or POS_IMAGE, else the newest image/out/pos-*-arm64[-small].img
 * of the wanted variant ('full', 'small' or 'any').
 */
export function findImage({
  variant = 'any',
  arg = process.argv[2] ?? process.env.POS_IMAGE,
} = {}) {
  if (arg) return path.resolve(arg);
  const out = path.join(repo, 'image', 'out');
  const re = {
    any: /^pos-.*-arm64(-small)?\.img$/,
    full: /^pos-.*-arm64\.img$/,
    small: /^pos-.*-arm64-small\.img$/,
  }[variant];
  const images = existsSync(out)
    ? readdirSync(out)
        .filter((f) => re.test(f))
        .map((f) => path.join(out, f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (images.length === 0) {
    console.error(
      `qemu-guest: no ${variant === 'any' ? '' : `${variant} `}image in image/out; build one: ` +
        'npm run image (both), or image/build.sh --small / --full',
    );
    process.exit(1);
  }
  return images[0];
}

const formatOf = (file) => (file.endsWith('.qcow2') ? 'qcow2' : 'raw');

/** `count` blocks of `bs` bytes from block `skip` of a raw image or a qcow2 disk, into `dest`. */
function extract(file, dest, bs, skip, count) {
  execFileSync('qemu-img', [
    'dd',
    '-f',
    formatOf(file),
    '-O',
    'raw',
    `bs=${bs}`,
    `skip=${skip}`,
    // qemu-img dd (QEMU 7.2) counts `count` from the start of the input, skipped blocks
    // included: count=128 after skip=36 copied 92 blocks, after skip=7500 none.
    `count=${skip + count}`,
    `if=${file}`,
    `of=${dest}`,
  ]);
  return dest;
}

/** MBR (disk signature at 440, four 16-byte entries at 446: type at +4, first LBA at +8). */
export function readMbr(file, work = null) {
  let buf;
  if (formatOf(file) === 'raw') {
    buf = Buffer.alloc(512);
    const fd = openSync(file, 'r');
    readSync(fd, buf, 0, 512, 0);
    closeSync(fd);
  } else {
    buf = readFileSync(extract(file, path.join(work, 'mbr.bin'), 512, 0, 1));
  }
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

/** The [all] and [tryboot] sections of an autoboot.txt: { all: {key: value}, tryboot: {...} }. */
export function parseAutoboot(text) {
  const sections = {};
  let section = 'all';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) section = head[1];
    else if (/^\w+=/.test(line)) {
      const [k, v] = line.split('=', 2);
      (sections[section] ??= {})[k] = v;
    }
  }
  return sections;
}

/**
 * What the Raspberry Pi firmware does before Linux starts, from the disk as it is now (a raw
 * image or the qcow2 disk a guest wrote to): autoboot.txt on partition 1 picks the boot
 * partition ([all] boot_partition=, or [tryboot] boot_partition= when the one-shot tryboot flag
 * is set; tryboot_a_b=1), and that partition's config.txt names the kernel and initramfs and
 * its cmdline.txt the kernel command line. Without autoboot.txt, partition 1 is booted (the
 * layout before A/B). The files are copied into `work`; `partition` and `tryboot` go into the
 * device tree as the firmware's /chosen/bootloader does (startGuest).
 */
export function piFirmware(disk, work, { tryboot = false } = {}) {
  const mbr = readMbr(disk, work);
  const fat = (n) => {
    const p = mbr.parts[n - 1];
    if (!p || p.size === 0) throw new Error(`${disk}: partition ${n} does not exist`);
    const MiB = 1024 * 1024;
    return extract(disk, path.join(work, `p${n}.vfat`), MiB, p.start / MiB, p.size / MiB);
  };
  const read = (img, file, dest = path.join(work, path.basename(file))) => {
    execFileSync('mcopy', ['-n', '-o', '-i', img, `::/${file}`, dest]);
    return dest;
  };
  const p1 = fat(1);
  let partition = 1;
  let autoboot = null;
  try {
    autoboot = parseAutoboot(readFileSync(read(p1, 'autoboot.txt'), 'utf8'));
  } catch {
    /* no autoboot.txt: partition 1 */
  }
  if (autoboot) {
    const flag = tryboot && autoboot.all?.tryboot_a_b === '1';
    partition = Number((flag ? autoboot.tryboot : autoboot.all)?.boot_partition ?? 1);
  }
  const img = partition === 1 ? p1 : fat(partition);
  const cmdline = readFileSync(read(img, 'cmdline.txt'), 'utf8').trim();
  const config = readFileSync(read(img, 'config.txt'), 'utf8');
  const kernelName = /^kernel=(\S+)/m.exec(config)?.[1];
  const initrdName = /^initramfs\s+(\S+)/m.exec(config)?.[1];
  return {
    mbr,
    partition,
    tryboot: Boolean(tryboot),
    autoboot,
    cmdline,
    config,
    kernelName,
    initrdName,
    kernel: kernelName ? read(img, kernelName) : null,
    initrd: initrdName ? read(img, initrdName) : null,
  };
}

/** The first boot's files: piFirmware on the image as flashed. */
export function bootFiles(image, work) {
  return piFirmware(image, work);
}

/**
 * A copy-on-write qcow2 disk over the image: a virtual card of `cardBytes` (default an 8 GB
 * card, the smallest the A/B layout takes; the first boot makes slot B and /data on it); the
 * image itself stays untouched. `bootFiles` (name → local file) are written into the overlay's
 * first FAT partition (POSBOOT) first, the way an operator drops files on the card.
 */
export function makeDisk(image, work, { cardBytes = 8e9, bootFiles: drop = {} } = {}) {
  const overlay = path.join(work, 'disk.qcow2');
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
    String(Math.max(cardBytes, statSync(image).size)),
  ]);
  if (Object.keys(drop).length > 0) {
    const { parts } = readMbr(image);
    const fat = path.join(work, 'boot.vfat');
    execFileSync('dd', [
      `if=${image}`,
      `of=${fat}`,
      'bs=1M',
      `skip=${parts[0].start}`,
      `count=${parts[0].size}`,
      'iflag=skip_bytes,count_bytes',
      'status=none',
    ]);
    for (const [name, file] of Object.entries(drop)) {
      execFileSync('mcopy', ['-o', '-i', fat, file, `::/${name}`]);
    }
    execFileSync('qemu-io', [
      '-f',
      'qcow2',
      '-c',
      `write -s ${fat} ${parts[0].start} ${parts[0].size}`,
      overlay,
    ]);
  }
  return overlay;
}

/**
 * Runs `command` as root in the guest over SSH (forwarded port 22, key `key`); its output, or
 * "ssh failed: …" (never throws). `full` returns { code, stdout, stderr } instead.
 */
export function ssh(guest, key, command, { timeoutMs = 60_000, full = false } = {}) {
  return new Promise((resolve) => {
    execFile(
      'ssh',
      [
        ...['-i', key, '-p', String(guest.ports[22])],
        ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
        ...['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-o', 'LogLevel=ERROR'],
        'root@127.0.0.1',
        command,
      ],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        if (full)
          return resolve({ code, stdout: String(stdout).trim(), stderr: String(stderr).trim() });
        if (err && code === -1)
          return resolve(
            `ssh failed: ${(stderr || err.message || '').toString().trim().slice(0, 300)}`,
          );
        if (err)
          return resolve(
            `ssh failed: ${String(stderr || stdout)
              .trim()
              .slice(0, 300)}`,
          );
        resolve(String(stdout).trim());
      },
    );
  });
}

/** Polls `fn` until it returns something truthy or `timeoutMs` passes (then its last value). */
export async function waitFor(fn, timeoutMs, everyMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > deadline) return v;
    await sleep(everyMs);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** One HTTP request to a forwarded guest port; null when nothing answered in time. */
export async function http(port, method, p, { body, token, timeoutMs = 15_000 } = {}) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${p}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: globalThis.AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: json, text };
  } catch {
    return null;
  }
}

/** A QMP connection: execute(command, args) → return value; events are collected. */
export class Qmp {
  constructor(sock) {
    this.sock = sock;
    this.events = [];
    this.pending = [];
    this.buf = '';
  }

  /** Connects (retrying until QEMU has made the socket) and negotiates capabilities. */
  static async connect(sock, timeoutMs = 30_000) {
    const q = new Qmp(sock);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await q.open();
        return q;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(250);
      }
    }
  }

  open() {
    return new Promise((resolve, reject) => {
      const c = connect(this.sock);
      let greeted = false;
      c.on('error', (err) => {
        if (!greeted) reject(err);
        for (const p of this.pending.splice(0)) p.reject(err);
      });
      c.on('close', () => {
        for (const p of this.pending.splice(0)) p.reject(new Error('QMP connection closed'));
      });
      c.on('data', (d) => {
        this.buf += d.toString();
        const lines = this.buf.split('\n');
        this.buf = lines.pop();
        for (const line of lines) {
          if (!line.trim()) continue;
          const msg = JSON.parse(line);
          if (msg.QMP && !greeted) {
            greeted = true;
            this.conn = c;
            this.execute('qmp_capabilities').then(resolve, reject);
          } else if (msg.event) {
            this.events.push(msg);
          } else if ('return' in msg || msg.error) {
            const p = this.pending.shift();
            if (!p) continue;
            if (msg.error) p.reject(new Error(`${p.command}: ${msg.error.desc}`));
            else p.resolve(msg.return);
          }
        }
      });
    });
  }

  execute(command, args, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      if (!this.conn || this.conn.destroyed) return reject(new Error('QMP not connected'));
      const timer = setTimeout(() => reject(new Error(`QMP ${command}: no answer`)), timeoutMs);
      this.pending.push({
        command,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.conn.write(
        JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n',
      );
    });
  }

  close() {
    this.conn?.destroy();
  }
}

/**
 * Boots `disk` (from makeDisk) with the image's own kernel and initrd, the way the Pi's
 * firmware would, in qemu-system-aarch64 -M virt (software emulation, Cortex-A72 like a Pi 4).
 * The guest's serial console goes to a log file; `forward` maps guest TCP ports to free
 * 127.0.0.1 ports (guest.ports[guestPort]). With `display`, a virtio-gpu screen of that size
 * and a USB keyboard and tablet (absolute pointer, as a touch screen) on an xHCI controller.
 */
export async function startGuest({
  boot,
  disk,
  work,
  r,
  name = 'guest',
  forward = [8080],
  display = null,
  append = [],
  memMiB = 2048,
  drives = [],
  // The Pi firmware's /chosen/bootloader in a device tree of QEMU's own (dumped, patched,
  // given back with -dtb). Off for the kiosk test, which needs no slot information: in one run
  // with -dtb Chromium's GPU process crashed again and again (black screen). A later boot of
  // the same full image with -dtb painted /pos (2026-12-07 14:45, beside an image build), so
  // that crash is not put down to the device tree; the OTA test runs the full image with it.
  firmwareDt = true,
}) {
  // The Pi's consoles (serial0, tty1) become QEMU virt's PL011 UART (the last console= is
  // /dev/console) and, with a screen, tty0 as on the Pi.
  const args = [
    ...boot.cmdline.split(/\s+/).filter((a) => !a.startsWith('console=')),
    ...(display ? ['console=tty0'] : []),
    'console=ttyAMA0,115200',
    // Software emulation on a busy 2-core host can take longer than systemd's default 90 s for
    // udev to announce the partitions; a real Pi takes a second. Without this the guest drops
    // to emergency mode ("Timed out waiting for device .../by-partuuid/...-01").
    'systemd.default_device_timeout_sec=900',
    ...append,
  ].join(' ');
  const ports = {};
  const hostfwd = [];
  for (const guestPort of forward) {
    ports[guestPort] = await freePort();
    hostfwd.push(`hostfwd=tcp:127.0.0.1:${ports[guestPort]}-:${guestPort}`);
  }
  const serial = path.join(work, `${name}.serial.log`);
  const qmpSock = path.join(work, `${name}.qmp.sock`);
  const machine = (extra = '') => ['-M', `virt${extra}`, '-cpu', 'cortex-a72', '-smp', '2'];
  const qemuArgs = [
    ...machine(),
    ...['-m', String(memMiB)],
    ...['-kernel', boot.kernel, '-initrd', boot.initrd, '-append', args],
    ...[
      '-drive',
      `if=none,id=disk,file=${disk},format=qcow2`,
      '-device',
      'virtio-blk-pci,drive=disk',
    ],
    // Extra disks (read-only, raw): /dev/vdb, /dev/vdc … in the guest, like a USB stick.
    ...drives.flatMap((file, i) => [
      '-drive',
      `if=none,id=extra${i},file=${file},format=raw,readonly=on`,
      '-device',
      `virtio-blk-pci,drive=extra${i}`,
    ]),
    ...['-netdev', `user,id=net,${hostfwd.join(',')}`],
    // romfile= : no PXE option ROM. The kernel is booted directly, and Debian ships the ROM
    // (efi-virtio.rom) in ipxe-qemu, which qemu-system-arm only recommends.
    ...['-device', 'virtio-net-pci,netdev=net,romfile='],
    ...['-device', 'virtio-rng-pci'],
    ...(display
      ? [
          // A plain 2D virtio-gpu: the guest drives it through DRM/KMS (virtio_gpu) as the Pi
          // drives vc4; no GL on the host side, so the guest renders in software.
          ...[
            '-device',
            `virtio-gpu-pci,id=gpu,xres=${display.xres},yres=${display.yres}` +
              (display.second ? ',max_outputs=2' : ''),
          ],
          // A second head (the Pi's second HDMI output): QEMU enables a virtio-gpu head only
          // when a display front end asks for a size, and -display none never asks. A VNC
          // server on that head (a unix socket) does, once a client sends RFB SetDesktopSize
          // (rfbSetDesktopSize below); the guest then sees the connector come up (hotplug).
          ...(display.second
            ? ['-vnc', `unix:${path.join(work, `${name}.vnc1.sock`)},display=gpu,head=1`]
            : []),
          ...['-device', 'qemu-xhci,id=xhci'],
          ...['-device', 'usb-kbd,bus=xhci.0', '-device', 'usb-tablet,bus=xhci.0'],
        ]
      : []),
    ...['-display', 'none', '-monitor', 'none', '-no-reboot'],
    ...['-serial', `file:${serial}`, '-qmp', `unix:${qmpSock},server=on,wait=off`],
  ];
  if (boot.partition !== undefined && firmwareDt) {
    // The device tree QEMU would make, plus what the Pi firmware adds: /chosen/bootloader with
    // the booted partition and the tryboot flag (read by pos-rauc-tryboot in the guest).
    const dtb = path.join(work, `${name}.dtb`);
    const rest = qemuArgs.slice(machine().length);
    const dumpArgs = [...machine(`,dumpdtb=${dtb}`)];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '-qmp' || rest[i] === '-serial') i++;
      else dumpArgs.push(rest[i]);
    }
    execFileSync('qemu-system-aarch64', dumpArgs, { stdio: 'ignore' });
    execFileSync('fdtput', ['-c', '-p', dtb, '/chosen/bootloader']);
    execFileSync('fdtput', [
      '-t',
      'u',
      dtb,
      '/chosen/bootloader',
      'partition',
      String(boot.partition),
    ]);
    execFileSync('fdtput', [
      '-t',
      'u',
      dtb,
      '/chosen/bootloader',
      'tryboot',
      boot.tryboot ? '1' : '0',
    ]);
    qemuArgs.push('-dtb', dtb);
  }
  r.say(
    `${name}: qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m ${memMiB}` +
      (boot.partition !== undefined
        ? `, boot partition ${boot.partition}${boot.tryboot ? ' (tryboot)' : ''}`
        : '') +
      (display
        ? `, virtio-gpu ${display.xres}x${display.yres}` +
          (display.second ? ` + ${display.second.xres}x${display.second.yres}` : '') +
          ', xHCI usb-tablet + usb-kbd'
        : '') +
      `, ${forward.map((g) => `${g} → 127.0.0.1:${ports[g]}`).join(', ')}`,
  );
  const startedAt = Date.now();
  const qemu = spawn('qemu-system-aarch64', qemuArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
  const guest = {
    name,
    qemu,
    serial,
    ports,
    startedAt,
    exit: null,
    seen: 0,
    qmp: null,
    log: () => (existsSync(serial) ? readFileSync(serial, 'latin1') : ''),
    /** Seconds since QEMU started. */
    sec: (t = Date.now()) => ((t - startedAt) / 1000).toFixed(1),
    /** Echoes new serial lines that match `filter` (progress for a person watching). */
    echo(filter) {
      const text = guest.log();
      const lines = text.slice(guest.seen).split('\n');
      if (!text.endsWith('\n')) lines.pop();
      guest.seen += lines.reduce((n, l) => n + l.length + 1, 0);
      for (const l of lines)
        if (filter.test(l)) r.say(`${name} console: ${l.replace(ansi, '').trim()}`);
    },
    /** Waits until the serial log matches `re` (returns the match) or `timeoutMs` passes (null). */
    async waitForLog(re, timeoutMs, filter = null) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && guest.exit === null) {
        if (filter) guest.echo(filter);
        const m = re.exec(guest.log());
        if (m) return m;
        await sleep(1000);
      }
      return re.exec(guest.log());
    },
    /** SIGKILL: QEMU ends at once, the guest gets no shutdown (a power cut). */
    async kill() {
      if (guest.exit !== null) return;
      qemu.kill('SIGKILL');
      for (let i = 0; i < 100 && guest.exit === null; i++) await sleep(100);
    },
    /** The virtual power button; true when the guest powered off by itself in time. */
    async powerdown(timeoutMs = 180_000) {
      if (guest.exit !== null) return false;
      try {
        await guest.qmp.execute('system_powerdown');
      } catch (err) {
        r.say(`${name}: QMP system_powerdown failed: ${err.message}`);
      }
      const deadline = Date.now() + timeoutMs;
      while (guest.exit === null && Date.now() < deadline) await sleep(1000);
      return guest.exit !== null && guest.exit.code === 0;
    },
    /**
     * After the guest rebooted (QEMU ends: -no-reboot): the command reboot(2) was given, as the
     * kernel logs it ("reboot: Restarting system with command '0 tryboot'"); '' for a plain
     * reboot, null when the guest did not reboot. The Pi firmware reads its one-shot tryboot
     * flag from this command.
     */
    rebootCommand() {
      const text = guest.log();
      const m = /reboot: Restarting system with command '([^']*)'/.exec(text);
      if (m) return m[1];
      return /reboot: Restarting system/.test(text) ? '' : null;
    },
    /** Keeps the serial log as `dest`. */
    saveLog(dest) {
      mkdirSync(path.dirname(dest), { recursive: true });
      if (existsSync(serial)) copyFileSync(serial, dest);
      return dest;
    },
  };
  qemu.on('exit', (code, signal) => (guest.exit = { code, signal, at: Date.now() }));
  r.onCleanup(() => {
    if (guest.exit === null) qemu.kill('SIGKILL');
    guest.qmp?.close();
  });
  guest.qmp = await Qmp.connect(qmpSock);
  if (display?.second) {
    const vnc = await rfbSetDesktopSize(
      path.join(work, `${name}.vnc1.sock`),
      display.second.xres,
      display.second.yres,
    );
    r.onCleanup(() => vnc.close());
    r.say(
      `${name}: second head asked for ${display.second.xres}x${display.second.yres} (was ${vnc.before})`,
    );
  }
  return guest;
}

/**
 * A minimal RFB (VNC) client that asks a QEMU VNC server for a screen size: protocol 3.8,
 * security "None", ClientInit, SetEncodings (Raw + the ExtendedDesktopSize pseudo-encoding
 * -308), then SetDesktopSize (message 251) with one screen. QEMU hands the size to the display
 * device (virtio-gpu: that head becomes enabled with this mode). Resolves with the size the
 * server had before and a close(); the connection stays open until then.
 */
export function rfbSetDesktopSize(sock, width, height, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const c = connect(sock);
    let buf = Buffer.alloc(0);
    let stage = 'version';
    const fail = (msg) => {
      clearTimeout(timer);
      c.destroy();
      reject(new Error(`rfb ${sock}: ${msg}`));
    };
    const timer = setTimeout(() => fail(`no answer in stage ${stage}`), timeoutMs);
    c.on('error', (err) => fail(err.message));
    c.on('data', (d) => {
      if (stage === 'done') return; // no framebuffer updates were asked for
      buf = Buffer.concat([buf, d]);
      const take = (n) => {
        const b = buf.subarray(0, n);
        buf = buf.subarray(n);
        return b;
      };
      for (;;) {
        if (stage === 'version' && buf.length >= 12) {
          take(12);
          c.write('RFB 003.008\n');
          stage = 'security';
        } else if (stage === 'security' && buf.length >= 1 && buf.length >= 1 + buf[0]) {
          const types = [...take(1 + buf[0]).subarray(1)];
          if (!types.includes(1)) return fail(`no "None" security type (${types.join(',')})`);
          c.write(Buffer.from([1]));
          stage = 'result';
        } else if (stage === 'result' && buf.length >= 4) {
          if (take(4).readUInt32BE(0) !== 0) return fail('security handshake refused');
          c.write(Buffer.from([1])); // ClientInit: shared
          stage = 'init';
        } else if (
          stage === 'init' &&
          buf.length >= 24 &&
          buf.length >= 24 + buf.readUInt32BE(20)
        ) {
          const init = take(24 + buf.readUInt32BE(20));
          const encodings = Buffer.alloc(12);
          encodings[0] = 2; // SetEncodings
          encodings.writeUInt16BE(2, 2);
          encodings.writeInt32BE(0, 4); // Raw
          encodings.writeInt32BE(-308, 8); // ExtendedDesktopSize
          const size = Buffer.alloc(24);
          size[0] = 251; // SetDesktopSize
          size.writeUInt16BE(width, 2);
          size.writeUInt16BE(height, 4);
          size[6] = 1; // one screen: id 0 at 0,0
          size.writeUInt16BE(width, 16);
          size.writeUInt16BE(height, 18);
          c.write(Buffer.concat([encodings, size]));
          clearTimeout(timer);
          stage = 'done';
          return resolve({
            before: `${init.readUInt16BE(0)}x${init.readUInt16BE(2)}`,
            close: () => c.destroy(),
          });
        } else return;
      }
    });
  });
}
