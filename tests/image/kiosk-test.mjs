#!/usr/bin/env node
// QEMU kiosk test of the full Counter POS image (npm run test:image:kiosk): the image a shop
// flashes, with its screen.
//
// Boots the full image (cage + Chromium) with its own kernel in qemu-system-aarch64 -M virt
// with a virtio-gpu screen of the official 7" display's size (800x480, driven through DRM/KMS
// as the Pi's vc4 is), a USB tablet (absolute pointer: taps) and a USB keyboard on an xHCI
// controller. The host sees the screen through QMP screendump (PNG artifacts in image/out),
// taps through QMP input-send-event, reads the daemon's API on a forwarded port, and runs
// commands in the guest over SSH with a key it drops on the boot partition as an operator
// would (pos-authorized_keys). Checks, each with a printed line:
//   - the first-boot token page is painted (screenshot signature), admin login from the host
//     with the token from the console, then the screen goes on to /pos by itself;
//   - /pos painted: dark header, light cart, the green "connected" dot of the kiosk's own
//     WebSocket, product tiles from the catalog the host created; boot-to-painted time;
//   - a tap on a tile puts that product into the kiosk's cart (daemon API from the host);
//   - no cursor drawn where the pointer is; Ctrl+wheel, Ctrl+plus and Alt+Left change nothing;
//   - Chromium killed, then cage killed: the kiosk is back on /pos within a bound (timed);
//   - no blanking: the screen still shows the till after 10+ minutes without input;
//   - power cut (QEMU SIGKILLed while a sale is in flight), second boot: /pos painted again
//     without a "restore pages" bubble, /data mounted clean, every acknowledged sale there.
//
// Usage: node tests/image/kiosk-test.mjs [IMAGE]  (default: newest image/out/pos-*-arm64.img)
// Env: POS_KIOSK_TIMEOUT (s, one boot's bound, default 3000), POS_KIOSK_IDLE_S (idle time
// before the blanking screenshot, default 630: past the kernel's 600 s console blanking).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import {
  bootFiles,
  ensureTools,
  findImage,
  http,
  makeDisk,
  repo,
  reporter,
  sleep,
  ssh as sshAs,
  startGuest,
  waitFor,
} from './qemu-guest.mjs';

const execFileP = promisify(execFile);
const bootTimeoutMs = Number(process.env.POS_KIOSK_TIMEOUT ?? 3000) * 1000;
const idleS = Number(process.env.POS_KIOSK_IDLE_S ?? 630);
// How long the kiosk may take to come back after a crash (software-emulated Chromium start).
const RESTART_BOUND_S = 600;
const W = 800;
const H = 480;
const r = reporter('kiosk-test');
/** When the guest last got input (the blanking check counts idle time from here). */
const input = { lastAt: Date.now() };
const { check, say } = r;

// ------------------------------------------------------------------------------ screenshots
const outDir = path.join(repo, 'image', 'out');
let shotName = 'kiosk';
async function screenshot(guest, label) {
  const file = path.join(work, `${guest.name}-${label}.png`);
  await guest.qmp.execute('screendump', { filename: file, format: 'png' });
  const { data, info } = await sharp(file)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { file, label, data, width: info.width, height: info.height };
}
async function keep(shot) {
  const dest = path.join(outDir, `${shotName}.${shot.label}.png`);
  await sharp(shot.file).toFile(dest);
  return dest;
}
const px = (s, x, y) => {
  const i = (y * s.width + x) * 3;
  return [s.data[i], s.data[i + 1], s.data[i + 2]];
};
const luma = ([R, G, B]) => 0.299 * R + 0.587 * G + 0.114 * B;
/** Fraction of the pixels in [x0,x1)×[y0,y1) for which `pred` holds. */
function share(s, [x0, y0, x1, y1], pred) {
  let n = 0;
  let hit = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      n++;
      if (pred(px(s, x, y))) hit++;
    }
  return n ? hit / n : 0;
}
function distinctColours(s) {
  const seen = new Set();
  for (let i = 0; i < s.data.length; i += 3 * 7) {
    seen.add((s.data[i] >> 3) * 1024 + (s.data[i + 1] >> 3) * 32 + (s.data[i + 2] >> 3));
  }
  return seen.size;
}
const near = (c, [R, G, B], tol = 4) =>
  Math.abs(c[0] - R) <= tol && Math.abs(c[1] - G) <= tol && Math.abs(c[2] - B) <= tol;
