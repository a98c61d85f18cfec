/** Ground floor: the package root and the daemon's version (package.json). */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const VERSION: string = JSON.parse(
  readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'),
).version;

function findPackageRoot(dir: string): string {
  let d = dir;
  for (let i = 0; i < 6; i++) {
    try {
      readFileSync(path.join(d, 'package.json'));
      return d;
    } catch {
      d = path.dirname(d);
    }
  }
  return process.cwd();
}
