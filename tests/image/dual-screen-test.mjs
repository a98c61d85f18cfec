#!/usr/bin/env node
// QEMU test of the customer display on the Pi's second output (npm run test:image:dual; issue
// 16): the full image with two screens, as a Pi 4 with the till's touchscreen on HDMI 0 and a
// customer screen on HDMI 1. QEMU gives the guest one virtio-gpu with two heads (Virtual-1
// 800x480, the till; Virtual-2 1024x600, the customer's), driven through DRM/KMS; the host sees
// each head through QMP screendump and taps through a USB tablet. Checks, each printed:
//   - pos-kiosk found both outputs and started cage across them (its journal line), and scaled
//     touch and absolute pointers onto the till's output (the udev rule pos-kiosk-touch wrote);
//   - before the first admin login the till's head shows the token page and the customer's
//     head stays black (the token is never on the customer's side);
//   - after the login: the till's head shows /pos, the customer's head the display page;
//   - a tap on the till's first tile (coordinates of the till's screen) puts the product in the
//     kiosk's cart: the pointer is mapped to the till's output, not spread over both;
//   - the customer's head then shows the cart (its light total bar), live;
//   - GET /api/v1/health says kiosk_painted (what the update confirm waits for).
//
// Usage: node tests/image/dual-screen-test.mjs [IMAGE]  (default: newest full image in
// image/out). Env: POS_DUAL_TIMEOUT (s, the boot's bound, default 2400).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

const r = reporter('dual-screen-test');
const { check, say } = r;
const bootTimeoutMs = Number(process.env.POS_DUAL_TIMEOUT ?? 2400) * 1000;
const TILL = { xres: 800, yres: 480 };
const CUSTOMER = { xres: 1024, yres: 600 };

ensureTools({ ssh: true });
const image = findImage({ variant: 'full' });
const work = mkdtempSync(path.join(tmpdir(), 'pos-dual-test-'));
r.onCleanup(() => rmSync(work, { recursive: true, force: true }));
const artifacts = path.join(repo, 'image', 'out');
mkdirSync(artifacts, { recursive: true });
const stem = path.basename(image, '.img');
say(`image ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB)`);

// ------------------------------------------------------------------------------ the screens
/** One head's picture: raw RGB pixels and a measure of a rectangle. */
async function head(n, label) {
  const file = path.join(work, `head${n}-${label}.png`);
  await g.qmp.execute('screendump', { filename: file, format: 'png', device: 'gpu', head: n });
  const { data, info } = await sharp(file)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const part = ([x0, y0, x1, y1], pred) => {
    let hit = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const i = (y * info.width + x) * 3;
        if (pred(0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2])) hit++;
      }
    return hit / ((x1 - x0) * (y1 - y0));
  };
  return {
    file,
    size: `${info.width}x${info.height}`,
    dark: (rect) => part(rect, (l) => l < 90),
    light: (rect) => part(rect, (l) => l > 225),
    black: (rect) => part(rect, (l) => l < 8),
    keep: async () => {
      const dest = path.join(artifacts, `${stem}.dual-head${n}-${label}.png`);
      await sharp(file).toFile(dest);
      return dest;
    },
  };
}
const whole = (s) => [0, 0, s.xres, s.yres];
// /pos at 800x480 (as in kiosk-test.mjs): dark header, light cart body, first tile.
const isPos = (h) => h.dark([0, 2, 800, 54]) > 0.6 && h.light([20, 110, 415, 380]) > 0.85;
const isToken = (h) => h.light(whole(TILL)) > 0.6 && h.dark([0, 2, 800, 54]) < 0.3;
// The customer display: a dark page; with a cart, a light total bar along the bottom.
const TOTAL_BAR = [0, CUSTOMER.yres - 60, CUSTOMER.xres, CUSTOMER.yres - 10];
/** Screenshots of head `n` until `want(head)` or the bound; the last picture and when. */
async function until(n, label, want, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let h = null;
  while (Date.now() < deadline && g.exit === null) {
    h = await head(n, label).catch(() => null);
    if (h && want(h)) return { h, at: Date.now() };
    await sleep(3000);
  }
  return { h, at: null };
}
async function tap(x, y) {
  const abs = (v, size) => Math.round(((v + 0.5) * 0x7fff) / size);
  const ev = (events) => g.qmp.execute('input-send-event', { events });
  await ev([
    { type: 'abs', data: { axis: 'x', value: abs(x, TILL.xres) } },
    { type: 'abs', data: { axis: 'y', value: abs(y, TILL.yres) } },
  ]);
  await sleep(200);
  await ev([{ type: 'btn', data: { down: true, button: 'left' } }]);
  await sleep(120);
  await ev([{ type: 'btn', data: { down: false, button: 'left' } }]);
}

