/**
 * Ways bytes reach a receipt printer besides libusb (usb.ts):
 *  - the kernel's usblp driver: a character device /dev/usb/lpN that takes the raw stream;
 *  - the network: raw TCP on port 9100 ("JetDirect"/AppSocket), which Ethernet and Wi-Fi
 *    receipt printers of every make accept.
 * Each write has a time limit, so a printer that stopped reading never holds the queue.
 */
import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import net from 'node:net';

const WRITE_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 3_000;

export class TransportError extends Error {
  constructor(
    /** printer_not_connected: nothing there to talk to; printer_failed: it stopped mid-job. */
    readonly code: 'printer_not_connected' | 'printer_failed',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new TransportError('printer_failed', `${what}: no progress for ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The usblp character device (or any file the stream may be appended to). */
export async function deviceWritable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export async function writeToDevice(path: string, bytes: Uint8Array): Promise<void> {
  let fh;
  try {
    // Never O_CREAT: a missing /dev/usb/lp0 means an unplugged printer, not a file to make.
    fh = await open(path, constants.O_WRONLY | constants.O_APPEND);
  } catch (err) {
    throw new TransportError('printer_not_connected', `${path}: ${(err as Error).message}`);
  }
  try {
    await withTimeout(fh.write(bytes), WRITE_TIMEOUT_MS, path);
  } catch (err) {
    if (err instanceof TransportError) throw err;
    throw new TransportError('printer_failed', `${path}: ${(err as Error).message}`);
  } finally {
    await fh.close().catch(() => {});
  }
}

/** Sends one job over raw TCP (port 9100) and closes; resolves when the printer took it all. */
export function writeToNetwork(host: string, port: number, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const socket = net.connect({ host, port });
    const fail = (err: Error) => {
      socket.destroy();
      reject(
        err instanceof TransportError
          ? err
          : new TransportError(
              connected ? 'printer_failed' : 'printer_not_connected',
              `${host}:${port}: ${err.message}`,
            ),
      );
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
      fail(
        new TransportError(
          connected ? 'printer_failed' : 'printer_not_connected',
          `${host}:${port}: no answer for ${CONNECT_TIMEOUT_MS} ms`,
        ),
      ),
    );
    socket.once('error', fail);
    socket.once('connect', () => {
      connected = true;
      socket.setTimeout(WRITE_TIMEOUT_MS);
      socket.end(Buffer.from(bytes), () => {
        socket.destroy();
        resolve();
      });
    });
  });
}

/** Whether a network printer answers on its port (opens and closes a connection). */
export function probeNetwork(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}
