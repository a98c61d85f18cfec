/**
 * Network (raw TCP, port 9100 style) and usblp device printers: the real Printer code writes
 * to a real TCP server on 127.0.0.1 (port 0) and to a file standing in for /dev/usb/lp0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { Printer, parsePrinterSettings, PRINTER_DEFAULTS } from '../../daemon/printer/index.js';
import { Settings } from '../../daemon/settings/index.js';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events.js';
import { memoryLogger } from '../../daemon/log.js';
import { ManualClock } from '../../daemon/clock.js';
import { FakeUsbBus } from '../helpers/fake-printer.js';
import { tempDir } from '../helpers/daemon.js';

async function printer(section: Record<string, unknown>) {
  const store = new Store(await tempDir());
  await store.init();
  const events = new EventBus();
  const settings = await Settings.open(store, events);
  await settings.update('printer', PRINTER_DEFAULTS, (c) => ({ ...c, ...section }));
  const p = new Printer({
    settings,
    events,
    log: memoryLogger(),
    clock: new ManualClock(),
    openBus: async () => new FakeUsbBus(),
  });
  await p.start();
  return p;
}

/** A raw-TCP printer: each connection's bytes, once the client closed it, are a job. */
async function tcpPrinter() {
  const waiting: Array<(b: Buffer) => void> = [];
  const jobs: Buffer[] = [];
  const server = net.createServer((sock) => {
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => {
      sock.end();
      if (!chunks.length) return; // a status probe
      const job = Buffer.concat(chunks);
      jobs.push(job);
      waiting.shift()?.(job);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** The next job (or one that already came). */
    job: (): Promise<Buffer> =>
      jobs.length ? Promise.resolve(jobs.shift()!) : new Promise((r) => waiting.push(r)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('network printer: the job arrives over TCP; a dead address is "not connected"', async () => {
  const tcp = await tcpPrinter();
  const p = await printer({ connection: 'network', host: '127.0.0.1', port: tcp.port });
  try {
    assert.equal(p.status().configured, true);
    assert.equal(p.status().connected, true);
    assert.equal(p.status().name, `127.0.0.1:${tcp.port}`);
    const job = tcp.job();
    const r = await p.print(Buffer.from('Grüße\n'), 'test');
    assert.deepEqual(r, { printed: true, code: null, message: null });
    assert.equal((await job).toString(), 'Grüße\n');
  } finally {
    await tcp.close();
  }
  const again = await p.print(Buffer.from('x'), 'test');
  assert.equal(again.printed, false);
  assert.equal(again.code, 'printer_not_connected');
  assert.equal(p.status().code, 'printer_not_connected');
  p.stop();
});

test('usblp device: the job is written to the device file; a missing device is "not connected"', async () => {
  const dir = await tempDir();
  const dev = path.join(dir, 'lp0');
  await writeFile(dev, '');
  const p = await printer({ connection: 'usb' });
  // parsePrinterSettings only takes /dev/usb/lpN; the module itself writes to any path.
  (p as unknown as { config: () => unknown }).config = () => ({
    ...PRINTER_DEFAULTS,
    device_path: dev,
  });
  await p.rescan();
  assert.equal(p.status().connected, true);
  assert.deepEqual(await p.print(Buffer.from('A\n'), 'a'), {
    printed: true,
    code: null,
    message: null,
  });
  assert.deepEqual(await p.print(Buffer.from('B\n'), 'b'), {
    printed: true,
    code: null,
    message: null,
  });
  assert.equal(await readFile(dev, 'utf8'), 'A\nB\n');
  (p as unknown as { config: () => unknown }).config = () => ({
    ...PRINTER_DEFAULTS,
    device_path: path.join(dir, 'lp9'),
  });
  const r = await p.print(Buffer.from('C\n'), 'c');
  assert.equal(r.code, 'printer_not_connected');
  p.stop();
});

test('no printer chosen: nothing configured, nothing printed, no USB warning in the log', async () => {
  const p = await printer({ connection: 'none' });
  const r = await p.print(Buffer.from('x'), 'test');
  assert.equal(r.printed, false);
  assert.equal(r.code, 'printer_not_configured');
  assert.equal(p.status().configured, false);
  p.stop();
});

test('parsePrinterSettings(): connection, host, port, usblp path and profile', () => {
  const ok = parsePrinterSettings(
    { connection: 'network', host: '192.168.1.50', port: 9100, model: 'star-tsp100iv' },
    PRINTER_DEFAULTS,
  );
  assert.equal((ok as typeof PRINTER_DEFAULTS).model, 'star-tsp100iv');
  const field = (body: Record<string, unknown>) =>
    (parsePrinterSettings(body, PRINTER_DEFAULTS) as { field?: string }).field;
  assert.equal(field({ connection: 'network' }), 'host');
  assert.equal(field({ connection: 'serial' }), 'connection');
  assert.equal(field({ port: 70000 }), 'port');
  assert.equal(field({ device_path: '/etc/passwd' }), 'device_path');
  assert.equal(field({ model: 'no-such-printer' }), 'model');
  assert.equal(field({ host: 'a b' }), 'host');
  assert.equal(
    (
      parsePrinterSettings({ device_path: '/dev/usb/lp0' }, PRINTER_DEFAULTS) as {
        device_path: string;
      }
    ).device_path,
    '/dev/usb/lp0',
  );
});
