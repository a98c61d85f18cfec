/**
 * A small POSIX ustar writer and reader (IEEE Std 1003.1 "pax" ustar header layout), enough
 * for backups: regular files only, names up to 255 bytes (prefix + name), sizes up to 8 GiB.
 * The reader is streaming: it yields one entry at a time from any byte stream.
 */

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 octal digits, then NUL.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  const cut = name.lastIndexOf('/', 155);
  if (
    cut <= 0 ||
    Buffer.byteLength(name.slice(cut + 1)) > 100 ||
    Buffer.byteLength(name.slice(0, cut)) > 155
  )
    throw new RangeError(`tar: name too long: ${name}`);
  return { prefix: name.slice(0, cut), name: name.slice(cut + 1) };
}

/** The 512-byte header of a regular file. */
export function tarHeader(path: string, size: number, mtimeMs: number, mode = 0o640): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { prefix, name } = splitName(path);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii');
  h.write(octal(0, 8), 116, 8, 'ascii');
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii'); // checksum counts as spaces while summing
  h.write('0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('pos', 265, 32, 'ascii');
  h.write('pos', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** Header, data and padding of one file. */
export function tarEntry(path: string, data: Buffer, mtimeMs: number): Buffer[] {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return [tarHeader(path, data.length, mtimeMs), data, Buffer.alloc(pad)];
}

/** End of archive: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}

export class TarError extends Error {
  constructor(message: string) {
    super(`tar: ${message}`);
    this.name = 'TarError';
  }
}

export interface TarEntry {
  path: string;
  size: number;
  data: Buffer;
}

function field(h: Buffer, off: number, len: number): string {
  const raw = h.subarray(off, off + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function parseOctal(h: Buffer, off: number, len: number, what: string): number {
  const s = field(h, off, len).trim();
  if (!/^[0-7]+$/.test(s)) throw new TarError(`bad ${what} field`);
  return parseInt(s, 8);
}

/**
 * Reads entries from a byte stream. Refuses anything but regular files and directories
 * (directories are skipped), bad checksums, and entries over `maxEntryBytes`.
 */
export async function* readTar(
  source: AsyncIterable<Buffer>,
  opts: { maxEntryBytes: number },
): AsyncGenerator<TarEntry> {
  let buf: Buffer = Buffer.alloc(0);
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  // Gathers chunks until n bytes are buffered, then joins them once (linear in entry size).
  const need = async (n: number): Promise<boolean> => {
    if (buf.length >= n) return true;
    const parts: Buffer[] = [buf];
    let total = buf.length;
    while (total < n && !ended) {
      const r = await it.next();
      if (r.done) ended = true;
      else {
        parts.push(r.value);
        total += r.value.length;
      }
    }
    buf = Buffer.concat(parts, total);
    return total >= n;
  };
  for (;;) {
    if (!(await need(BLOCK))) throw new TarError('archive ends without its end marker');
    const h = buf.subarray(0, BLOCK);
    if (h.every((b) => b === 0)) return;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (parseOctal(h, 148, 8, 'checksum') !== sum) throw new TarError('header checksum mismatch');
    if (field(h, 257, 6) !== 'ustar') throw new TarError('not a ustar archive');
    const name = field(h, 0, 100);
    const prefix = field(h, 345, 155);
    const path = prefix ? `${prefix}/${name}` : name;
    const size = parseOctal(h, 124, 12, 'size');
    const type = String.fromCharCode(h[156] || 0x30);
    if (size > opts.maxEntryBytes)
      throw new TarError(`${path} is larger than ${opts.maxEntryBytes} bytes`);
    buf = buf.subarray(BLOCK);
    const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (!(await need(padded))) throw new TarError(`${path} is cut short`);
    const data = Buffer.from(buf.subarray(0, size));
    buf = buf.subarray(padded);
    if (type === '5') continue;
    if (type !== '0') throw new TarError(`${path}: only regular files are allowed (type ${type})`);
    yield { path, size, data };
  }
}
