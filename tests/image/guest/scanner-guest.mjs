// Runs inside the QEMU guest of the appliance image, as root, started by
// tests/image/scanner-guest-test.mjs (never installed in the image). It makes virtual HID
// devices through /dev/uhid — the kernel then gives them hidraw and input nodes exactly as for
// a USB device — with the report descriptors and VID:PIDs of
//   - a Honeywell scanner in its factory keyboard mode (0c2e:0b61, boot keyboard descriptor),
//   - a Newland scanner in HID POS mode (1eab:0d10, Newland's HID POS report),
//   - a keyboard of a vendor on no list (1a86:e026, a no-name scanner's USB chip),
// and checks, against the image's own daemon, udev rules and units:
//   scans reach the kiosk's cart through node-hid, hidraw hotplug and udev; libinput is told to
//   ignore the keyboard-mode scanner (LIBINPUT_IGNORE_DEVICE on its input device); the unknown
//   keyboard is not read, a person's typing on it is not flagged, a scanner-like burst is;
//   adopting it takes effect without a re-plug or a daemon restart (the list grows, udev removes
//   and re-adds its input device with LIBINPUT_IGNORE_DEVICE so libinput drops it, the daemon
//   reads it); unplugging is seen.
// Output: "SCANNER_GUEST ok|FAILED <check> — <detail>" lines, then "SCANNER_GUEST done".
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { writeSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();
const secs = (ms) => (ms / 1000).toFixed(1);
const say = (s) => console.log(`SCANNER_GUEST [${secs(Date.now() - t0)} s] ${s}`);
let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`SCANNER_GUEST ${ok ? 'ok    ' : 'FAILED'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls fn until it returns a truthy value or `limitS` pass; returns [value, ms]. */
async function until(fn, limitS, everyMs = 250) {
  const start = Date.now();
  for (;;) {
    let v;
    try {
      v = await fn();
    } catch {
      v = null;
    }
    if (v) return [v, Date.now() - start];
    if (Date.now() - start > limitS * 1000) return [null, Date.now() - start];
    await sleep(everyMs);
  }
}

const descriptor = (name) =>
  Buffer.from(
    readFileSync(path.join(here, 'hid-descriptors', `${name}.hex`), 'utf8')
      .replace(/#.*$/gm, '')
      .replace(/\s+/g, ''),
    'hex',
  );

// ---- /dev/uhid (linux/uhid.h): struct uhid_event, packed: u32 type, then the request.
const UHID_DESTROY = 1;
const UHID_CREATE2 = 11;
const UHID_INPUT2 = 12;
const EVENT_SIZE = 4 + 128 + 64 + 64 + 2 + 2 + 4 * 4 + 4096; // create2 is the largest
const BUS_USB = 0x03;

class VirtualHid {
  constructor({ name, vendor, product, uniq, rd }) {
    this.name = name;
    this.vendor = vendor;
    this.product = product;
    this.fd = openSync('/dev/uhid', 'r+');
    const b = Buffer.alloc(EVENT_SIZE);
    b.writeUInt32LE(UHID_CREATE2, 0);
    b.write(name, 4, 127, 'latin1');
    b.write('pos-guest-test/input0', 132, 63, 'latin1');
    b.write(uniq, 196, 63, 'latin1');
    b.writeUInt16LE(rd.length, 260);
    b.writeUInt16LE(BUS_USB, 262);
    b.writeUInt32LE(vendor, 264);
    b.writeUInt32LE(product, 268);
    b.writeUInt32LE(0x0100, 272);
    rd.copy(b, 280);
    writeSync(this.fd, b);
  }
  input(report) {
    const b = Buffer.alloc(EVENT_SIZE);
    b.writeUInt32LE(UHID_INPUT2, 0);
    b.writeUInt16LE(report.length, 4);
    Buffer.from(report).copy(b, 6);
    writeSync(this.fd, b);
  }
  destroy() {
    const b = Buffer.alloc(EVENT_SIZE);
    b.writeUInt32LE(UHID_DESTROY, 0);
    writeSync(this.fd, b);
    closeSync(this.fd);
  }
  /** sysfs dir of the HID device (0003:VVVV:PPPP.NNNN), the newest of that VID:PID. */
  sysfs() {
    const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');
    const prefix = `0003:${hex(this.vendor)}:${hex(this.product)}.`;
    const dirs = readdirSync('/sys/bus/hid/devices')
      .filter((d) => d.startsWith(prefix))
      .sort((a, b) => parseInt(a.split('.')[1], 16) - parseInt(b.split('.')[1], 16));
    return dirs.length ? `/sys/bus/hid/devices/${dirs.at(-1)}` : null;
  }
  hidraw() {
    const dir = this.sysfs();
    const raw = dir && existsSync(`${dir}/hidraw`) ? readdirSync(`${dir}/hidraw`) : [];
    return raw.length ? `/dev/${raw[0]}` : null;
  }
  /** The input event devices' sysfs paths. */
  events() {
    const dir = this.sysfs();
    if (!dir || !existsSync(`${dir}/input`)) return [];
    return readdirSync(`${dir}/input`).flatMap((i) =>
      readdirSync(`${dir}/input/${i}`)
        .filter((e) => /^event\d+$/.test(e))
        .map((e) => `${dir}/input/${i}/${e}`),
    );
  }
}

// US keyboard usages of the digits and Enter (HID Usage Tables, page 0x07).
const DIGIT = { 1: 0x1e, 2: 0x1f, 3: 0x20, 4: 0x21, 5: 0x22, 6: 0x23, 7: 0x24, 8: 0x25 };
Object.assign(DIGIT, { 9: 0x26, 0: 0x27 });
const ENTER = 0x28;
const key = (usage) => Buffer.from([0, 0, usage, 0, 0, 0, 0, 0]);
const RELEASE = Buffer.alloc(8);
/** Types digits + Enter; `gapMs` between key presses (0: a scanner's burst). */
async function type(dev, digits, gapMs = 0) {
  for (const d of digits) {
    dev.input(key(DIGIT[d]));
    dev.input(RELEASE);
    if (gapMs) await sleep(gapMs);
  }
  dev.input(key(ENTER));
  dev.input(RELEASE);
}

// ---- the daemon
const envFile = readFileSync('/etc/pos/pos.env', 'utf8');
const token = /^ADMIN_TOKEN=(.*)$/m.exec(envFile)?.[1]?.trim();
const base = 'http://127.0.0.1:8080';
async function api(method, p, body) {
  try {
    return await request(method, p, body);
  } catch (err) {
    // A kept-alive socket the daemon closed (its 5 s idle timeout) just as this request went
    // out: an emulated guest under load is slow enough to lose that race. A GET is safe to send
    // again on a fresh connection; anything else is reported as it failed.
    if (method !== 'GET' || err?.cause?.code !== 'UND_ERR_SOCKET') throw err;
    return request(method, p, body);
  }
}
async function request(method, p, body) {
  const res = await fetch(base + p, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: globalThis.AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}
const scanners = async () => (await api('GET', '/api/v1/scanners')).body;
async function cart() {
  const c = await api('GET', '/api/v1/terminals/kiosk/cart');
  return (c.body?.lines ?? []).flatMap((l) => Array(l.quantity).fill(l.barcode));
}
const count = (list, code) => list.filter((c) => c === code).length;
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' });
const udevProps = (syspath) => sh('udevadm', ['info', '-q', 'property', '-p', syspath]);
const service = (prop) => sh('systemctl', ['show', '-p', prop, '--value', 'pos-daemon']).trim();
/** Does the daemon hold `node` open (a real open by node-hid, seen in /proc/<pid>/fd)? */
function daemonHolds(node) {
  const pid = service('MainPID');
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === node;
    } catch {
      return false;
    }
  });
}
/** Waits until udev gave the node to group pos and the daemon opened it; returns a detail. */
async function opened(dev, limitS = 60) {
  const start = Date.now();
  const [node] = await until(() => dev.hidraw(), limitS);
  const [group] = await until(
    () => node && sh('stat', ['-c', '%G %a', node]).trim() === 'pos 660',
    limitS,
  );
  const groupMs = Date.now() - start;
  const [open] = await until(() => node && daemonHolds(node), limitS);
  return {
    ok: Boolean(group && open),
    detail: `${node ?? 'no hidraw node'}: ${node ? sh('stat', ['-c', '%U:%G %a', node]).trim() : '-'} after ${secs(groupMs)} s, open in the daemon after ${secs(Date.now() - start)} s`,
  };
}

// ---------------------------------------------------------------------------------------------
say(`kernel ${sh('uname', ['-r']).trim()}, node ${process.version}`);
check('/dev/uhid exists (uhid in the guest kernel)', existsSync('/dev/uhid'));
const [health, healthMs] = await until(
  async () => {
    const r = await fetch(`${base}/api/v1/health`, {
      signal: globalThis.AbortSignal.timeout(5000),
    });
    return r.status === 200 ? r.json() : null;
  },
  600,
  2000,
);
if (!check('pos-daemon answers /api/v1/health', Boolean(health), `after ${secs(healthMs)} s`)) {
  console.log(`SCANNER_GUEST done passed=${passed} failed=${failed}`);
  process.exit(1);
}
say(`health: ${JSON.stringify(health.scanners)}`);
const pid0 = service('MainPID');
const restarts0 = service('NRestarts');

// Products for the codes the devices scan (an appliance's catalog starts empty).
const products = [
  ['Guest test: Honeywell keyboard mode', '4006381333931'],
  ['Guest test: Newland HID POS', '9783161484100'],
  ['Guest test: adopted keyboard', '5901234123457'],
];
for (const [name, barcode] of products) {
  const r = await api('POST', '/api/v1/products', {
    name,
    price_cents: 100,
    barcode,
    vat_rate: 19,
  });
  if (r.status !== 201 && r.status !== 409)
    say(`product ${barcode}: ${r.status} ${JSON.stringify(r.body)}`);
}
const cart0 = await cart();

// 1. Honeywell, factory keyboard mode: on the shipped list → read, hidden from libinput.
let t;
const honeywell = new VirtualHid({
  name: 'Honeywell Imaging & Mobility 1450g',
  vendor: 0x0c2e,
  product: 0x0b61,
  uniq: '19286B4F2C',
  rd: descriptor('boot-keyboard'),
});
const hwId = '0c2e:0b61:19286B4F2C';
let [hw, ms] = await until(async () => {
  const s = (await scanners()).scanners.find((x) => x.id === hwId);
  return s?.connected ? s : null;
}, 60);
check(
  'Honeywell keyboard mode (0c2e:0b61) plugged: the daemon reads it (hidraw hotplug, node-hid)',
  hw?.kind === 'keyboard' && hw?.on_list === true,
  hw
    ? `listed as ${hw.kind}, layout ${hw.layout}, ${secs(ms)} s after the uhid device was created`
    : 'not listed in 60 s',
);
const hwOpen = await opened(honeywell);
check(
  'its hidraw node goes to group pos (udev rule from scanners.list) and the daemon opens it',
  hwOpen.ok,
  hwOpen.detail,
);
const hwEvents = honeywell.events();
check(
  'libinput ignores it: LIBINPUT_IGNORE_DEVICE=1 on its input device(s), so it cannot type into Chromium',
  hwEvents.length > 0 && hwEvents.every((e) => /^LIBINPUT_IGNORE_DEVICE=1$/m.test(udevProps(e))),
  hwEvents
    .map(
      (e) =>
        `${path.basename(e)}: ${/^LIBINPUT_IGNORE_DEVICE=.*$/m.exec(udevProps(e))?.[0] ?? 'not set'}`,
    )
    .join(', '),
);
t = Date.now();
await type(honeywell, '4006381333931');
let [got] = await until(
  async () => count(await cart(), '4006381333931') > count(cart0, '4006381333931'),
  30,
);
check(
  'a burst of US key reports from it lands in the kiosk cart',
  Boolean(got),
  `${secs(Date.now() - t)} s`,
);

// 2. Newland, HID POS mode: decoded from its own report descriptor.
const newland = new VirtualHid({
  name: 'Newland FM420 HID POS',
  vendor: 0x1eab,
  product: 0x0d10,
  uniq: 'NLS0A1234',
  rd: descriptor('newland-hidpos'),
});
const nlId = '1eab:0d10:NLS0A1234';
[got, ms] = await until(
  async () => (await scanners()).scanners.find((x) => x.id === nlId && x.connected),
  60,
);
check(
  'Newland HID POS (1eab:0d10) plugged: read as hid_pos',
  got?.kind === 'hid_pos',
  got ? `${secs(ms)} s` : 'not listed',
);
const nlOpen = await opened(newland);
check('the daemon opens its hidraw node', nlOpen.ok, nlOpen.detail);
const sysDesc = readFileSync(`${newland.sysfs()}/report_descriptor`);
check(
  'the kernel reports the Newland descriptor in sysfs, byte for byte',
  sysDesc.equals(descriptor('newland-hidpos')),
  `${sysDesc.length} bytes`,
);
const nlReport = Buffer.alloc(64);
nlReport[0] = 0x02;
nlReport[1] = 13;
nlReport.write('9783161484100', 2, 'latin1');
nlReport[62] = 0x64; // Newland's own code id byte, after the data
t = Date.now();
newland.input(nlReport);
[got] = await until(
  async () => count(await cart(), '9783161484100') > count(cart0, '9783161484100'),
  30,
);
check(
  'its Scanned Data Report (data at byte 2, no AIM) lands in the kiosk cart',
  Boolean(got),
  `${secs(Date.now() - t)} s`,
);

// 3. A keyboard of an unknown vendor: listed, watched for timing only, never read.
const unknown = new VirtualHid({
  name: 'USB Keyboard',
  vendor: 0x1a86,
  product: 0xe026,
  uniq: 'KB-0001',
  rd: descriptor('boot-keyboard'),
});
const kbId = '1a86:e026:KB-0001';
[got, ms] = await until(async () => (await scanners()).keyboards.find((k) => k.id === kbId), 60);
check(
  'unknown-vendor keyboard (1a86:e026) plugged: listed under keyboards, not read',
  Boolean(got) && !(await scanners()).scanners.some((s) => s.id === kbId),
  got ? `${secs(ms)} s` : 'not listed',
);
const kbOpen = await opened(unknown);
check(
  'the daemon watches it (hidraw open for the timing probe, generic HID rule)',
  kbOpen.ok,
  kbOpen.detail,
);
const kbEvents = () => unknown.events();
check(
  'libinput keeps it (no LIBINPUT_IGNORE_DEVICE): a real keyboard stays a keyboard',
  kbEvents().length > 0 && kbEvents().every((e) => !/^LIBINPUT_IGNORE_DEVICE=/m.test(udevProps(e))),
);
const before = await cart();
await type(unknown, '5901234123457', 150); // a person: 150 ms a key
await sleep(1000);
let k = (await scanners()).keyboards.find((x) => x.id === kbId);
check(
  "typed at a person's pace: not flagged, nothing read",
  k?.looks_like_scanner === false &&
    count(await cart(), '5901234123457') === count(before, '5901234123457'),
  `looks_like_scanner=${k?.looks_like_scanner}`,
);
await type(unknown, '5901234123457');
[k, ms] = await until(
  async () => (await scanners()).keyboards.find((x) => x.id === kbId && x.looks_like_scanner),
  20,
);
check(
  'a scanner-like burst + Enter: "looks like a scanner" offered to the admin',
  Boolean(k),
  k ? `${secs(ms)} s` : 'not flagged in 20 s',
);
check(
  '…and still nothing of it reached a cart',
  count(await cart(), '5901234123457') === count(before, '5901234123457'),
);
const journal = sh('journalctl', ['-u', 'pos-daemon', '--no-pager', '-o', 'cat']);
const aboutIt = journal.split('\n').filter((l) => l.includes('1a86:e026'));
check(
  'the daemon log names the keyboard, not what it typed',
  aboutIt.some((l) => /types like a scanner/.test(l)) &&
    !aboutIt.some((l) => l.includes('5901234123457')),
  aboutIt.join(' | ').slice(0, 300),
);

// 4. Adopt it: no re-plug, no daemon restart.
const monitor = spawn('udevadm', ['monitor', '--udev', '--property', '--subsystem-match=input'], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
let udevLog = '';
monitor.stdout.on('data', (d) => (udevLog += d));
await sleep(500);
const adopt = await api('PATCH', `/api/v1/scanners/${encodeURIComponent(kbId)}`, {
  is_scanner: true,
});
check(
  'PATCH is_scanner: true → 200, read as a keyboard-mode scanner',
  adopt.status === 200 && adopt.body.kind === 'keyboard',
  `${adopt.status} ${JSON.stringify(adopt.body).slice(0, 160)}`,
);
const [listed, listedMs] = await until(
  () => /^1a86:e026\b/m.test(readFileSync('/etc/pos/scanners.list', 'utf8')),
  60,
);
check(
  'pos-scanner-rules.path moved the adoption into /etc/pos/scanners.list',
  Boolean(listed),
  listed ? `${secs(listedMs)} s` : 'not listed in 60 s',
);
const [ignored, ignoredMs] = await until(
  () =>
    kbEvents().length > 0 &&
    kbEvents().every((e) => /^LIBINPUT_IGNORE_DEVICE=1$/m.test(udevProps(e))),
  60,
);
check(
  'its input device now carries LIBINPUT_IGNORE_DEVICE=1',
  Boolean(ignored),
  `${secs(ignoredMs)} s after the PATCH`,
);
const [readded] = await until(() => {
  const blocks = udevLog.split(/\n\n/);
  const ev = kbEvents().map((e) => path.basename(e));
  const i = blocks.findIndex(
    (b) => /^ACTION=remove$/m.test(b) && ev.some((e) => b.includes(`/${e}\n`)),
  );
  return (
    i >= 0 &&
    blocks
      .slice(i + 1)
      .some(
        (b) =>
          /^ACTION=add$/m.test(b) &&
          /^LIBINPUT_IGNORE_DEVICE=1$/m.test(b) &&
          ev.some((e) => b.includes(`/${e}\n`)),
      )
  );
}, 30);
monitor.kill();
check(
  'udev sent remove, then add with LIBINPUT_IGNORE_DEVICE=1 (what makes libinput drop a device it has open)',
  Boolean(readded),
);
const before2 = await cart();
t = Date.now();
await type(unknown, '5901234123457');
[got] = await until(
  async () => count(await cart(), '5901234123457') > count(before2, '5901234123457'),
  30,
);
check(
  "the adopted keyboard's scans now land in the cart",
  Boolean(got),
  `${secs(Date.now() - t)} s`,
);
check(
  'no re-plug, no daemon restart',
  service('MainPID') === pid0 && service('NRestarts') === restarts0,
  `MainPID ${pid0} → ${service('MainPID')}, NRestarts ${restarts0} → ${service('NRestarts')}`,
);

// 5. Unplug.
const attached = async () => (await api('GET', '/api/v1/health')).body.scanners.attached;
const attachedBefore = await attached();
honeywell.destroy();
[got, ms] = await until(async () => {
  const s = (await scanners()).scanners.find((x) => x.id === hwId);
  // Never paired or named: it is simply gone; otherwise listed as not connected.
  return !s?.connected && (await attached()) === attachedBefore - 1;
}, 30);
check(
  'unplugging the Honeywell is seen (closed, no longer connected; health counts one less)',
  Boolean(got),
  got ? `${secs(ms)} s` : 'still connected after 30 s',
);
newland.destroy();
unknown.destroy();

say(`daemon log lines about scanners:`);
for (const line of sh('journalctl', ['-u', 'pos-daemon', '--no-pager', '-o', 'cat']).split('\n')) {
  if (/scanner|keyboard/.test(line)) console.log(`SCANNER_GUEST   | ${line}`);
}
for (const line of sh('journalctl', ['-u', 'pos-scanner-rules', '--no-pager', '-o', 'cat']).split(
  '\n',
)) {
  if (line.trim()) console.log(`SCANNER_GUEST   | ${line}`);
}
console.log(`SCANNER_GUEST done passed=${passed} failed=${failed} (${secs(Date.now() - t0)} s)`);
process.exit(failed ? 1 : 0);
