import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeToPrinter, PrinterIoError } from '../../daemon/printer/usb.js';
import { Printer, parsePrinterSettings, PRINTER_DEFAULTS } from '../../daemon/printer/index.js';
import { Settings } from '../../daemon/settings/index.js';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events.js';
import { memoryLogger } from '../../daemon/log.js';
import { ManualClock } from '../../daemon/clock.js';
import { FakeUsbBus, FakeUsbPrinter } from '../helpers/fake-printer.js';
import { tempDir } from '../helpers/daemon.js';

test('writeToPrinter(device, bytes): open, detach usblp, claim, bulk OUT in chunks, release, close', async () => {
  const dev = new FakeUsbPrinter();
  const bytes = Buffer.alloc(10_000, 0x41);
  await writeToPrinter(dev, bytes);
  assert.deepEqual(dev.bytes(), bytes);
  assert.deepEqual(dev.calls, [
    'open',
    'detach:0',
    'claim:0',
    'out:1:4096',
    'out:1:4096',
    'out:1:1808',
    'release:0',
    'close',
  ]);
});

test('writeToPrinter(): a stalled or failing transfer is a PrinterIoError and the device is closed', async () => {
  const dev = new FakeUsbPrinter();
  dev.failTransfers = 'stall';
  await assert.rejects(writeToPrinter(dev, Buffer.from('x')), PrinterIoError);
  dev.failTransfers = 'throw';
  await assert.rejects(writeToPrinter(dev, Buffer.from('x')), /LIBUSB_ERROR_NO_DEVICE/);
  assert.equal(dev.opened, false);
});

test('writeToPrinter(): a device without a printer interface is refused', async () => {
  const dev = new FakeUsbPrinter(0x1234, 0x5678, 3 /* HID */);
  await assert.rejects(writeToPrinter(dev, Buffer.from('x')), /no printer interface/);
  assert.equal(dev.written.length, 0);
});

async function printer(bus: FakeUsbBus | null, section?: Record<string, unknown>) {
  const store = new Store(await tempDir());
  await store.init();
  const events = new EventBus();
  const settings = await Settings.open(store, events);
  if (section) await settings.update('printer', PRINTER_DEFAULTS, (c) => ({ ...c, ...section }));
  const p = new Printer({
    settings,
    events,
    log: memoryLogger(),
    clock: new ManualClock(),
    openBus: async () => {
      if (!bus) throw new Error('/sys/bus/usb/devices/ not found');
      return bus;
    },
  });
  await p.start();
  return { p, settings };
}

test('Printer: no USB on the machine → print() resolves printed:false with the reason', async () => {
  const { p } = await printer(null);
  const r = await p.print(Buffer.from('x'), 'test');
  assert.equal(r.printed, false);
  assert.match(r.message!, /USB is not available/);
  // Nothing set up and nothing found: the till says nothing about printers.
  assert.equal(r.code, 'printer_not_configured');
  assert.equal(p.status().configured, false);
  assert.equal(p.status().connected, false);
  p.stop();
});

test('Printer: configured VID:PID offline → clear message; hotplug attach → prints; detach → offline', async () => {
  const bus = new FakeUsbBus();
  const { p } = await printer(bus, { vendor_id: '04b8', product_id: '0e28' });
  let r = await p.print(Buffer.from('hello\n'), 'test');
  assert.deepEqual(r, {
    printed: false,
    code: 'printer_not_connected',
    message: 'Printer 04b8:0e28 is not connected; check cable and power',
  });
  const other = new FakeUsbPrinter(0x0416, 0x5011);
  bus.plug(other); // a different printer is not ours
  const dev = new FakeUsbPrinter(0x04b8, 0x0e28);
  bus.plug(dev);
  assert.equal(p.status().connected, true);
  assert.equal(p.status().name, '04b8:0e28 (Fake Epson TM-T20III)');
  r = await p.print(Buffer.from('hello\n'), 'test');
  assert.deepEqual(r, { printed: true, code: null, message: null });
  assert.equal(dev.bytes().toString(), 'hello\n');
  assert.equal(other.written.length, 0);
  bus.unplug(dev);
  assert.equal(p.status().connected, false);
  r = await p.print(Buffer.from('again\n'), 'test');
  assert.equal(r.printed, false);
  p.stop();
  assert.equal(bus.watchers, 0, 'stop() removes the hotplug listeners');
});

