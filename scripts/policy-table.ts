// The route policy table in docs/SECURITY.md, generated from daemon/security/policy.ts.
//   node --import tsx scripts/policy-table.ts          print the table
//   node --import tsx scripts/policy-table.ts --write  replace it in docs/SECURITY.md
import { readFileSync, writeFileSync } from 'node:fs';
import prettier from 'prettier';
import { POLICIES } from '../daemon/security/policy.js';

export const START = '<!-- policy-table:start -->';
export const END = '<!-- policy-table:end -->';
export const DOC = 'docs/SECURITY.md';

export function policyTable(): string {
  const rows = ['| route | policy | why (public routes) |', '| --- | --- | --- |'];
  for (const [key, entry] of Object.entries(POLICIES))
    rows.push(`| \`${key}\` | ${entry.policy} | ${entry.why ?? ''} |`);
  return rows.join('\n');
}

/** The document with the current table, formatted as `npm run format` would. */
export async function withTable(doc: string): Promise<string> {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a === -1 || b === -1) throw new Error(`${DOC} has no policy-table markers`);
  const next = doc.slice(0, a + START.length) + '\n\n' + policyTable() + '\n\n' + doc.slice(b);
  const options = (await prettier.resolveConfig(DOC)) ?? {};
  return prettier.format(next, { ...options, filepath: DOC });
}

if (process.argv[1]?.endsWith('policy-table.ts')) {
  if (process.argv.includes('--write'))
    writeFileSync(DOC, await withTable(readFileSync(DOC, 'utf8')));
  else console.log(policyTable());
}
