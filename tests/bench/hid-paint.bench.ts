/**
 * HID report → line painted on /pos in Chromium: a recorded HID POS report enters the demo
 * simulator's virtual device in the real daemon (its arrival in the daemon is the start), goes
 * through the decoder, the scanners' router, checkout and the WebSocket to /pos in real
 * Chromium, which marks `pos:cart-painted` in the frame after it rendered the new cart
 * (kiosk-ui/src/pos/pos-cart.ts). Both clocks are read as `performance.timeOrigin + now()`,
 * comparable on one machine.
 */
import { chromium } from 'playwright-core';
import { startDaemon } from '../helpers/daemon.js';
import { loadFixture, reportBytes } from '../helpers/scanner-fixtures.js';
import { USAGE_PAGE_BARCODE_SCANNER } from '../../daemon/scanners/device.js';
import { CHROMIUM } from '../e2e/support.js';

export interface HidPaintResult {
  scans: number;
  hid_to_paint_ms: { p50: number; p95: number; max: number };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** In the page: resolves with the epoch time of the first paint mark of cart version VERSION. */
const WAIT_FOR_PAINT = `new Promise((resolve) => {
  const find = () => performance.getEntriesByName('pos:cart-painted')
    .find((m) => m.detail && m.detail.version >= VERSION);
  const hit = find();
  if (hit) return resolve(performance.timeOrigin + hit.startTime);
  const obs = new PerformanceObserver(() => {
    const m = find();
    if (m) { obs.disconnect(); resolve(performance.timeOrigin + m.startTime); }
  });
  obs.observe({ entryTypes: ['mark'] });
})`;

export async function benchHidPaint(scans = 150): Promise<HidPaintResult> {
  const d = await startDaemon({ env: { SCANNER_SIMULATOR: '1', LOG_LEVEL: 'warn' } });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await (
      await browser.newContext({ viewport: { width: 800, height: 480 } })
    ).newPage();
    await page.goto(`${d.url}/pos?terminal=kiosk`);
    await page.locator('pos-status-dot [data-state="connected"]').waitFor({ timeout: 60_000 });
    const sim = d.app.scanners.simulator!;
    const info = {
      vendorId: 0x0c2e,
      productId: 0x0b81,
      serialNumber: 'BENCH-PAINT',
      usagePage: USAGE_PAGE_BARCODE_SCANNER,
      usage: 2,
    };
    await d.app.scanners.simulate(info, []);
    const reports = loadFixture('pos-ean13').reports.map((r) => reportBytes(r.hex));
    const times: number[] = [];
    for (let i = 0; i < scans + 10; i++) {
      if (i % 50 === 0) {
        await d.app.checkout.clearCart('kiosk');
        await page.locator('pos-cart .empty').waitFor();
      }
      const version = d.app.checkout.getCart('kiosk').version + 1;
      const path = sim.plug(info);
      const start = performance.timeOrigin + performance.now();
      sim.feed(path, reports);
      // A string, not a function: tsx would wrap named functions in a helper the page lacks.
      const painted = (await page.evaluate(
        WAIT_FOR_PAINT.replace('VERSION', String(version)),
      )) as number;
      if (i >= 10) times.push(painted - start);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
    return {
      scans,
      hid_to_paint_ms: { p50: round(q(0.5)), p95: round(q(0.95)), max: round(times.at(-1)!) },
    };
  } finally {
    await browser.close();
    await d.stop();
  }
}

if (process.argv[1]?.endsWith('hid-paint.bench.ts')) {
  console.log(JSON.stringify(await benchHidPaint(), null, 2));
}