const dark = (c) => luma(c) < 90;
const light = (c) => luma(c) > 225;
const green = ([R, G, B]) => G > 110 && G > R + 50 && G > B + 30;

// The /pos layout at 800x480 (kiosk-ui: header 56 px dark, cart left, picker right: search,
// the category tabs ("Alle" alone for a catalog without categories), then the tiles in two
// columns from y=166, pay bar at the bottom; measured in Chromium at 800x480 with this test's
// catalog) and the token page's (plain #f4f4f0 page, a white box with the token, dark buttons).
// The connection dot sits after the till's name, so its x depends on the name: it is looked
// for along the header's left half.
const HEADER = [0, 2, W, 54];
const CART_BODY = [20, 110, 415, 380];
const STATUS_DOT = [60, 8, 320, 48];
const FIRST_TILE = [424, 166, 603, 229];
function classify(s) {
  if (!s || s.width !== W || s.height !== H)
    return { kind: 'wrong-size', detail: `${s?.width}x${s?.height}` };
  const colours = distinctColours(s);
  if (colours < 4) return { kind: 'blank', detail: `${colours} colours` };
  const header = share(s, HEADER, dark);
  const cart = share(s, CART_BODY, light);
  // In green pixels: the dot is ~12 px across (~110 px), a small share of its search strip.
  const dot =
    share(s, STATUS_DOT, green) * (STATUS_DOT[2] - STATUS_DOT[0]) * (STATUS_DOT[3] - STATUS_DOT[1]);
  const tile = share(
    s,
    [FIRST_TILE[0] + 6, FIRST_TILE[1] + 6, FIRST_TILE[2] - 6, FIRST_TILE[3] - 6],
    light,
  );
  const tileText = share(
    s,
    [FIRST_TILE[0] + 8, FIRST_TILE[1] + 14, FIRST_TILE[2] - 8, FIRST_TILE[3] - 14],
    dark,
  );
  const page = share(s, [0, 0, W, 30], (c) => near(c, [244, 244, 240]));
  const detail =
    `header dark ${(header * 100).toFixed(0)} %, cart light ${(cart * 100).toFixed(0)} %, ` +
    `green dot ${Math.round(dot)} px, first tile light ${(tile * 100).toFixed(0)} % / text ` +
    `${(tileText * 100).toFixed(1)} %, ${colours} colours`;
  if (header > 0.6 && cart > 0.85)
    return { kind: 'pos', connected: dot >= 40, tile: tile > 0.6 && tileText > 0.01, detail };
  if (page > 0.95 && share(s, [0, 0, W, H], (c) => near(c, [255, 255, 255], 1)) > 0.03)
    return {
      kind: 'token',
      detail: `token page background ${(page * 100).toFixed(0)} %, ${colours} colours`,
    };
  if (share(s, [0, 0, W, H], (c) => luma(c) < 40) > 0.9) return { kind: 'console', detail };
  return { kind: 'other', detail };
}

/** Screenshots every few seconds until `want(classification)` or the bound; the last shot. */
async function waitForScreen(guest, label, want, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let shot = null;
  let c = null;
  let lastKind = '';
  let n = 0;
  while (Date.now() < deadline && guest.exit === null) {
    try {
      shot = await screenshot(guest, `${label}-${n++ % 2}`);
      c = classify(shot);
    } catch (err) {
      c = { kind: 'error', detail: err.message };
    }
    if (c.kind !== lastKind) {
      say(`${guest.name}: screen is ${c.kind} (${c.detail})`);
      lastKind = c.kind;
    }
    if (want(c)) return { shot: { ...shot, label }, c, at: Date.now() };
    await sleep(3000);
  }
  return { shot: shot && { ...shot, label }, c, at: null };
}

// ------------------------------------------------------------------------------ input (QMP)
const abs = (v, size) => Math.round(((v + 0.5) * 0x7fff) / size);
async function pointer(guest, x, y) {
  await guest.qmp.execute('input-send-event', {
    events: [
      { type: 'abs', data: { axis: 'x', value: abs(x, W) } },
      { type: 'abs', data: { axis: 'y', value: abs(y, H) } },
    ],
  });
}
async function button(guest, name, down) {
  await guest.qmp.execute('input-send-event', {
    events: [{ type: 'btn', data: { down, button: name } }],
  });
}
async function tap(guest, x, y) {
  await pointer(guest, x, y);
  await sleep(200);
  await button(guest, 'left', true);
  await sleep(120);
  await button(guest, 'left', false);
  input.lastAt = Date.now();
}
async function keys(guest, names) {
  const ev = (down) =>
    names.map((k) => ({ type: 'key', data: { down, key: { type: 'qcode', data: k } } }));
  await guest.qmp.execute('input-send-event', { events: ev(true) });
  await sleep(100);
  await guest.qmp.execute('input-send-event', { events: ev(false).reverse() });
  input.lastAt = Date.now();
}
// ------------------------------------------------------------------------------ guest access
let sshKey = null;
const ssh = (guest, command, timeoutMs = 60_000) => sshAs(guest, sshKey, command, { timeoutMs });

