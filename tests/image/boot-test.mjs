#!/usr/bin/env node
// QEMU boot test of a built Counter POS image (npm run test:image).
//
// Boots the image's own root file system with its own Debian arm64 kernel and initrd (the boot
// slot autoboot.txt names, its config.txt and cmdline.txt, as the Raspberry Pi firmware would)
// in qemu-system-aarch64 -M virt (software emulation, Cortex-A72 like a Pi 4). The disk is a
// qcow2 overlay over the image, an 8 GB card, so the first boot really makes slot B and /data
// and the image itself stays untouched. The daemon's port is forwarded to 127.0.0.1 only.
//
// Checks: multi-user.target reached; pos-firstboot wrote secrets that meet the production
// rules (0600, APP_ENV=production); /data made (partition 7) and slot A booted and committed;
// pos-daemon active and GET /api/v1/health
// answers from the host with app_env=production; pos-kiosk enabled (it needs a display and,
// in the small image, a browser: the unit is enabled and skipped by its conditions); no failed
// units. Then an ACPI-style power-button press (QMP system_powerdown) must power off cleanly.
// The guest's state is read from the serial console, where pos-status-console.service
// (pulled in with systemd.wants= on the kernel command line) prints pos-status.
//
// Usage: node tests/image/boot-test.mjs [IMAGE] (default: the newest image/out/*-small.img);
// env POS_BOOT_TIMEOUT (s, default 1200), POS_BOOT_LOG_DIR (default image/out). Prints boot
// time and daemon ready time. QEMU, QMP and the serial log: tests/image/qemu-guest.mjs.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bootFiles,
  ensureTools,
  findImage,
  http,
  makeDisk,
  repo,
  reporter,
  sleep,
  startGuest,
} from './qemu-guest.mjs';

const timeoutS = Number(process.env.POS_BOOT_TIMEOUT ?? 1200);
const logDir = process.env.POS_BOOT_LOG_DIR ?? path.join(repo, 'image', 'out');
const r = reporter('boot-test');
const { check, say } = r;

// ---------------------------------------------------------------------------------------------
ensureTools();
const image = findImage({ variant: 'small' });
const name = path.basename(image, '.img');
const work = mkdtempSync(path.join(tmpdir(), 'pos-boot-test-'));
r.onCleanup(() => rmSync(work, { recursive: true, force: true }));
const bootInfo = bootFiles(image, work);
const { mbr, cmdline } = bootInfo;
const [posboot, bootA, , extended] = mbr.parts;
say(
  `image ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB), disk id ${mbr.signature}`,
);
check(
  'MBR: FAT POSBOOT (1), FAT boot slot A (2), extended (4) for the root slots and data',
  posboot.type === 0x0c && bootA.type === 0x0c && extended.type === 0x05,
  mbr.parts.map((p) => `0x${p.type.toString(16)}@${p.start / 2 ** 20}MiB`).join(' '),
);
check(
  'autoboot.txt starts boot partition 2 (slot A); its cmdline.txt boots root=PARTUUID=<disk id>-05, rauc.slot=A',
  bootInfo.partition === 2 &&
    cmdline.includes(`root=PARTUUID=${mbr.signature}-05`) &&
    /\brauc\.slot=A\b/.test(cmdline),
  `partition ${bootInfo.partition}: ${cmdline}`,
);
check(
  'config.txt names kernel and initramfs',
  Boolean(bootInfo.kernel && bootInfo.initrd),
  `${bootInfo.kernelName} ${bootInfo.initrdName}`,
);
if (!bootInfo.kernel || !bootInfo.initrd) r.finish(1);

const disk = makeDisk(image, work);
const guest = await startGuest({
  boot: bootInfo,
  disk,
  work,
  r,
  name: 'boot',
  append: [
    'systemd.show_status=1',
    'systemd.wants=pos-status-console.service',
    // No login prompt on the serial console: it would interleave with the status lines.
    'systemd.mask=serial-getty@ttyAMA0.service',
  ],
});
const port = guest.ports[8080];
const sec = (t) => guest.sec(t);
const deadline = guest.startedAt + timeoutS * 1000;
let multiUserAt = null;
let healthAt = null;
let healthBody = null;
let statusText = null;
let statusAt = null;

while (Date.now() < deadline && guest.exit === null) {
  await sleep(2000);
  // Progress: echo systemd's status lines for our units and the milestones.
  guest.echo(/pos-|POS_STATUS|multi-user|Counter POS|FAILED|Kernel panic|end Kernel/);
  const text = guest.log();
  if (!multiUserAt && /Reached target.*(multi-user\.target|Multi-User System)/.test(text)) {
    multiUserAt = Date.now();
  }
  if (!healthAt) {
    const h = await http(port, 'GET', '/api/v1/health', { timeoutMs: 5000 });
    if (h && h.status === 200) {
      healthAt = Date.now();
      healthBody = h.body;
      say(`GET /api/v1/health → 200 ${h.text.slice(0, 200)}`);
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
check(
  'first boot made the data partition (vda7, > 512 MiB) and slot B (pos-partitions)',
  /^\/dev\/vda7 /.test(status.data ?? '') &&
    dataMiB > 512 &&
    /\/active$/.test(status['pos-partitions'] ?? ''),
  `${status.data}; pos-partitions ${status['pos-partitions']}`,
);
check(
  'booted slot A, committed A, no trial boot (autoboot.txt, /chosen/bootloader)',
  status.slot === 'A' && status.slot_committed === 'A' && status.tryboot === '0',
  `slot ${status.slot}, committed ${status.slot_committed}, tryboot ${status.tryboot}`,
);
check('first-boot admin token kept for one showing', status.first_boot_token === 'present');
check(
  'the daemon serves the first-boot token page to the kiosk (loopback)',
  status.first_boot_page === '200',
  status.first_boot_page,
);
// From the host the request arrives through QEMU's user network (10.0.2.2), not loopback:
// the guard refuses it with 403 loopback_only and the token never leaves the guest.
const tokenPage = await http(port, 'GET', '/api/internal/first-boot-token/page');
check(
  'the first-boot token page is not served to the network',
  tokenPage?.status === 403 && tokenPage.body?.error?.code === 'loopback_only',
  tokenPage ? `${tokenPage.status} ${tokenPage.text.slice(0, 120)}` : 'no answer',
);
check('no failed units', status.failed_units === '', status.failed_units || status.system);

// Power off with the virtual power button; the guest must shut down by itself.
if (guest.exit === null) {
  say('QMP system_powerdown');
  const offStart = Date.now();
  const off = await guest.powerdown(180_000);
  check(
    'clean power-off after the power button',
    off && /reboot: Power down/.test(guest.log()),
    guest.exit
      ? `${((guest.exit.at - offStart) / 1000).toFixed(1)} s`
      : 'still running after 180 s',
  );
}
const saved = guest.saveLog(path.join(logDir, `${name}.boot-test.log`));
console.log(`boot-test: serial console log: ${saved}`);
console.log(
  `boot-test: multi-user reached ${bootS ?? '-'} s, daemon ready (READY=1) ` +
    `${status.daemon_ready_s ?? '-'} s after kernel start (guest clock); /api/v1/health ` +
    `answered the host ${healthAt ? sec(healthAt) : '-'} s after QEMU start; total ${r.since()} s`,
);
r.finish();
