/**
 * Editing the POS IP whitelist: rows of {ip, name}; the daemon validates and names the first
 * bad row in `error.field` as `allowed_ips[<index>].<ip|name>`, which maps back onto a row.
 */
export interface IpRow {
  ip: string;
  name: string;
}

export interface RowError {
  index: number;
  field: 'ip' | 'name' | 'row';
  message: string;
}

export function rowErrorFromField(field: string | undefined, message: string): RowError | null {
  const m = /^allowed_ips\[(\d+)\](?:\.(ip|name))?$/.exec(field ?? '');
  if (!m) return null;
  return { index: Number(m[1]), field: (m[2] as 'ip' | 'name' | undefined) ?? 'row', message };
}

/** Rows as sent: trimmed, fully empty rows dropped (an untouched "add row"). */
export function rowsForSave(rows: IpRow[]): { rows: IpRow[]; index: number[] } {
  const out: IpRow[] = [];
  const index: number[] = [];
  rows.forEach((r, i) => {
    const ip = r.ip.trim();
    const name = r.name.trim();
    if (!ip && !name) return;
    out.push({ ip, name });
    index.push(i);
  });
  return { rows: out, index };
}

/** Adds the caller's own address unless it is already listed. */
export function addIp(rows: IpRow[], ip: string, name: string): IpRow[] {
  if (rows.some((r) => r.ip.trim() === ip)) return rows;
  const blank = rows.findIndex((r) => !r.ip.trim() && !r.name.trim());
  if (blank >= 0) return rows.map((r, i) => (i === blank ? { ip, name } : r));
  return [...rows, { ip, name }];
}

export function sameRows(a: IpRow[], b: IpRow[]): boolean {
  return JSON.stringify(rowsForSave(a).rows) === JSON.stringify(rowsForSave(b).rows);
}