// ---------------------------------------------------------------------------------------------
ensureTools({ ssh: true });
const image = findImage({ variant: 'full' });
shotName = path.basename(image, '.img');
const work = mkdtempSync(path.join(tmpdir(), 'pos-kiosk-test-'));
r.onCleanup(() => rmSync(work, { recursive: true, force: true }));
say(`image ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB)`);
const boot = bootFiles(image, work);
if (!boot.kernel || !boot.initrd) {
  check('config.txt names kernel and initramfs', false);
  r.finish(1);
}
sshKey = path.join(work, 'id_ed25519');
await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kiosk-test', '-f', sshKey]);
const disk = makeDisk(image, work, { bootFiles: { 'pos-authorized_keys': `${sshKey}.pub` } });
const append = ['systemd.show_status=1', 'systemd.mask=serial-getty@ttyAMA0.service'];
const display = { xres: W, yres: H };

// ============================================================================== first boot
let g = await startGuest({
  boot,
  disk,
  work,
  r,
  name: 'boot1',
  forward: [8080, 22],
  display,
  append,
  firmwareDt: false,
});
const api = (method, p, opts) => http(g.ports[8080], method, p, opts);
const progress = /pos-|Counter POS|FAILED|Kernel panic|Reached target.*Multi-User/;

// The token pos-firstboot prints on the console (tty0 and the serial console).
const tokenMatch = await g.waitForLog(
  /Counter POS admin token: ([A-Za-z0-9]+)/,
  bootTimeoutMs,
  progress,
);
const adminToken = tokenMatch?.[1] ?? null;
check(
  'pos-firstboot printed the admin token on the console',
  Boolean(adminToken),
  adminToken ? `${g.sec()} s` : 'not seen',
);
if (!adminToken) r.finish(1);
const healthy = await waitFor(
  async () => (await api('GET', '/api/v1/health', { timeoutMs: 5000 }))?.status === 200,
  bootTimeoutMs - (Date.now() - g.startedAt),
);
check('the daemon answers /api/v1/health from the host', healthy, `${g.sec()} s after QEMU start`);

const tokenScreen = await waitForScreen(
  g,
  'first-boot-token',
  (c) => c.kind === 'token',
  bootTimeoutMs - (Date.now() - g.startedAt),
);
const firstPaintS = tokenScreen.at ? g.sec(tokenScreen.at) : null;
check(
  'cage + Chromium paint the first-boot token page',
  tokenScreen.at !== null,
  `${tokenScreen.c?.detail ?? 'no screenshot'}; ${firstPaintS ?? '-'} s after QEMU start; ${tokenScreen.shot ? await keep(tokenScreen.shot) : ''}`,
);
say(
  `guest: ${await ssh(g, 'systemctl show -p NRestarts -p MainPID pos-kiosk | paste -sd" "; journalctl -b -u pos-kiosk --no-pager -o cat | grep -i -E "pos-kiosk-session|error|unable" | tail -5')}`,
);
if (tokenScreen.at === null) {
  say(
    `guest journal (pos-kiosk): ${await ssh(g, 'journalctl -b -u pos-kiosk --no-pager -o cat | tail -40')}`,
  );
  g.saveLog(path.join(outDir, `${shotName}.kiosk-test.boot1.log`));
  r.finish(1);
}

