/** Disk-full tests: writes zeros into `target` until its file system is full (ENOSPC). */
import { open } from 'node:fs/promises';
import path from 'node:path';

/** Returns the ballast file; deleting it frees the space again. */
export async function fillDisk(target: string): Promise<string> {
  const file = path.join(target, 'ballast');
  const fh = await open(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await fh.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close().catch(() => {});
  }
  return file;
}
