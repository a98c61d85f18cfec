import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../daemon/config.js';
import { ManualClock } from '../../daemon/clock.js';
import { EventBus } from '../../daemon/events.js';
import { memoryLogger } from '../../daemon/log.js';
import type { Health } from '../../daemon/protocol.js';
import { Settings } from '../../daemon/settings/index.js';
import { Store } from '../../daemon/store/index.js';
import type { HidBackend, HidDeviceInfo } from '../../daemon/scanners/device.js';
import type { Hotplug } from '../../daemon/scanners/hotplug.js';
import {
  Scanners,
  MAX_NETWORK_SEEN,
  type ScanRequest,
  type ScannersDeps,
} from '../../daemon/scanners/index.js';
import { POLL_MS } from '../../daemon/scanners/rescans.js';
import { ManualTimers } from '../../daemon/scanners/timers.js';
import { FakeHidDevice, loadFixture } from '../helpers/scanner-fixtures.js';
import { ROOT, tempDir } from '../helpers/daemon.js';

const POS: HidDeviceInfo = {
  path: '/dev/hidraw1',
  vendorId: 0x05e0,
  productId: 0x1200,
  serialNumber: 'S1',
  interface: 0,
  usagePage: 0x8c,
  usage: 2,
};

function backend(list: HidDeviceInfo[]): HidBackend & { devs: Map<string, FakeHidDevice> } {
  const devs = new Map<string, FakeHidDevice>();
  return {
    name: 'fake',
    devs,
    devices: async () => [...list],
    open: async (p) => {
      const d = new FakeHidDevice();
      devs.set(p, d);
      return d;
    },
  };
}

class StubHotplug implements Hotplug {
  fire: (() => void) | null = null;
  stopped = false;
  constructor(private readonly available: boolean) {}
  async start(onChange: () => void) {
    this.fire = onChange;
    return this.available
      ? { available: true }
      : { available: false, message: 'USB hotplug unavailable (no bus)' };
  }
  async stop() {
    this.stopped = true;
  }
}

async function make(over: Partial<ScannersDeps> = {}, env: Record<string, string> = {}) {
  const dir = await tempDir();
  const config = loadConfig({ POS_ENV_FILE: '', DATA_DIR: dir, ...env }, ROOT);
  const store = new Store(dir);
  await store.init();
  const events = new EventBus();
  const log = memoryLogger();
  const timers = new ManualTimers();
  const sunk: ScanRequest[] = [];
  const s = await Scanners.create({
    config,
    log,
    clock: new ManualClock(),
    events,
    store,
    settings: await Settings.open(store, events),
    sink: {
      scan: async (r) => {
        sunk.push(r);
        return { result: 'added' };
      },
    },
    timers,
    portPath: async () => null,
    ...over,
  });
  return { s, log, timers, sunk, events };
}

const health = (s: Scanners): Health['scanners'] => {
  const h = { scanners: { attached: 0, hid_available: false } } as Health;
  s.health(h);
  return h.scanners;
};

test('without node-hid: one clear log line, health says so, network scans still route', async () => {
  const { s, log, sunk } = await make({
    loadHid: async () => {
      throw new Error("Cannot find module 'node-hid'\nRequire stack: ...");
    },
  });
  await s.start();
  const lines = log.lines.filter((l) => l.includes('node-hid'));
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /WARN .*USB HID scanners unavailable \(node-hid could not load: Cannot find module 'node-hid'\); network scanners and manual entry still work$/,
  );
  assert.deepEqual(health(s), {
    attached: 0,
    hid_available: false,
    message: "node-hid could not load: Cannot find module 'node-hid'",
  });
  const r = await s.networkScan('phone', '2100000000012');
  assert.equal(r.result, 'added');
  assert.deepEqual(sunk, [{ terminal_id: 'kiosk', barcode: '2100000000012', scanner_id: 'phone' }]);
  await s.stop();
});