// The first admin login (from the host, as the owner would from a laptop) consumes the token:
// the kiosk leaves the token page by itself.
const login = await api('POST', '/api/v1/admin/login', { body: { token: adminToken } });
check('admin login with the first-boot token', login?.status === 200, `status ${login?.status}`);
const loginAt = Date.now();
// Products for the till (a production image starts with an empty catalog).
const products = {};
for (const [name, price] of [
  ['Apfelkuchen', 250],
  ['Brezel', 120],
  ['Cappuccino', 280],
  ['Kaffee', 200],
]) {
  const res = await api('POST', '/api/v1/products', {
    token: adminToken,
    body: { name, price_cents: price },
  });
  if (res?.status === 201) products[name] = res.body;
}
check(
  'four products created through the admin API',
  Object.keys(products).length === 4,
  Object.keys(products).join(', '),
);
const posScreen = await waitForScreen(
  g,
  'pos',
  (c) => c.kind === 'pos' && c.connected && c.tile,
  300_000,
);
check(
  'after the first admin login the token page is gone and /pos is painted',
  posScreen.at !== null,
  `${posScreen.c?.detail}; ${posScreen.at ? ((posScreen.at - loginAt) / 1000).toFixed(1) : '-'} s after the login; ${posScreen.shot ? await keep(posScreen.shot) : ''}`,
);
check(
  'the first-boot token file is gone from /data/pos',
  (await ssh(g, 'test -e /data/pos/first-boot-token && echo present || echo absent')) === 'absent',
);

// ------------------------------------------------------------------------------ Chromium's language
// The date fields, the file picker and what else Chromium draws itself follow LANGUAGE on
// Linux (pos-kiosk-session sets it, de by default; chromium-l10n's de.pak is in the image).
// Which language file the running browser mapped says which language it chose. (Its
// /proc/PID/environ does not: Chromium writes its process titles over that memory. A second,
// headless Chromium in the guest drawing a date field was tried too: the emulated guest ran
// out of breath and stopped answering SSH.)
const kioskLang = await ssh(
  g,
  'for p in $(pgrep -x chromium); do grep -o "locales/[A-Za-z_-]*[.]pak" /proc/$p/maps | sort -u; done | sort | uniq -c | paste -sd" "; ls /usr/lib/chromium/locales | paste -sd" "',
);
check(
  "the kiosk's Chromium runs in German: its processes mapped de.pak, not en-US.pak",
  /locales\/de\.pak/.test(kioskLang) && !/locales\/en-US\.pak/.test(kioskLang),
  kioskLang.replace(/\n/g, '; '),
);

// ------------------------------------------------------------------------------ tap to cart
const before = await api('GET', '/api/v1/terminals/kiosk/cart');
const tapAt = Date.now();
await tap(g, (FIRST_TILE[0] + FIRST_TILE[2]) / 2, (FIRST_TILE[1] + FIRST_TILE[3]) / 2);
const inCart = await waitFor(
  async () => {
    const cart = (await api('GET', '/api/v1/terminals/kiosk/cart'))?.body;
    return cart?.lines?.find((l) => l.product_id === products.Apfelkuchen?.id) ? cart : null;
  },
  60_000,
  500,
);
const tapS = ((Date.now() - tapAt) / 1000).toFixed(1);
check(
  'a tap on the first tile puts "Apfelkuchen" into the kiosk cart (daemon API, from the host)',
  inCart && before?.body?.item_count === 0 && inCart.item_count === 1,
  inCart
    ? `cart ${inCart.item_count} item, ${inCart.total_cents} cents, ${tapS} s after the tap`
    : 'not in the cart after 60 s',
);
await sleep(2000);
const afterTap = await screenshot(g, 'pos-after-tap');
say(`after the tap: ${classify(afterTap).detail}; ${await keep(afterTap)}`);

// ------------------------------------------------------------------------------ no cursor
// The pointer goes to the empty part of the cart; nothing may be drawn there.
const spot = [200, 330];
const bare = await screenshot(g, 'cursor-before');
await pointer(g, spot[0], spot[1]);
input.lastAt = Date.now();
await sleep(3000);
const withPointer = await screenshot(g, 'cursor-after');
const box = [spot[0] - 4, spot[1] - 4, spot[0] + 28, spot[1] + 36];
let diff = 0;
for (let y = box[1]; y < box[3]; y++)
  for (let x = box[0]; x < box[2]; x++) {
    const a = px(bare, x, y);
    const b = px(withPointer, x, y);
    if (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) > 30) diff++;
  }
check(
  'no mouse cursor drawn where the pointer is',
  diff === 0,
  `${diff} pixels changed around (${spot.join(',')})`,
);

