/**
 * The kiosk's screens as the appliance scripts decide them (systemd/libexec/pos-kiosk,
 * pos-kiosk-session), run for real against fake /sys/class/drm trees: one output, or
 * POS_CUSTOMER_DISPLAY=off → plain cage as before; two → `cage -m extend` and the layout for
 * the session; a named output; the till's output and rotation; QEMU's virtio-gpu names. The
 * session then opens /kiosk/dual around the till's page and pins the layout with wlr-randr;
 * pos-kiosk-touch ties touchscreens (and pointers) to the till's output with a udev rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir } from '../helpers/daemon.js';
import { fakeDrm, runPosKiosk, runSession, runTouch } from '../helpers/kiosk-scripts.js';

const SESSION = '/usr/lib/pos/pos-kiosk-session';
const PLAIN = ['-d', '-s', '--', SESSION];
const EXTEND = ['-d', '-s', '-m', 'extend', '--', SESSION];
const LAYOUT_VARS = [
  'POS_TILL_OUTPUT',
  'POS_TILL_SIZE',
  'POS_CUSTOMER_OUTPUT',
  'POS_CUSTOMER_SIZE',
  'POS_OUTPUT_ORDER',
];

const pi = (second: 'connected' | 'disconnected') =>
  fakeDrm({
    'card1-HDMI-A-1': { status: 'connected', modes: ['800x480', '640x480'] },
    'card1-HDMI-A-2': {
      status: second,
      modes: second === 'connected' ? ['1024x600', '800x600'] : [],
    },
    'card1-Writeback-1': { status: 'unknown' },
  });

function noLayout(env: Record<string, string>): void {
  for (const v of LAYOUT_VARS) assert.equal(env[v], undefined, v);
}

test('one connected output: plain cage, exactly as before', async () => {
  const r = await runPosKiosk({ POS_DRM_SYSFS: await pi('disconnected') });
  assert.deepEqual(r.args, PLAIN);
  noLayout(r.env);
});

test('two connected outputs: cage -m extend, the till on the first, the customer on the second', async () => {
  const r = await runPosKiosk({ POS_DRM_SYSFS: await pi('connected') });
  assert.deepEqual(r.args, EXTEND);
  assert.equal(r.env.POS_TILL_OUTPUT, 'HDMI-A-1');
  assert.equal(r.env.POS_TILL_SIZE, '800x480');
  assert.equal(r.env.POS_CUSTOMER_OUTPUT, 'HDMI-A-2');
  assert.equal(r.env.POS_CUSTOMER_SIZE, '1024x600');
  assert.equal(r.env.POS_OUTPUT_ORDER, 'till,display');
  assert.match(r.stdout, /till on HDMI-A-1 \(800x480\), customer display on HDMI-A-2/);
});

test('POS_CUSTOMER_DISPLAY=off keeps one screen with two connected', async () => {
  const r = await runPosKiosk({
    POS_DRM_SYSFS: await pi('connected'),
    POS_CUSTOMER_DISPLAY: 'off',
  });
  assert.deepEqual(r.args, PLAIN);
  noLayout(r.env);
});

test('a named customer output; one that is not connected leaves one screen', async () => {
  const drm = await fakeDrm({
    'card1-HDMI-A-1': { status: 'connected', modes: ['1024x600'] },
    'card1-HDMI-A-2': { status: 'connected', modes: ['1920x1080'] },
    'card2-DVI-I-1': { status: 'connected', modes: ['1280x1024'] },
  });
  const named = await runPosKiosk({ POS_DRM_SYSFS: drm, POS_CUSTOMER_DISPLAY: 'DVI-I-1' });
  assert.deepEqual(named.args, EXTEND);
  assert.equal(named.env.POS_CUSTOMER_OUTPUT, 'DVI-I-1');
  assert.equal(named.env.POS_CUSTOMER_SIZE, '1280x1024');
  const missing = await runPosKiosk({ POS_DRM_SYSFS: drm, POS_CUSTOMER_DISPLAY: 'HDMI-A-3' });
  assert.deepEqual(missing.args, PLAIN);
  noLayout(missing.env);
  // The till's own output is never its customer display.
  const same = await runPosKiosk({ POS_DRM_SYSFS: drm, POS_CUSTOMER_DISPLAY: 'HDMI-A-1' });
  assert.deepEqual(same.args, PLAIN);
});

test('POS_DISPLAY_OUTPUT picks the till; its rotation turns its size; the order follows the connectors', async () => {
  const r = await runPosKiosk({
    POS_DRM_SYSFS: await pi('connected'),
    POS_DISPLAY_OUTPUT: 'HDMI-A-2',
    POS_DISPLAY_ROTATION: '90',
  });
  assert.deepEqual(r.args, EXTEND);
  assert.equal(r.env.POS_TILL_OUTPUT, 'HDMI-A-2');
  assert.equal(r.env.POS_TILL_SIZE, '600x1024');
  assert.equal(r.env.POS_CUSTOMER_OUTPUT, 'HDMI-A-1');
  assert.equal(r.env.POS_CUSTOMER_SIZE, '800x480');
  assert.equal(r.env.POS_OUTPUT_ORDER, 'display,till');
});

test('QEMU: two virtio-gpu outputs on card0 (Virtual-1, Virtual-2)', async () => {
  const drm = await fakeDrm({
    'card0-Virtual-1': { status: 'connected', modes: ['1280x800', '1024x768'] },
    'card0-Virtual-2': { status: 'connected', modes: ['1024x600'] },
  });
  const r = await runPosKiosk({ POS_DRM_SYSFS: drm });
  assert.deepEqual(r.args, EXTEND);
  assert.equal(r.env.POS_TILL_OUTPUT, 'Virtual-1');
  assert.equal(r.env.POS_TILL_SIZE, '1280x800');
  assert.equal(r.env.POS_CUSTOMER_OUTPUT, 'Virtual-2');
  assert.equal(r.env.POS_CUSTOMER_SIZE, '1024x600');
});

test('a connected output without modes is no customer display', async () => {
  const drm = await fakeDrm({
    'card1-HDMI-A-1': { status: 'connected', modes: ['800x480'] },
    'card1-HDMI-A-2': { status: 'connected', modes: [] },
  });
  const r = await runPosKiosk({ POS_DRM_SYSFS: drm });
  assert.deepEqual(r.args, PLAIN);
});

test('the session opens /kiosk/dual around the till page and pins the layout with wlr-randr', async () => {
  const r = await runSession({
    POS_DAEMON_PORT: '1', // nothing listens: no first-boot token to show
    POS_TILL_OUTPUT: 'HDMI-A-2',
    POS_TILL_SIZE: '600x1024',
    POS_CUSTOMER_OUTPUT: 'HDMI-A-1',
    POS_CUSTOMER_SIZE: '800x480',
    POS_OUTPUT_ORDER: 'display,till',
    POS_DISPLAY_ROTATION: '90',
  });
  assert.equal(
    r.url,
    'http://localhost:8080/kiosk/dual?till=600x1024&display=800x480&order=display,till&url=/pos%3Fkiosk%3D1',
    r.stdout,
  );
  assert.deepEqual(r.wlrRandr, [
    ['--output', 'HDMI-A-2', '--transform', '90'],
    ['--output', 'HDMI-A-1', '--pos', '0,0', '--output', 'HDMI-A-2', '--pos', '800,0'],
  ]);
});

test('the session without a customer display opens the till page itself', async () => {
  const r = await runSession({ POS_DAEMON_PORT: '1' });
  assert.equal(r.url, 'http://localhost:8080/pos?kiosk=1', r.stdout);
  assert.deepEqual(r.wlrRandr, []);
});

test('the session starts Chromium in German (its date fields and file picker), or as set', async () => {
  const german = await runSession({ POS_DAEMON_PORT: '1' });
  assert.equal(german.language, 'de', german.stdout);
  const english = await runSession({ POS_DAEMON_PORT: '1', POS_KIOSK_LANGUAGE: 'en' });
  assert.equal(english.language, 'en', english.stdout);
});

const matrixOf = (rule: string | null, kind: string): string | undefined =>
  new RegExp(
    `\\nACTION!="remove", SUBSYSTEM=="input", KERNEL=="event\\*", ENV\\{ID_INPUT_${kind}\\}=="1", ENV\\{LIBINPUT_CALIBRATION_MATRIX\\}="([^"]+)"\\n`,
  ).exec(rule ?? '')?.[1];

test('pos-kiosk-touch scales touch onto the till output while a customer display is used', async () => {
  const rules = path.join(await tempDir(), 'rules.d', '72-pos-touch-output.rules');
  const two = await pi('connected');
  const first = await runTouch(rules, { POS_DRM_SYSFS: two });
  // Layout 800x480 + 1024x600 side by side = 1824x600: the till is x 0..800/1824, y 0..480/600.
  for (const kind of ['TOUCHSCREEN', 'TABLET', 'MOUSE'])
    assert.equal(matrixOf(first.rule, kind), '0.438596 0 0 0 0.8 0', `${kind}: ${first.rule}`);
  // No WL_OUTPUT: cage maps by it only when the output exists as the device is added, and at
  // cage's start the devices come first; with both, a device plugged in later is scaled twice.
  assert.doesNotMatch(first.rule ?? '', /WL_OUTPUT/);
  assert.deepEqual(first.udevadm, [
    ['control', '--reload'],
    ['trigger', '--action=change', '--subsystem-match=input', '--settle'],
  ]);
  // The next kiosk start with the same screens changes nothing and triggers nothing.
  assert.deepEqual((await runTouch(rules, { POS_DRM_SYSFS: two })).udevadm, []);
  // The till on the second output (POS_DISPLAY_OUTPUT): the touch follows it, to the right of
  // the customer's 800 px.
  const moved = await runTouch(rules, { POS_DRM_SYSFS: two, POS_DISPLAY_OUTPUT: 'HDMI-A-2' });
  assert.equal(matrixOf(moved.rule, 'TOUCHSCREEN'), '0.561404 0 0.438596 0 1 0');
  // The till turned by 90 degrees (480x800 logical; layout 1504x800): rotation, then scale.
  const turned = await runTouch(rules, { POS_DRM_SYSFS: two, POS_DISPLAY_ROTATION: '90' });
  assert.equal(matrixOf(turned.rule, 'TOUCHSCREEN'), '0 -0.319149 0.319149 1 0 0');
  // One screen again (or off): the rule goes, the devices are re-read.
  const one = await runTouch(rules, { POS_DRM_SYSFS: await pi('disconnected') });
  assert.equal(one.rule, null);
  assert.equal(one.udevadm.length, 2);
  const off = await runTouch(rules, { POS_DRM_SYSFS: two, POS_CUSTOMER_DISPLAY: 'off' });
  assert.equal(off.rule, null);
});

test('pos-kiosk-touch: POS_TOUCH_OUTPUT names one of the two outputs, or off writes nothing', async () => {
  const rules = path.join(await tempDir(), '72-pos-touch-output.rules');
  const two = await pi('connected');
  // A touchscreen on the customer's screen instead: its rectangle, right of the till's 800 px.
  const named = await runTouch(rules, { POS_DRM_SYSFS: two, POS_TOUCH_OUTPUT: 'HDMI-A-2' });
  assert.equal(matrixOf(named.rule, 'TOUCHSCREEN'), '0.561404 0 0.438596 0 1 0');
  const off = await runTouch(rules, { POS_DRM_SYSFS: two, POS_TOUCH_OUTPUT: 'off' });
  assert.equal(off.rule, null);
  const bad = await runTouch(rules, { POS_DRM_SYSFS: two, POS_TOUCH_OUTPUT: 'HDMI" RUN+="/bin/x' });
  assert.equal(bad.rule, null);
  assert.deepEqual(bad.udevadm, []);
  // One screen: nothing to scale, whatever is named.
  const single = await runTouch(rules, {
    POS_DRM_SYSFS: await pi('disconnected'),
    POS_TOUCH_OUTPUT: 'HDMI-A-1',
  });
  assert.equal(single.rule, null);
});
