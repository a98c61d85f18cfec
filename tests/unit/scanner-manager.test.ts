import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { ManualClock } from '../../daemon/clock.js';
import { memoryLogger } from '../../daemon/log.js';
import type { HidBackend, HidDeviceInfo } from '../../daemon/scanners/device.js';
import { scannerId, vidPid } from '../../daemon/scanners/device.js';
import { HidManager, type HidPrefs } from '../../daemon/scanners/hid-manager.js';
import { SUFFIX_GAP_MS } from '../../daemon/scanners/reader.js';
import { usbPortPath } from '../../daemon/scanners/port-path.js';
import { ManualTimers } from '../../daemon/scanners/timers.js';
import { FakeHidDevice, keyReports, loadFixture } from '../helpers/scanner-fixtures.js';
import { tempDir } from '../helpers/daemon.js';

const POS: HidDeviceInfo = {
  path: '/dev/hidraw3',
  vendorId: 0x0c2e,
  productId: 0x0b81,
  serialNumber: '21045B0123',
  product: 'Voyager 1450g',
  interface: 0,
  usagePage: 0x8c,
  usage: 0x02,
};
const WEDGE: HidDeviceInfo = {
  path: '/dev/hidraw4',
  vendorId: 0x1eab,
  productId: 0x0c03,
  interface: 0,
  usagePage: 0x01,
  usage: 0x06,
};
const REAL_KEYBOARD: HidDeviceInfo = {
  path: '/dev/hidraw0',
  vendorId: 0x046d,
  productId: 0xc31c,
  interface: 0,
  usagePage: 0x01,
  usage: 0x06,
};

class FakeBackend implements HidBackend {
  readonly name = 'fake';
  list: HidDeviceInfo[] = [];
  opened = new Map<string, FakeHidDevice>();
  openCalls: string[] = [];
  failOpens = 0;
  async devices() {
    return [...this.list];
  }
  async open(p: string) {
    this.openCalls.push(p);
    if (this.failOpens > 0) {
      this.failOpens--;
      throw new Error('cannot open device with path ' + p);
    }
    const d = new FakeHidDevice();
    this.opened.set(p, d);
    return d;
  }
}

/** `listed`: VID:PIDs on the scanner list (scanners.list). */
function setup(opts: { listed?: string[]; prefs?: Record<string, Partial<HidPrefs>> } = {}) {
  const backend = new FakeBackend();
  const timers = new ManualTimers();
  const clock = new ManualClock();
  const log = memoryLogger();
  const scans: Array<[string, string]> = [];
  let changes = 0;
  const prefs = opts.prefs ?? {};
  const m = new HidManager({
    backend,
    log,
    clock,
    timers,
    gapMs: 80,
    known: (info) => (opts.listed ?? []).includes(vidPid(info)),
    prefs: (id) => ({ layout: 'de', enabled: true, isScanner: false, ...prefs[id] }),
    portPath: async () => null,
    onScan: (id, s) => scans.push([id, s.barcode]),
    onChange: () => changes++,
  });
  return { m, backend, timers, clock, log, scans, prefs, changes: () => changes };
}

