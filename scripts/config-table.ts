// The README configuration table, generated from daemon/config.ts (the single source of truth).
//   node --import tsx scripts/config-table.ts          print the table
//   node --import tsx scripts/config-table.ts --write  replace it in README.md between the markers
import { readFileSync, writeFileSync } from 'node:fs';
import { VARS } from '../daemon/config.js';

export const START = '<!-- config-table:start -->';
export const END = '<!-- config-table:end -->';

export function configTable(): string {
  const rows = ['| Variable | Default | Meaning |', '| --- | --- | --- |'];
  for (const v of VARS) {
    if (v.documented === false) continue;
    const def =
      typeof v.def === 'function'
        ? `\`${v.def({})}\` (demo), ${v.def({ APP_ENV: 'production' }) ? '`' + v.def({ APP_ENV: 'production' }) + '`' : 'required'} (production)`
        : v.def
          ? `\`${v.def}\``
          : '—';
    rows.push(`| \`${v.name}\` | ${def} | ${v.doc} |`);
  }
  return rows.join('\n');
}

if (process.argv[1]?.endsWith('config-table.ts')) {
  if (process.argv.includes('--write')) {
    const readme = readFileSync('README.md', 'utf8');
    const a = readme.indexOf(START);
    const b = readme.indexOf(END);
    if (a === -1 || b === -1) throw new Error('README.md has no config-table markers');
    writeFileSync(
      'README.md',
      readme.slice(0, a + START.length) + '\n\n' + configTable() + '\n\n' + readme.slice(b),
    );
  } else console.log(configTable());
}