test('Printer: without VID:PID the first printer-class device is used; errors are reported, not thrown', async () => {
  const bus = new FakeUsbBus();
  const hid = new FakeUsbPrinter(0x1111, 0x2222, 3);
  const dev = new FakeUsbPrinter(0x0416, 0x5011);
  bus.devices.push(hid, dev);
  const { p } = await printer(bus);
  assert.equal(p.status().vendor_id, '0416');
  dev.failTransfers = 'throw';
  const r = await p.print(Buffer.from('x'), 'receipt 1');
  assert.equal(r.printed, false);
  assert.equal(r.code, 'printer_failed');
  assert.match(r.message!, /Printer error: USB write failed: LIBUSB_ERROR_NO_DEVICE/);
  assert.match(p.status().last_error!, /receipt 1/);
  p.stop();
});

test('Printer: a printer that appeared without a hotplug event is found when a job comes', async () => {
  const bus = new FakeUsbBus();
  const { p } = await printer(bus);
  assert.equal(p.status().connected, false);
  const dev = new FakeUsbPrinter();
  bus.devices.push(dev); // no attach event (libusb without hotplug support)
  const r = await p.print(Buffer.from('late\n'), 'test');
  assert.deepEqual(r, { printed: true, code: null, message: null });
  assert.equal(dev.bytes().toString(), 'late\n');
  p.stop();
});

test('Printer: changing the printer settings re-selects the device', async () => {
  const bus = new FakeUsbBus();
  const a = new FakeUsbPrinter(0x0416, 0x5011);
  const b = new FakeUsbPrinter(0x04b8, 0x0e28);
  bus.devices.push(a, b);
  const { p, settings } = await printer(bus);
  assert.equal(p.status().vendor_id, '0416');
  await settings.update('printer', PRINTER_DEFAULTS, (c) => ({ ...c, vendor_id: '04b8' }));
  await p.rescan();
  assert.equal(p.status().vendor_id, '04b8');
  await p.print(Buffer.from('x'), 't');
  assert.equal(b.written.length, 1);
  assert.equal(a.written.length, 0);
  p.stop();
});

test('parsePrinterSettings(): validates VID:PID, paper width and flags', () => {
  assert.deepEqual(
    parsePrinterSettings({ vendor_id: '04B8', paper_width_mm: 58 }, PRINTER_DEFAULTS),
    {
      ...PRINTER_DEFAULTS,
      vendor_id: '04b8',
      paper_width_mm: 58,
    },
  );
  assert.deepEqual(parsePrinterSettings({ paper_width_mm: 57 }, PRINTER_DEFAULTS), {
    field: 'paper_width_mm',
    message: 'paper_width_mm must be 58 or 80',
  });
  assert.equal(
    (parsePrinterSettings({ vendor_id: 'xyz' }, PRINTER_DEFAULTS) as { field: string }).field,
    'vendor_id',
  );
  assert.equal(
    (parsePrinterSettings({ product_id: '0202' }, PRINTER_DEFAULTS) as { field: string }).field,
    'vendor_id',
  );
  assert.equal(
    (parsePrinterSettings({ colour: 'red' }, PRINTER_DEFAULTS) as { field: string }).field,
    'colour',
  );
  assert.equal(
    (parsePrinterSettings({ enabled: 'yes' }, PRINTER_DEFAULTS) as { field: string }).field,
    'enabled',
  );
});