test('HID POS devices are read; unlisted keyboards are listed, watched for timing only, never read', async () => {
  const { m, backend, scans, clock, log } = setup();
  backend.list = [POS, REAL_KEYBOARD, WEDGE];
  await m.rescan();
  // hidraw3 read; hidraw0 and hidraw4 opened by the typing probe only.
  assert.deepEqual([...backend.openCalls].sort(), ['/dev/hidraw0', '/dev/hidraw3', '/dev/hidraw4']);
  assert.deepEqual(
    m.attached().map((a) => [a.id, a.kind, a.open]),
    [['0c2e:0b81:21045B0123', 'hid_pos', true]],
  );
  assert.deepEqual(
    m
      .keyboards()
      .map((k) => k.id)
      .sort(),
    ['046d:c31c@_dev_hidraw0', '1eab:0c03@_dev_hidraw4'],
  );
  for (const r of loadFixture('pos-ean13').reports)
    backend.opened.get('/dev/hidraw3')!.report(r.hex);
  assert.deepEqual(scans, [['0c2e:0b81:21045B0123', '2100000000036']]);
  // The unlisted wedge types a code in a burst: flagged, but nothing decoded or logged.
  for (const r of keyReports('SECRET-4711', 'us')) backend.opened.get('/dev/hidraw4')!.report(r);
  // A person types the same on the real keyboard, 120 ms a key.
  for (const r of keyReports('SECRET-4711', 'us')) {
    clock.advance(60);
    backend.opened.get('/dev/hidraw0')!.report(r);
  }
  assert.deepEqual(scans.length, 1, 'nothing read from either keyboard');
  assert.deepEqual(
    m.keyboards().map((k) => [k.id, k.looksLikeScanner]),
    [
      ['046d:c31c@_dev_hidraw0', false],
      ['1eab:0c03@_dev_hidraw4', true],
    ],
  );
  const logged = log.lines.join('\n');
  assert.match(logged, /keyboard 1eab:0c03@_dev_hidraw4 types like a scanner \(11 keys in 0 ms/);
  assert.doesNotMatch(logged, /SECRET|4711/i);
});

test('keyboard-class devices are read when on the scanner list or adopted as scanner', async () => {
  const a = setup({ listed: ['1eab:0c03'] });
  a.backend.list = [WEDGE, REAL_KEYBOARD];
  await a.m.rescan();
  assert.deepEqual(
    a.m.attached().map((e) => e.id),
    ['1eab:0c03@_dev_hidraw4'],
  );
  const dev = a.backend.opened.get('/dev/hidraw4')!;
  for (const r of loadFixture('kbd-de-ean13-enter').reports) dev.report(r.hex);
  assert.deepEqual(a.scans, [['1eab:0c03@_dev_hidraw4', '2100000000029']]);

  const b = setup({ prefs: { '046d:c31c@_dev_hidraw0': { isScanner: true } } });
  b.backend.list = [WEDGE, REAL_KEYBOARD];
  await b.m.rescan();
  assert.deepEqual(
    b.m.attached().map((e) => e.id),
    ['046d:c31c@_dev_hidraw0'],
  );
});

test('a device with a POS and a keyboard interface is read once, through the POS interface', async () => {
  const { m, backend } = setup({ listed: ['0c2e:0b81'] });
  backend.list = [
    { ...POS, path: '/dev/hidraw5', usagePage: 0x01, usage: 0x06, interface: 1 },
    POS,
  ];
  await m.rescan();
  assert.deepEqual(backend.openCalls, ['/dev/hidraw3']);
  assert.equal(m.attached().length, 1);
});

test('hotplug: attach opens, detach closes cleanly and reports the change', async () => {
  const { m, backend, changes } = setup();
  await m.rescan();
  assert.equal(m.attached().length, 0);
  backend.list = [POS];
  await m.rescan();
  assert.equal(m.openCount, 1);
  const before = changes();
  backend.list = [];
  await m.rescan();
  assert.equal(m.openCount, 0);
  assert.equal(backend.opened.get('/dev/hidraw3')!.closed, true);
  assert.ok(changes() > before);
});

test('a read error closes the device and reopens it with exponential backoff', async () => {
  const { m, backend, timers, log } = setup();
  backend.list = [POS];
  await m.rescan();
  const first = backend.opened.get('/dev/hidraw3')!;
  backend.failOpens = 2;
  first.fail('could not read from HID device');
  assert.equal(first.closed, true);
  assert.equal(m.openCount, 0);
  assert.equal(m.attached()[0].lastError, 'could not read from HID device');

  const settle = () => new Promise((r) => setImmediate(r));
  timers.advance(249);
  await settle();
  assert.equal(backend.openCalls.length, 1, 'no reopen before 250 ms');
  timers.advance(1);
  await settle();
  assert.equal(backend.openCalls.length, 2, 'first reopen at 250 ms (fails)');
  timers.advance(499);
  await settle();
  assert.equal(backend.openCalls.length, 2);
  timers.advance(1);
  await settle();
  assert.equal(backend.openCalls.length, 3, 'second reopen 500 ms later (fails)');
  timers.advance(1000);
  await settle();
  assert.equal(backend.openCalls.length, 4, 'third reopen 1 s later succeeds');
  assert.equal(m.openCount, 1);
  // One warning for the streak, not one per attempt.
  assert.equal(log.lines.filter((l) => l.includes('WARN')).length, 1);
  // The reopened device works; its first report resets the backoff.
  const again = backend.opened.get('/dev/hidraw3')!;
  for (const r of loadFixture('pos-ean13').reports) again.report(r.hex);
  assert.equal(m.attached()[0].failures, 0);
});

test('a scanner unplugged while waiting to reopen is forgotten (no more attempts)', async () => {
  const { m, backend, timers } = setup();
  backend.list = [POS];
  await m.rescan();
  backend.opened.get('/dev/hidraw3')!.fail();
  backend.list = [];
  await m.rescan();
  timers.advance(60_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(backend.openCalls.length, 1);
  assert.equal(timers.pending, 0);
});

test('disabling a scanner in settings closes it; enabling opens it again', async () => {
  const s = setup();
  s.backend.list = [POS];
  await s.m.rescan();
  s.prefs['0c2e:0b81:21045B0123'] = { enabled: false };
  await s.m.applyPrefs();
  assert.equal(s.m.openCount, 0);
  const closedDev = s.backend.opened.get('/dev/hidraw3')!;
  assert.equal(closedDev.closed, true);
  // A late error or report from the closed device is ignored (no throw, no reopen, no scan).
  closedDev.fail('late error after close');
  for (const r of loadFixture('pos-ean13').reports) closedDev.report(r.hex);
  assert.equal(s.timers.pending, 0);
  assert.deepEqual(s.scans, []);
  s.prefs['0c2e:0b81:21045B0123'] = { enabled: true };
  await s.m.applyPrefs();
  assert.equal(s.m.openCount, 1);
});

test('layout changes apply to an open keyboard-wedge scanner at once', async () => {
  const s = setup({ listed: ['1eab:0c03'] });
  s.backend.list = [WEDGE];
  await s.m.rescan();
  const dev = s.backend.opened.get('/dev/hidraw4')!;
  const sym = loadFixture('kbd-de-symbols');
  s.prefs['1eab:0c03@_dev_hidraw4'] = { layout: 'us' };
  await s.m.applyPrefs();
  for (const r of sym.reports) dev.report(r.hex);
  assert.match(s.scans[0][1], /^Zy\[/);
});

test('the gap timer ends a keyboard-wedge code without suffix: the first after the 1 s safety gap (a factory suffix is assumed), later ones after SCANNER_GAP_MS', async () => {
  const s = setup({ listed: ['1eab:0c03'] });
  s.backend.list = [WEDGE];
  await s.m.rescan();
  const dev = s.backend.opened.get('/dev/hidraw4')!;
  for (const r of loadFixture('kbd-trailing-gap').reports) dev.report(r.hex);
  s.timers.advance(80);
  assert.deepEqual(s.scans, [], 'a busy event loop must not cut a suffixed code: no 80 ms cut yet');
  s.timers.advance(SUFFIX_GAP_MS - 81);
  assert.deepEqual(s.scans, []);
  s.timers.advance(1);
  assert.deepEqual(s.scans, [['1eab:0c03@_dev_hidraw4', '2100000000012']]);
  // Now known to have no suffix: the next code ends after SCANNER_GAP_MS.
  for (const r of loadFixture('kbd-trailing-gap').reports) dev.report(r.hex);
  s.timers.advance(79);
  assert.equal(s.scans.length, 1);
  s.timers.advance(1);
  assert.equal(s.scans.length, 2);
});

test('stop() closes every device and leaves no timer behind', async () => {
  const s = setup();
  s.backend.list = [POS, { ...POS, path: '/dev/hidraw9', serialNumber: 'B' }];
  await s.m.rescan();
  s.backend.opened.get('/dev/hidraw9')!.fail();
  await s.m.stop();
  assert.equal(s.backend.opened.get('/dev/hidraw3')!.closed, true);
  assert.equal(s.timers.pending, 0);
  await s.m.rescan(); // after stop: a no-op
  assert.equal(s.backend.openCalls.length, 2);
});

test('scannerId: VID:PID:serial; port path without a serial; placeholder serials ignored', () => {
  assert.equal(scannerId(POS, '1-1.3'), '0c2e:0b81:21045B0123');
  assert.equal(scannerId({ ...POS, serialNumber: '' }, '1-1.3'), '0c2e:0b81@usb-1-1.3');
  assert.equal(scannerId({ ...POS, serialNumber: '000000' }, '1-1.2'), '0c2e:0b81@usb-1-1.2');
  assert.equal(scannerId({ ...POS, serialNumber: 'S/N 12' }, null), '0c2e:0b81:S_N_12');
});

test('usbPortPath reads the USB port from the sysfs link of a hidraw node', async () => {
  const sys = await tempDir('pos-sys-');
  const dev = path.join(sys, 'devices/platform/soc/usb1/1-1/1-1.3/1-1.3:1.0/0003:0C2E:0B81.0004');
  await mkdir(dev, { recursive: true });
  await mkdir(path.join(sys, 'class/hidraw/hidraw3'), { recursive: true });
  await symlink(dev, path.join(sys, 'class/hidraw/hidraw3/device'));
  assert.equal(await usbPortPath('/dev/hidraw3', sys), '1-1.3');
  assert.equal(await usbPortPath('/dev/hidraw7', sys), null);
  assert.equal(await usbPortPath('sim:1', sys), null);
});

test('udev grants access a moment after the node appears: a kick (hidraw changed) reopens at once; a keyboard probe that could not open is retried', async () => {
  const { m, backend } = setup({ listed: ['0c2e:0b81'] });
  backend.list = [POS, WEDGE];
  backend.failOpens = 2; // root:root 0600 until udev has run
  await m.rescan();
  assert.equal(m.openCount, 0);
  assert.equal(backend.opened.size, 0);
  // udev sets the group: /dev/hidrawN changes, the daemon kicks and rescans — no 250 ms wait.
  m.kick();
  await m.rescan();
  assert.equal(m.openCount, 1, 'the scanner is open');
  assert.ok(backend.opened.has('/dev/hidraw4'), 'the keyboard is watched');
  // Without a kick a failed probe is retried after PROBE_RETRY_MS.
  const b = setup();
  b.backend.list = [WEDGE];
  b.backend.failOpens = 1;
  await b.m.rescan();
  await b.m.rescan();
  assert.equal(b.backend.opened.size, 0);
  b.clock.advance(5000);
  await b.m.rescan();
  assert.ok(b.backend.opened.has('/dev/hidraw4'));
});
