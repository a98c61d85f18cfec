/**
 * Tar helpers for tests, on tar-stream (the library the daemon uses): read every entry of an
 * archive into memory, and build archives entry by entry, bad ones included.
 */
import { extract, pack, type Header } from 'tar-stream';

export interface TarFile {
  path: string;
  size: number;
  data: Buffer;
  type?: Header['type'];
}

/** All entries of an (uncompressed) tar, in order. */
export async function readTarEntries(tar: Buffer): Promise<TarFile[]> {
  const ex = extract();
  const out: TarFile[] = [];
  const done = (async () => {
    for await (const entry of ex) {
      const parts: Buffer[] = [];
      for await (const c of entry) parts.push(c as Buffer);
      out.push({
        path: entry.header.name,
        size: entry.header.size,
        data: Buffer.concat(parts),
        type: entry.header.type,
      });
    }
  })();
  ex.end(tar);
  await done;
  return out;
}

export interface TarInput {
  path: string;
  data?: Buffer;
  /** Declared size when no data is given (entries streamed by the caller). */
  type?: Header['type'];
  linkname?: string;
}

/** An uncompressed tar of the given entries. */
export async function buildTar(files: TarInput[], mtime = new Date()): Promise<Buffer> {
  const p = pack();
  const parts: Buffer[] = [];
  const out = (async () => {
    for await (const c of p) parts.push(c as Buffer);
  })();
  for (const f of files) {
    await new Promise<void>((resolve, reject) =>
      p.entry(
        {
          name: f.path,
          mtime,
          mode: f.type === 'directory' ? 0o750 : 0o640,
          type: f.type ?? 'file',
          linkname: f.linkname,
        },
        f.data ?? Buffer.alloc(0),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  p.finalize();
  await out;
  return Buffer.concat(parts);
}

/**
 * A .tar.gz whose entries are `size` zero bytes each, gzip'd while generated (never held
 * whole in memory): the decompression bomb of issue 19 (a few hundred KB that unpack to
 * hundreds of MiB). `tail` entries (e.g. a manifest) follow as they are.
 */
export async function zeroBomb(
  entries: Array<{ path: string; size: number }>,
  tail: TarInput[] = [],
): Promise<Buffer> {
  const { createGzip } = await import('node:zlib');
  const p = pack();
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((resolve, reject) => {
    gz.on('end', resolve);
    gz.on('error', reject);
  });
  p.pipe(gz);
  const zeros = Buffer.alloc(1 << 20);
  for (const e of entries) {
    const sink = p.entry({ name: e.path, size: e.size, mode: 0o640, mtime: new Date() });
    for (let left = e.size; left > 0; left -= zeros.length) {
      const chunk = zeros.subarray(0, Math.min(left, zeros.length));
      if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => {
      sink.once('error', reject);
      sink.end(() => resolve());
    });
  }
  for (const f of tail)
    await new Promise<void>((resolve, reject) =>
      p.entry({ name: f.path, mode: 0o640 }, f.data ?? Buffer.alloc(0), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  p.finalize();
  await ended;
  return Buffer.concat(parts);
}
