/**
 * The scanner list the admin page and the snapshot show (daemon/scanners/listing.ts), built
 * from given sources: attached scanners first, network scanners connected for ten minutes after
 * a scan, remembered ones listed unplugged with their kind, unread keyboards apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  guessKind,
  listKeyboards,
  listScanners,
  NETWORK_CONNECTED_MS,
  type ListingSources,
} from '../../daemon/scanners/listing.js';
import type { HidDeviceInfo } from '../../daemon/scanners/device.js';
import type { DeviceSettings } from '../../daemon/scanners/settings.js';

const NOW = Date.UTC(2026, 4, 4, 12);
const hid = (vendorId: number, productId: number, extra: Partial<HidDeviceInfo> = {}) => ({
  path: `/dev/hidraw${productId}`,
  vendorId,
  productId,
  interface: 0,
  ...extra,
});

function sources(over: Partial<ListingSources> = {}): ListingSources {
  const devices: Record<string, DeviceSettings> = over.devices ?? {};
  return {
    now: NOW,
    attached: [],
    keyboards: [],
    networkSeen: new Map(),
    lastSeen: new Map(),
    devices,
    prefs: (id) => ({
      name: devices[id]?.name ?? null,
      layout: devices[id]?.layout ?? 'us',
      enabled: devices[id]?.enabled !== false,
      isScanner: devices[id]?.is_scanner === true,
    }),
    pairedIds: [],
    terminalOf: () => null,
    pairedKind: () => null,
    onList: () => false,
    ...over,
  };
}

test('attached scanners come first, named by settings, else maker and product, else VID:PID', () => {
  const list = listScanners(
    sources({
      attached: [
        {
          id: '05e0:1200:S1',
          kind: 'hid_pos',
          info: hid(0x05e0, 0x1200, { product: 'Scanner', manufacturer: 'Zebra' }),
        },
        { id: '0c2e:0901:S2', kind: 'keyboard', info: hid(0x0c2e, 0x0901) },
        { id: '1234:0001:S3', kind: 'hid_pos', info: hid(0x1234, 1) },
      ],
      devices: { '1234:0001:S3': { name: 'Front door', enabled: false } },
      pairedIds: ['net-old'],
      terminalOf: (id) => (id === '05e0:1200:S1' ? 'kiosk' : null),
      lastSeen: new Map([['05e0:1200:S1', NOW - 1000]]),
      onList: (vid) => vid === 0x0c2e,
    }),
  );
  assert.deepEqual(
    list.map((s) => [s.id, s.name, s.connected]),
    [
      ['05e0:1200:S1', 'Zebra Scanner', true],
      ['0c2e:0901:S2', '0c2e:0901', true],
      ['1234:0001:S3', 'Front door', true],
      ['net-old', 'net-old', false],
    ],
  );
  const [pos, kbd, door, old] = list;
  assert.equal(pos.terminal_id, 'kiosk');
  assert.equal(pos.last_seen_at, new Date(NOW - 1000).toISOString());
  assert.deepEqual([pos.vendor_id, pos.product_id, pos.on_list], [0x05e0, 0x1200, undefined]);
  assert.equal(kbd.on_list, true, 'a keyboard-mode scanner says whether udev hides it');
  assert.equal(door.enabled, false);
  assert.equal(old.kind, 'network', 'a remembered id without a recorded kind is guessed');
  assert.equal(old.last_seen_at, null);
});

test('a network scanner is connected for NETWORK_CONNECTED_MS after its last scan', () => {
  const list = listScanners(
    sources({
      networkSeen: new Map([
        ['net-a', NOW - NETWORK_CONNECTED_MS + 1],
        ['net-b', NOW - NETWORK_CONNECTED_MS],
      ]),
    }),
  );
  assert.deepEqual(
    list.map((s) => [s.id, s.kind, s.connected]),
    [
      ['net-a', 'network', true],
      ['net-b', 'network', false],
    ],
  );
});

test('remembered scanners keep their kind; unread keyboards and unmarked keyboards are not scanners', () => {
  const s = sources({
    devices: {
      'aaaa:0001:K': { kind: 'keyboard', is_scanner: false },
      'bbbb:0002:X': { kind: 'keyboard', is_scanner: true },
      'cccc:0003:U': { name: 'Unread' },
    },
    pairedIds: ['dddd:0004@1-1.2', 'net-p'],
    pairedKind: (id) => (id === 'net-p' ? 'keyboard' : null),
    keyboards: [{ id: 'cccc:0003:U', info: hid(0xcccc, 3), looksLikeScanner: true }],
  });
  assert.deepEqual(
    listScanners(s).map((x) => [x.id, x.kind, x.connected]),
    [
      ['bbbb:0002:X', 'keyboard', false],
      ['dddd:0004@1-1.2', 'hid_pos', false],
      ['net-p', 'keyboard', false],
    ],
  );
  const kbds = listKeyboards(s);
  assert.equal(kbds.length, 1);
  assert.deepEqual(
    [
      kbds[0].id,
      kbds[0].name,
      kbds[0].kind,
      kbds[0].enabled,
      kbds[0].looks_like_scanner,
      kbds[0].connected,
    ],
    ['cccc:0003:U', 'Unread', 'keyboard', false, true, true],
  );
});

test('guessKind: ids starting with VID:PID are HID POS, anything else network', () => {
  assert.equal(guessKind('05e0:1200:S1'), 'hid_pos');
  assert.equal(guessKind('05e0:1200@1-1'), 'hid_pos');
  assert.equal(guessKind('till-2'), 'network');
});
