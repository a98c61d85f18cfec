/**
 * The DSFinV-K export of a day range as tables: fetched from the running daemon with the admin
 * token, unzipped, each CSV file read as rows keyed by its header (the columns the spec names).
 */
import assert from 'node:assert/strict';
import { parseCsv } from '../../daemon/core/csv.js';
import { unzip } from './unzip.js';

export type DsfinvkTable = (file: string) => Record<string, string>[];

export async function dsfinvkTables(
  baseUrl: string,
  adminToken: string,
  from: string,
  to: string = from,
): Promise<DsfinvkTable> {
  const res = await fetch(`${baseUrl}/api/v1/admin/exports/dsfinvk.zip?from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  assert.equal(res.status, 200, `DSFinV-K export ${from}..${to}: ${res.status}`);
  const files = await unzip(Buffer.from(await res.arrayBuffer()));
  return (file) => {
    const text = files.get(file);
    assert.ok(text !== undefined, `${file} is not in the export`);
    const [head, ...rows] = parseCsv(text, ';');
    return rows.map((row) => Object.fromEntries(head.map((h, k) => [h, row[k] ?? ''])));
  };
}