// ------------------------------------------------------------------------------ no zoom, no navigation
const refShot = withPointer;
await pointer(g, 620, 300);
for (let i = 0; i < 3; i++) {
  await g.qmp.execute('input-send-event', {
    events: [
      { type: 'key', data: { down: true, key: { type: 'qcode', data: 'ctrl' } } },
      { type: 'btn', data: { down: true, button: 'wheel-up' } },
    ],
  });
  await g.qmp.execute('input-send-event', {
    events: [
      { type: 'btn', data: { down: false, button: 'wheel-up' } },
      { type: 'key', data: { down: false, key: { type: 'qcode', data: 'ctrl' } } },
    ],
  });
  await sleep(300);
}
await keys(g, ['ctrl', 'equal']);
await keys(g, ['ctrl', 'kp_add']);
await keys(g, ['alt', 'left']);
input.lastAt = Date.now();
await sleep(5000);
const afterZoom = await screenshot(g, 'after-zoom-keys');
let moved = 0;
for (const region of [HEADER, FIRST_TILE, [437, 256, 790, 328]]) {
  for (let y = region[1]; y < region[3]; y += 2)
    for (let x = region[0]; x < region[2]; x += 2) {
      const a = px(refShot, x, y);
      const b = px(afterZoom, x, y);
      if (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) > 60) moved++;
    }
}
const zc = classify(afterZoom);
check(
  'Ctrl+wheel, Ctrl+plus and Alt+Left neither zoom nor leave /pos',
  zc.kind === 'pos' && moved < 40,
  `${zc.kind}, ${moved} sampled pixels differ in header and tiles; ${await keep({ ...afterZoom, label: 'after-zoom-keys' })}`,
);

// ------------------------------------------------------------------------------ crashes
// `probe` names the kiosk's instance: a new one must come up (and paint /pos) after the kill.
async function crash(what, command, probe) {
  const n0 = await ssh(g, probe);
  const killedAt = Date.now();
  say(`${what}: ${command} → ${await ssh(g, command)}`);
  const changed = await waitFor(
    async () => {
      const n = await ssh(g, probe);
      return n !== n0 && !/ssh failed/.test(n) && n !== '' ? n : null;
    },
    RESTART_BOUND_S * 1000,
    1000,
  );
  // The screen must lose /pos (the kiosk really went) and then show it again.
  let gone = false;
  const back = await waitForScreen(
    g,
    `after-${what.replace(/\W+/g, '-')}`,
    (c) => {
      if (c.kind !== 'pos') gone = true;
      return gone && c.kind === 'pos' && c.connected;
    },
    RESTART_BOUND_S * 1000 - (Date.now() - killedAt),
  );
  const s = back.at ? ((back.at - killedAt) / 1000).toFixed(1) : null;
  check(
    `${what} killed: the kiosk starts again and paints /pos within ${RESTART_BOUND_S} s`,
    Boolean(changed) && back.at !== null,
    `${n0} → ${changed ?? 'unchanged'}, /pos painted ${s ?? '-'} s after the kill (${back.c?.detail})`,
  );
  return back;
}
// Chromium dies: pos-kiosk-session starts it again inside the same cage.
const afterChromium = await crash(
  'Chromium',
  'pkill -KILL -o -x chromium && echo killed',
  'echo "browser pid $(pgrep -P "$(pgrep -x pos-kiosk-sessi)" -x chromium)"',
);
if (afterChromium.shot) await keep(afterChromium.shot);
// cage dies: systemd restarts the unit (Restart=always).
const afterCage = await crash(
  'cage',
  'pkill -KILL -x cage && echo killed',
  'echo "NRestarts=$(systemctl show -p NRestarts --value pos-kiosk)"',
);
if (afterCage.shot) await keep(afterCage.shot);
check(
  'the restarted kiosk shows /pos, not the token page again',
  afterCage.c?.kind === 'pos',
  afterCage.c?.kind,
);

// ------------------------------------------------------------------------------ no blanking
const guestBlank = await ssh(g, 'cat /sys/module/kernel/parameters/consoleblank');
const idleLeft = idleS * 1000 - (Date.now() - input.lastAt);
if (idleLeft > 0) say(`waiting ${(idleLeft / 1000).toFixed(0)} s without input (blanking check)`);
await sleep(Math.max(0, idleLeft));
const idle = await screenshot(g, 'after-idle');
const ic = classify(idle);
check(
  `no screen blanking: after ${((Date.now() - input.lastAt) / 1000).toFixed(0)} s without input the screen still shows the till`,
  ic.kind === 'pos' && ic.connected,
  `${ic.detail}; consoleblank=${guestBlank}; ${await keep({ ...idle, label: 'after-idle' })}`,
);

