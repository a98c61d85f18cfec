/**
 * Benchmark: USB scanner path. Recorded HID reports (tests/fixtures/hid) enter a virtual
 * device of the demo simulator in the real daemon; measured until the terminal's WebSocket
 * receives the cart.updated for that scan — decode, routing, checkout, push. Also the two
 * decoders alone.
 *
 *   node --import tsx tests/bench/scanner.bench.ts
 */
import { EventEmitter } from 'node:events';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { benchScanPush, type ScanPushResult } from './scan-push.bench.js';
import { ScannerReader } from '../../daemon/scanners/reader.js';
import { systemTimers } from '../../daemon/scanners/timers.js';
import { connectWs, wsUrl } from '../helpers/ws.js';
import {
  germanKeyReports,
  loadFixture,
  posReport,
  reportBytes,
} from '../helpers/scanner-fixtures.js';
import { KeyboardDecoder } from '../../daemon/scanners/keyboard-decoder.js';
import { HidPosDecoder } from '../../daemon/scanners/hid-pos-decoder.js';
import {
  USAGE_PAGE_BARCODE_SCANNER,
  USAGE_PAGE_GENERIC_DESKTOP,
} from '../../daemon/scanners/device.js';

export interface ScannerBench {
  scans: number;
  /** The checkout bench's scan→push (100 other clients) with HID reports as the entry. */
  scan_push_hid_pos: ScanPushResult['scan_to_push_ms'];
  scan_push_keyboard_de: ScanPushResult['scan_to_push_ms'];
  scan_push_bare_echo: ScanPushResult['bare_echo_ms'];
  keyboard_decode_us_per_scan: number;
  pos_decode_us_per_scan: number;
  hid_to_push_ms: { p50: number; p95: number; p99: number; max: number };
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

/** A bench must end: a lost update fails loudly instead of hanging. */
async function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scanner bench: no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * An entry for benchScanPush: the barcode becomes recorded-style HID reports (HID POS report,
 * or German keyboard reports) fed through the reader and decoder a USB scanner uses, then the
 * scanners' router (a scanner paired with the bench terminal), then checkout.
 */
export function hidEntry(kind: 'hid_pos' | 'keyboard') {
  const readers = new WeakMap<TestDaemon, EventEmitter>();
  const cache = new Map<string, Buffer[]>();
  return (d: TestDaemon, terminal: string, barcode: string): void => {
    let device = readers.get(d);
    if (!device) {
      const dev = new EventEmitter();
      const id = `bench-${kind}`;
      void d.app.scanners.pairings.pair(id, terminal, new Date().toISOString(), kind);
      new ScannerReader(Object.assign(dev, { close() {} }), {
        kind,
        layout: 'de',
        gapMs: 80,
        clock: d.app.clock,
        timers: systemTimers,
        onScan: (s) => void d.app.scanners.router.handle(id, s.barcode, kind),
        onFailure: () => {},
      });
      readers.set(d, dev);
      device = dev;
    }
    let reports = cache.get(barcode);
    if (!reports) {
      const hex = kind === 'hid_pos' ? [posReport(barcode)] : germanKeyReports(barcode);
      reports = hex.map(reportBytes);
      cache.set(barcode, reports);
    }
    for (const r of reports) device.emit('data', r);
  };
}

function decodeBench(): { keyboard: number; pos: number } {
  const kbd = loadFixture('kbd-de-ean13-enter').reports.map((r) => reportBytes(r.hex));
  const pos = loadFixture('pos-ean13').reports.map((r) => reportBytes(r.hex));
  const n = 20_000;
  const k = new KeyboardDecoder('de', 80);
  let t = 0;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) for (const r of kbd) k.feed(r, (t += 1));
  const keyboard = ((performance.now() - t0) * 1000) / n;
  const p = new HidPosDecoder();
  t0 = performance.now();
  for (let i = 0; i < n; i++) for (const r of pos) p.feed(r, (t += 1));
  return { keyboard, pos: ((performance.now() - t0) * 1000) / n };
}

export async function runScannerBench(scans = 400): Promise<ScannerBench> {
  const decode = decodeBench();
  const pos = await benchScanPush({ scans: 1000, entry: hidEntry('hid_pos') });
  const kbd = await benchScanPush({ scans: 1000, entry: hidEntry('keyboard') });
  const d = await startDaemon({
    env: { SCANNER_SIMULATOR: '1' }, // Newland (1eab) is on the shipped scanner list
  });
  try {
    const sim = d.app.scanners.simulator!;
    const devices = [
      {
        kind: 'keyboard',
        fixture: 'kbd-de-ean13-enter',
        vendorId: 0x1eab,
        productId: 0x0c03,
        usagePage: USAGE_PAGE_GENERIC_DESKTOP,
        usage: 6,
      },
      {
        kind: 'hid_pos',
        fixture: 'pos-ean13',
        vendorId: 0x0c2e,
        productId: 0x0b81,
        usagePage: USAGE_PAGE_BARCODE_SCANNER,
        usage: 2,
      },
    ].map((x) => ({
      ...x,
      reports: loadFixture(x.fixture).reports.map((r) => reportBytes(r.hex)),
      info: {
        vendorId: x.vendorId,
        productId: x.productId,
        serialNumber: `BENCH-${x.kind}`,
        usagePage: x.usagePage,
        usage: x.usage,
      },
    }));
    for (const dev of devices) await d.app.scanners.simulate(dev.info, []);
    const ws = await connectWs(wsUrl(d.url, 'terminal_id=kiosk'));
    await ws.next('snapshot');
    const times: number[] = [];
    for (let i = 0; i < scans; i++) {
      if (i % 100 === 0) {
        await d.request('DELETE', '/api/v1/terminals/kiosk/cart');
        await within(
          ws.next('cart.updated', (m) => m.cart.item_count === 0),
          'cleared cart',
        );
      }
      const dev = devices[i % 2];
      const path = sim.plug(dev.info);
      const t0 = performance.now();
      sim.feed(path, dev.reports);
      await within(ws.next('cart.updated'), `cart.updated for scan ${i}`);
      times.push(performance.now() - t0);
    }
    await ws.close();
    times.sort((a, b) => a - b);
    return {
      scans,
      scan_push_hid_pos: pos.scan_to_push_ms,
      scan_push_keyboard_de: kbd.scan_to_push_ms,
      scan_push_bare_echo: pos.bare_echo_ms,
      keyboard_decode_us_per_scan: round(decode.keyboard, 2),
      pos_decode_us_per_scan: round(decode.pos, 2),
      hid_to_push_ms: {
        p50: round(quantile(times, 0.5)),
        p95: round(quantile(times, 0.95)),
        p99: round(quantile(times, 0.99)),
        max: round(times[times.length - 1]),
      },
    };
  } finally {
    await d.stop();
  }
}

if (process.argv[1]?.endsWith('scanner.bench.ts')) {
  console.log(JSON.stringify(await runScannerBench(), null, 2));
}