test('hotplug unavailable: polls every POLL_MS; a scanner plugged later is found and read', async () => {
  const list: HidDeviceInfo[] = [];
  const b = backend(list);
  const hp = new StubHotplug(false);
  const { s, timers, sunk } = await make({ loadHid: async () => b, hotplug: hp });
  await s.start();
  assert.equal(health(s).hid_available, true);
  assert.match(health(s).message!, /polling for scanners every 500 ms/);
  list.push(POS);
  timers.advance(POLL_MS);
  await new Promise((r) => setImmediate(r));
  assert.equal(health(s).attached, 1);
  for (const r of loadFixture('pos-split-continued').reports)
    b.devs.get('/dev/hidraw1')!.report(r.hex);
  await s.router.idle();
  assert.equal(sunk.length, 1);
  assert.match(sunk[0].barcode, /^https:\/\/counter-pos.example/);
  await s.stop();
  assert.equal(timers.pending, 0, 'stop() cancels the poll');
  assert.equal(hp.stopped, true);
});

test('hotplug available: an attach event re-enumerates at once and again while the hidraw node settles', async () => {
  const list: HidDeviceInfo[] = [];
  const b = backend(list);
  const hp = new StubHotplug(true);
  const { s, timers, events } = await make({ loadHid: async () => b, hotplug: hp });
  const changed: number[] = [];
  events.on(changed, 'scanners.changed', (e) => changed.push(e.scanners.length));
  await s.start();
  assert.equal(health(s).message, undefined);
  assert.equal(timers.pending, 0, 'no polling when hotplug works');
  hp.fire!(); // USB attach: the HID node is not there yet
  timers.advance(0);
  await new Promise((r) => setImmediate(r));
  assert.equal(health(s).attached, 0);
  list.push(POS); // ...and appears a moment later
  timers.advance(300);
  await new Promise((r) => setImmediate(r));
  assert.equal(health(s).attached, 1);
  assert.deepEqual(changed, [1]);
  assert.equal(s.list()[0].id, '05e0:1200:S1');
  assert.equal(s.list()[0].connected, true);
  await s.stop();
  assert.equal(timers.pending, 0);
});

test('a HID scan of a pairing code pairs that scanner; its next scan goes to the new terminal', async () => {
  const b = backend([POS]);
  const { s, sunk, events } = await make({
    loadHid: async () => b,
    hotplug: new StubHotplug(true),
  });
  const paired: unknown[] = [];
  events.on(paired, 'scanner.paired', (e) => paired.push(e));
  await s.start();
  const { secret } = await s.secrets.issue('till-7');
  const report = Buffer.alloc(64);
  report[0] = 2;
  report[1] = secret.length;
  report.write(']C0', 2, 'latin1');
  report.write(secret, 5, 'latin1');
  const dev = b.devs.get('/dev/hidraw1')!;
  dev.report(report);
  for (const r of loadFixture('pos-ean13').reports) dev.report(r.hex);
  await s.router.idle();
  assert.deepEqual(paired, [
    { scanner_id: '05e0:1200:S1', terminal_id: 'till-7', previous_terminal_id: null },
  ]);
  assert.deepEqual(sunk, [
    { terminal_id: 'till-7', barcode: '2100000000036', scanner_id: '05e0:1200:S1' },
  ]);
  await s.stop();
});

test('a HID code longer than 512 characters is dropped with a warning, never routed', async () => {
  const b = backend([POS]);
  const { s, sunk, log } = await make({ loadHid: async () => b, hotplug: new StubHotplug(true) });
  await s.start();
  const dev = b.devs.get('/dev/hidraw1')!;
  const text = 'A'.repeat(560);
  for (let i = 0; i < text.length; i += 56) {
    const r = Buffer.alloc(64);
    r[0] = 2;
    r[1] = 56;
    r.write(']Q1', 2, 'latin1');
    r.write(text.slice(i, i + 56), 5, 'latin1');
    r[63] = i + 56 < text.length ? 1 : 0;
    dev.report(r);
  }
  await s.router.idle();
  assert.deepEqual(sunk, []);
  assert.ok(log.lines.some((l) => /WARN .*dropped: 560 characters/.test(l)));
  await s.stop();
});

test('network scanner ids kept in memory are bounded (oldest forgotten first)', async () => {
  const { s } = await make({ backend: null });
  await s.start();
  for (let i = 0; i < MAX_NETWORK_SEEN + 50; i++) await s.networkScan(`net-${i}`, '1');
  const ids = s.list().map((x) => x.id);
  assert.equal(ids.length, MAX_NETWORK_SEEN);
  assert.ok(!ids.includes('net-0'));
  assert.ok(ids.includes(`net-${MAX_NETWORK_SEEN + 49}`));
  await s.stop();
});