// ------------------------------------------------------------------------------ power cut
const acked = [];
let saleN = 0;
const sale = async () => {
  const n = ++saleN;
  const add = await api('POST', '/api/v1/terminals/kiosk/cart/items', {
    body: { product_id: products.Kaffee.id },
  });
  if (add?.status !== 200) return null;
  const res = await api('POST', '/api/v1/terminals/kiosk/checkout', {
    body: {
      provider: 'cash',
      idempotency_key: `powercut-${Date.now()}-${n}`,
      tendered_cents: 10_000,
    },
  });
  return res?.status === 201 ? res.body : null;
};
// Clear the tapped cart first: the sales below are one Kaffee each.
await api('DELETE', '/api/v1/terminals/kiosk/cart');
for (let i = 0; i < 5; i++) {
  const s = await sale();
  if (s) acked.push(s.id);
}
const inFlight = sale(); // not awaited: the power goes while it runs
await sleep(150 + Math.floor(Math.random() * 400));
const cutAt = Date.now();
await g.kill();
const lost = await inFlight;
say(
  `power cut ${g.sec(cutAt)} s into the first boot; ${acked.length} sales acknowledged, the one in flight ${lost ? 'was acknowledged too' : 'was not'}`,
);
if (lost) acked.push(lost.id);
check(
  'power cut during a sale (QEMU killed, no shutdown)',
  g.exit !== null && acked.length >= 5,
  `${acked.length} acknowledged sales`,
);
g.saveLog(path.join(outDir, `${shotName}.kiosk-test.boot1.log`));

// ============================================================================== second boot
g = await startGuest({
  boot,
  disk,
  work,
  r,
  name: 'boot2',
  forward: [8080, 22],
  display,
  append,
  firmwareDt: false,
});
const pos2 = await waitForScreen(
  g,
  'boot2-pos',
  (c) => c.kind === 'pos' && c.connected && c.tile,
  bootTimeoutMs,
);
const bootToPaintedS = pos2.at ? g.sec(pos2.at) : null;
// The header and the tiles look as before the cut: no "restore pages" bubble over them.
let bubble = 0;
if (pos2.shot) {
  for (const region of [[440, 56, 800, 178], HEADER, FIRST_TILE])
    for (let y = region[1]; y < region[3]; y += 2)
      for (let x = region[0]; x < region[2]; x += 2) {
        const a = px(posScreen.shot, x, y);
        const b = px(pos2.shot, x, y);
        if (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) > 60) bubble++;
      }
}
check(
  'after the power cut the kiosk boots to /pos, no "restore pages" bubble',
  pos2.at !== null && bubble < 40,
  `${pos2.c?.detail}; ${bubble} sampled pixels differ from the first boot's /pos in header, search and tiles; ${pos2.shot ? await keep(pos2.shot) : ''}`,
);
const fsState = await ssh(
  g,
  'src=$(findmnt -no SOURCE /data); echo "$src $(findmnt -no OPTIONS /data | cut -d, -f1) $(tune2fs -l "$src" | sed -n "s/^Filesystem state: *//p") errors=$(dmesg | grep -c "EXT4-fs error")"; journalctl -b -o cat --no-pager | grep -E "fsck|EXT4-fs \\(vda7\\)" | tail -4 | paste -sd"|"',
);
check(
  '/data mounts clean after the power cut (rw, state clean, no ext4 errors)',
  / rw clean errors=0/.test(fsState),
  fsState,
);
const found = [];
for (const id of acked) {
  const res = await api('GET', `/api/v1/sales/${id}`);
  if (res?.status === 200) found.push(id);
}
check(
  'every acknowledged sale is in the journal after the power cut',
  found.length === acked.length,
  `${found.length} of ${acked.length} acknowledged sales found`,
);
const health2 = await api('GET', '/api/v1/health');
check(
  'the daemon is healthy after the power cut',
  health2?.body?.status === 'ok',
  health2?.text?.slice(0, 160),
);
check('token page not shown again after the power cut', pos2.c?.kind === 'pos', pos2.c?.kind);

say('QMP system_powerdown');
const off = await g.powerdown(240_000);
check(
  'clean power-off after the power button',
  off,
  g.exit ? `exit ${g.exit.code}` : 'still running',
);
g.saveLog(path.join(outDir, `${shotName}.kiosk-test.boot2.log`));
console.log(
  `kiosk-test: first boot painted the token page ${firstPaintS ?? '-'} s after QEMU start; ` +
    `boot to /pos painted (second boot) ${bootToPaintedS ?? '-'} s; tap to cart ${tapS} s; total ${r.since()} s`,
);
if (!existsSync(outDir)) console.log('kiosk-test: no image/out for artifacts');
r.finish();