// ------------------------------------------------------------------------------ boot
const boot = bootFiles(image, work);
const sshKey = path.join(work, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dual-test', '-f', sshKey]);
const disk = makeDisk(image, work, { bootFiles: { 'pos-authorized_keys': `${sshKey}.pub` } });
const g = await startGuest({
  boot,
  disk,
  work,
  r,
  name: 'dual',
  forward: [8080, 22],
  display: { ...TILL, second: CUSTOMER },
  append: ['systemd.show_status=1', 'systemd.mask=serial-getty@ttyAMA0.service'],
  firmwareDt: false,
});
const ssh = (cmd) => sshAs(g, sshKey, cmd, { timeoutMs: 60_000 });
const api = (method, p, opts) => http(g.ports[8080], method, p, opts);

const tokenMatch = await g.waitForLog(
  /Counter POS admin token: ([A-Za-z0-9]+)/,
  bootTimeoutMs,
  /pos-|FAILED|Kernel panic/,
);
const token = tokenMatch?.[1] ?? null;
check('pos-firstboot printed the admin token', Boolean(token), `${g.sec()} s after QEMU start`);
if (!token) r.finish(1);

const tokenShot = await until(0, 'token', isToken, bootTimeoutMs - (Date.now() - g.startedAt));
const outputs = await ssh(
  'for c in /sys/class/drm/card*-*; do printf "%s %s %s; " "${c##*/}" "$(cat $c/status)" "$(head -1 $c/modes)"; done',
);
say(`guest DRM connectors: ${outputs}`);
const kioskLine = await ssh(
  // (journalctl -b, not -u pos-kiosk: with PAMName= the kiosk's processes log from the login
  // session's scope)
  'journalctl -b -o cat --no-pager | grep -E "^pos-kiosk: till|^pos-kiosk-session: chromium" | tail -2 | paste -sd"|" -',
);
check(
  'pos-kiosk put the till on Virtual-1 and the customer display on Virtual-2',
  /till on Virtual-1 \(800x480\), customer display on Virtual-2 \(1024x600\)/.test(kioskLine) &&
    /\/kiosk\/dual\?/.test(kioskLine),
  kioskLine,
);
const cageArgs = await ssh('ps -o args= -C cage');
check('cage runs across both outputs (-m extend)', /-m extend/.test(cageArgs), cageArgs);
const rule = await ssh('cat /run/udev/rules.d/72-pos-touch-output.rules 2>&1 | grep -v "^#"');
check(
  'touch and absolute pointers are scaled onto the till output (udev calibration matrix)',
  /ENV\{ID_INPUT_MOUSE\}=="1", ENV\{LIBINPUT_CALIBRATION_MATRIX\}="0\.438596 0 0 0 0\.8 0"/.test(
    rule,
  ),
  rule.replace(/\s+/g, ' '),
);
const layout = await ssh(
  'runuser -u pos-kiosk -- env XDG_RUNTIME_DIR=/run/user/951 WAYLAND_DISPLAY=wayland-0 wlr-randr 2>&1 | grep -E "^[A-Za-z]|Position|current" | paste -sd" " -',
);
say(`wlr-randr: ${layout}`);
const blackBefore = await head(1, 'before-login');
check(
  'before the first login: the till shows the token page, the customer screen stays black',
  tokenShot.at !== null && blackBefore.black(whole(CUSTOMER)) > 0.99,
  `till ${tokenShot.at ? `token page ${g.sec(tokenShot.at)} s after QEMU start` : 'no token page'} (${tokenShot.h ? await tokenShot.h.keep() : '-'}); customer ${blackBefore.size} black ${(blackBefore.black(whole(CUSTOMER)) * 100).toFixed(1)} % (${await blackBefore.keep()})`,
);

// ------------------------------------------------------------------------------ login, sell
const login = await api('POST', '/api/v1/admin/login', { body: { token } });
check('admin login with the first-boot token', login?.status === 200, `status ${login?.status}`);
const loginAt = Date.now();
const made = [];
for (const [name, price] of [
  ['Apfelkuchen', 250],
  ['Brezel', 120],
  ['Cappuccino', 280],
  ['Kaffee', 200],
]) {
  const res = await api('POST', '/api/v1/products', { token, body: { name, price_cents: price } });
  if (res?.status === 201) made.push(res.body);
}
const pos = await until(0, 'pos', isPos, 600_000);
const idle = await until(1, 'idle', (h) => h.black(whole(CUSTOMER)) < 0.9, 300_000);
check(
  'after the login: /pos on the till screen, the display page on the customer screen',
  pos.at !== null && idle.at !== null,
  `till ${pos.at ? `${((pos.at - loginAt) / 1000).toFixed(0)} s after the login` : 'not /pos'} (${pos.h ? await pos.h.keep() : '-'}); customer ${idle.at ? 'painted' : 'still black'} (${idle.h ? await idle.h.keep() : '-'})`,
);
const noBarBefore = idle.h ? idle.h.light(TOTAL_BAR) : 1;

const tapAt = Date.now();
await tap((424 + 603) / 2, (166 + 229) / 2);
const cart = await waitFor(
  async () => {
    const c = (await api('GET', '/api/v1/terminals/kiosk/cart'))?.body;
    return c?.item_count === 1 ? c : null;
  },
  120_000,
  500,
);
check(
  'a tap on the till screen reaches the till (the pointer is mapped to the till output)',
  cart && cart.lines?.[0]?.product_id === made[0]?.id,
  cart
    ? `"${cart.lines[0].name}" in the kiosk cart ${((Date.now() - tapAt) / 1000).toFixed(1)} s after the tap`
    : 'the cart stayed empty',
);
const shown = await until(1, 'cart', (h) => h.light(TOTAL_BAR) > 0.6, 120_000);
check(
  'the customer screen shows the cart (its total bar) live',
  noBarBefore < 0.2 && shown.at !== null,
  `total bar light ${(noBarBefore * 100).toFixed(0)} % before, ${shown.h ? (shown.h.light(TOTAL_BAR) * 100).toFixed(0) : '-'} % ${shown.at ? `${((shown.at - tapAt) / 1000).toFixed(1)} s after the tap` : 'never'} (${shown.h ? await shown.h.keep() : '-'})`,
);
const health = (await api('GET', '/api/v1/health'))?.body;
check(
  'health: kiosk_painted',
  health?.kiosk_painted === true,
  JSON.stringify(health?.kiosk_painted),
);
const tillAfter = await head(0, 'after');
check('the till screen still shows /pos', isPos(tillAfter), await tillAfter.keep());

const off = await g.powerdown(240_000);
check('clean power-off', off, g.exit ? `exit ${g.exit.code}` : 'still running');
say(`dual-screen-test: total ${r.since()} s`);
r.finish();
