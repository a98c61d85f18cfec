/** Shared bench helpers: latency statistics, the result row format of `npm run bench`, a lean
 *  WebSocket client. */
import WebSocket from 'ws';

export interface Row {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** Plain-words target, e.g. "< 5" or "≤ 3x bare". */
  target?: string;
  ok?: boolean;
}

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function latency(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    n: s.length,
    p50: round(q(0.5)),
    p99: round(q(0.99)),
    max: round(s[s.length - 1]),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function table(rows: Row[]): string {
  const head = ['bench', 'metric', 'value', 'unit', 'target', 'ok'];
  const cells = rows.map((r) => [
    r.bench,
    r.metric,
    String(r.value),
    r.unit,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(width[i])).join('  ');
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Flattens a bench's result object into rows (for benches that return plain numbers). */
export function rowsOf(bench: string, obj: Record<string, unknown>, prefix = ''): Row[] {
  const out: Row[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'number') out.push({ bench, metric: prefix + k, value: v, unit: '' });
    else if (v && typeof v === 'object')
      out.push(...rowsOf(bench, v as Record<string, unknown>, `${prefix}${k}.`));
  }
  return out;
}

/** A lean WebSocket client: resolves the next message without scanning a history. */
export async function openClient(url: string): Promise<{ ws: WebSocket; next(): Promise<string> }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let waiting: ((s: string) => void) | null = null;
  const queue: string[] = [];
  ws.on('message', (data) => {
    const s = data.toString();
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(s);
    } else queue.push(s);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    next: () =>
      queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => (waiting = r)),
  };
}
