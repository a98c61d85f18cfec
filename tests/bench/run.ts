/**
 * `npm run bench`: runs every benchmark, prints one table, writes bench/results.json.
 * Not part of `npm test` (speed is measured here only). A section is one entry in SECTIONS;
 * a failing section is reported as such and does not stop the others.
 *
 *   BENCH_ONLY=scan_push,commit npm run bench     (run some sections)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/daemon.js';
import { latency, round, rowsOf, table, type Row } from './lib.js';
import { benchAddPush } from './add-push.bench.js';
import { benchHidPaint } from './hid-paint.bench.js';
import { benchScanPush } from './scan-push.bench.js';
import { benchCommit } from './commit.bench.js';
import { benchStartup } from './startup.bench.js';
import { runScannerBench } from './scanner.bench.js';
import { benchExport } from './export.bench.js';
import { benchBackup } from './backup.bench.js';
import { benchSecurity } from './security.bench.js';
import { benchFiscal } from './fiscal.bench.js';
import { benchFleet } from './fleet.bench.js';

interface Section {
  name: string;
  run(): Promise<{ rows: Row[]; raw: unknown }>;
}

const ratio = (a: number, b: number) => round(a / b, 2);

const SECTIONS: Section[] = [
  {
    name: 'add_push',
    async run() {
      const r = await benchAddPush();
      const b = 'add→push: POST cart/items → cart.updated on the till (100 other WS clients)';
      const e = 'bare loopback HTTP round trip + ws echo';
      const rows: Row[] = [
        { bench: b, metric: 'p50', value: r.add_to_push_ms.p50, unit: 'ms' },
        {
          bench: b,
          metric: 'p99',
          value: r.add_to_push_ms.p99,
          unit: 'ms',
          target: '< 5',
          ok: r.add_to_push_ms.p99 < 5,
        },
        { bench: e, metric: 'p50', value: r.bare_http_plus_echo_ms.p50, unit: 'ms' },
        { bench: e, metric: 'p99', value: r.bare_http_plus_echo_ms.p99, unit: 'ms' },
        {
          bench: b,
          metric: 'p50 / bare p50',
          value: ratio(r.add_to_push_ms.p50, r.bare_http_plus_echo_ms.p50),
          unit: 'x',
          target: '≤ 1.5',
          ok: r.add_to_push_ms.p50 <= 1.5 * r.bare_http_plus_echo_ms.p50,
        },
      ];
      return { rows, raw: r };
    },
  },
  {
    name: 'hid_paint',
    async run() {
      const r = await benchHidPaint();
      const b = 'HID report → line painted on /pos (Chromium, 800x480)';
      const rows: Row[] = [
        { bench: b, metric: 'p50', value: r.hid_to_paint_ms.p50, unit: 'ms' },
        { bench: b, metric: 'p95', value: r.hid_to_paint_ms.p95, unit: 'ms' },
        { bench: b, metric: 'max', value: r.hid_to_paint_ms.max, unit: 'ms' },
      ];
      return { rows, raw: r };
    },
  },
  {
    name: 'scan_push',
    async run() {
      const r = await benchScanPush();
      const b = 'scan→push (100 other WS clients)';
      const e = 'bare ws echo (loopback)';
      const rows: Row[] = [
        { bench: b, metric: 'p50', value: r.scan_to_push_ms.p50, unit: 'ms' },
        {
          bench: b,
          metric: 'p99',
          value: r.scan_to_push_ms.p99,
          unit: 'ms',
          target: '< 5',
          ok: r.scan_to_push_ms.p99 < 5,
        },
        { bench: e, metric: 'p50', value: r.bare_echo_ms.p50, unit: 'ms' },
        { bench: e, metric: 'p99', value: r.bare_echo_ms.p99, unit: 'ms' },
        {
          bench: b,
          metric: 'p99 / bare p99',
          value: ratio(r.scan_to_push_ms.p99, r.bare_echo_ms.p99),
          unit: 'x',
          target: '≤ 3',
          ok: r.scan_to_push_ms.p99 <= 3 * r.bare_echo_ms.p99,
        },
        {
          bench: b,
          metric: 'p50 / bare p50',
          value: ratio(r.scan_to_push_ms.p50, r.bare_echo_ms.p50),
          unit: 'x',
          target: '≤ 3',
          ok: r.scan_to_push_ms.p50 <= 3 * r.bare_echo_ms.p50,
        },
      ];
      return { rows, raw: r };
    },
  },
  {
    name: 'fiscal',
    async run() {
      const r = await benchFiscal();
      const f = 'sale commit, cash, FISCAL_PROVIDER=fake (signed by the TSE)';
      const o = 'sale commit, cash, FISCAL_PROVIDER=off (same run, taking turns)';
      const rows: Row[] = [
        { bench: f, metric: 'checkout p50', value: r.fake_ms.p50, unit: 'ms' },
        { bench: f, metric: 'checkout p99', value: r.fake_ms.p99, unit: 'ms' },
        { bench: o, metric: 'checkout p50', value: r.off_ms.p50, unit: 'ms' },
        { bench: o, metric: 'checkout p99', value: r.off_ms.p99, unit: 'ms' },
        {
          bench: f,
          metric: 'p50 fake / p50 off',
          value: ratio(r.fake_ms.p50, r.off_ms.p50),
          unit: 'x',
        },
        {
          bench: f,
          metric: 'p99 fake / p99 off',
          value: ratio(r.fake_ms.p99, r.off_ms.p99),
          unit: 'x',
        },
        {
          bench: f,
          metric: 'extra p50 per signed sale',
          value: Math.round((r.fake_ms.p50 - r.off_ms.p50) * 1000) / 1000,
          unit: 'ms',
        },
        {
          bench: f,
          metric: 'TSE signatures per sale',
          value: r.signatures / r.signed_sales,
          unit: '',
        },
      ];
      const { samples: _, ...raw } = r;
      return { rows, raw };
    },
  },
  {
    name: 'commit',
    async run() {
      // Alternating rounds, so a change in machine load does not favour one size.
      const merged = new Map<number, { commit: number[]; journal: number[]; bare: number[] }>();
      for (const lines of [1000, 1_000_000, 1000, 1_000_000]) {
        const r = await benchCommit(lines, 150);
        const m = merged.get(lines) ?? { commit: [], journal: [], bare: [] };
        m.commit.push(...r.samples.commit);
        m.journal.push(...r.samples.journal);
        m.bare.push(...r.samples.bare);
        merged.set(lines, m);
      }
      const result = (lines: number) => {
        const m = merged.get(lines)!;
        return {
          journal_lines: lines,
          commit_ms: latency(m.commit),
          journal_ms: latency(m.journal),
          bare_append_fsync_ms: latency(m.bare),
        };
      };
      const small = result(1000);
      const big = result(1_000_000);
      const rows: Row[] = [];
      for (const r of [small, big]) {
        const b = `sale commit, cash (${r.journal_lines.toLocaleString('en')} lines)`;
        rows.push(
          { bench: b, metric: 'checkout p50', value: r.commit_ms.p50, unit: 'ms' },
          { bench: b, metric: 'checkout p99', value: r.commit_ms.p99, unit: 'ms' },
          { bench: b, metric: 'journal appends p50', value: r.journal_ms.p50, unit: 'ms' },
          {
            bench: b,
            metric: 'bare append+fsync p50',
            value: r.bare_append_fsync_ms.p50,
            unit: 'ms',
          },
          {
            bench: b,
            metric: 'checkout p50 / bare p50',
            value: ratio(r.commit_ms.p50, r.bare_append_fsync_ms.p50),
            unit: 'x',
            target: '≤ 2',
            ok: r.commit_ms.p50 <= 2 * r.bare_append_fsync_ms.p50,
          },
          {
            bench: b,
            metric: 'journal p50 / bare p50',
            value: ratio(r.journal_ms.p50, r.bare_append_fsync_ms.p50),
            unit: 'x',
            target: '≤ 2',
            ok: r.journal_ms.p50 <= 2 * r.bare_append_fsync_ms.p50,
          },
        );
      }
      const b = 'sale commit, 1M vs 1k lines';
      rows.push(
        {
          bench: b,
          metric: 'checkout p50 ratio',
          value: ratio(big.commit_ms.p50, small.commit_ms.p50),
          unit: 'x',
          target: '≤ 1.3',
          ok: big.commit_ms.p50 <= 1.3 * small.commit_ms.p50,
        },
        {
          bench: b,
          metric: 'journal p50 ratio',
          value: ratio(big.journal_ms.p50, small.journal_ms.p50),
          unit: 'x',
          target: '≤ 1.3',
          ok: big.journal_ms.p50 <= 1.3 * small.journal_ms.p50,
        },
      );
      return { rows, raw: { small, big } };
    },
  },
  {
    name: 'startup',
    async run() {
      const r = await benchStartup();
      const b = `start-up, ${r.products.toLocaleString('en')} products, ${r.journal_lines.toLocaleString('en')} lines`;
      const rows: Row[] = [
        {
          bench: b,
          metric: 'warm ready',
          value: r.warm.ready_ms,
          unit: 'ms',
          target: '< 3000',
          ok: r.warm.ready_ms < 3000,
        },
        {
          bench: b,
          metric: 'warm RSS',
          value: r.warm.rss_mb,
          unit: 'MB',
          target: '< 150',
          ok: r.warm.rss_mb < 150,
        },
        { bench: b, metric: 'warm RSS peak', value: r.warm.hwm_mb, unit: 'MB' },
        { bench: b, metric: 'warm journal load', value: r.warm.journal_load_ms ?? NaN, unit: 'ms' },
        { bench: b, metric: 'warm ready, tsx', value: r.warm_tsx.ready_ms, unit: 'ms' },
        { bench: b, metric: 'warm RSS, tsx', value: r.warm_tsx.rss_mb, unit: 'MB' },
        {
          bench: b,
          metric: 'cold ready (first start, no caches)',
          value: r.cold.ready_ms,
          unit: 'ms',
          target: '< 3000',
          ok: r.cold.ready_ms < 3000,
        },
        {
          bench: b,
          metric: 'cold RSS',
          value: r.cold.rss_mb,
          unit: 'MB',
          target: '< 150',
          ok: r.cold.rss_mb < 150,
        },
        { bench: b, metric: 'cold RSS peak', value: r.cold.hwm_mb, unit: 'MB' },
        { bench: b, metric: 'cold journal load', value: r.cold.journal_load_ms ?? NaN, unit: 'ms' },
      ];
      return { rows, raw: r };
    },
  },
  {
    name: 'scanner',
    async run() {
      const r = await runScannerBench();
      return {
        rows: rowsOf('USB scanner path (HID → push)', r as unknown as Record<string, unknown>),
        raw: r,
      };
    },
  },
  {
    name: 'export',
    async run() {
      const r = await benchExport();
      return { rows: rowsOf('sales CSV export', r as unknown as Record<string, unknown>), raw: r };
    },
  },
  {
    name: 'backup',
    async run() {
      const r = await benchBackup();
      return { rows: rowsOf('backup / restore', r as unknown as Record<string, unknown>), raw: r };
    },
  },
  {
    name: 'security',
    async run() {
      const r = await benchSecurity();
      return {
        rows: rowsOf('security (IP whitelist, auth)', r as unknown as Record<string, unknown>),
        raw: r,
      };
    },
  },
  {
    name: 'fleet',
    async run() {
      const r = await benchFleet();
      const ship = `fleet: ${r.backlog_entries} journal entries into a local PostgreSQL (fsync on)`;
      const co = 'fleet: cash checkout, shipping off / on (alternating rounds) / catching up';
      const rows: Row[] = [
        { bench: ship, metric: 'catch-up time', value: r.catch_up_s, unit: 's' },
        { bench: ship, metric: 'throughput', value: r.entries_per_s, unit: 'entries/s' },
        {
          bench: ship,
          metric: 'bare jsonb insert, same batches',
          value: r.bare_insert_entries_per_s,
          unit: 'entries/s',
        },
        { bench: co, metric: 'off p50', value: r.checkout_ms.off.p50, unit: 'ms' },
        { bench: co, metric: 'on p50', value: r.checkout_ms.on.p50, unit: 'ms' },
        {
          bench: co,
          metric: 'catching up p50',
          value: r.checkout_ms.on_catching_up.p50,
          unit: 'ms',
        },
        { bench: co, metric: 'off p99', value: r.checkout_ms.off.p99, unit: 'ms' },
        { bench: co, metric: 'on p99', value: r.checkout_ms.on.p99, unit: 'ms' },
        {
          bench: co,
          metric: 'catching up p99',
          value: r.checkout_ms.on_catching_up.p99,
          unit: 'ms',
        },
        {
          bench: co,
          metric: `on / off, median of ${r.ratios.rounds} rounds' p50 ratios`,
          value: r.ratios.median_on_off,
          unit: 'x',
          target: '≤ 1.2 (noise)',
          ok: r.ratios.median_on_off <= 1.2,
        },
        {
          // In one process the catch-up's work lands on the off daemon's turns too: no target.
          bench: co,
          metric: `catching up / off beside it (one process), median of ${r.ratios.rounds} rounds`,
          value: r.ratios.median_catching_up_off,
          unit: 'x',
        },
        {
          bench: co,
          metric: 'off p50 while another daemon of the process catches up',
          value: r.checkout_ms.off_beside_catching_up.p50,
          unit: 'ms',
        },
        ...(['start', 'rounds', 'end'] as const).map((at) => ({
          bench: co,
          metric: `load average (1 min) at ${at === 'rounds' ? 'the latency rounds' : at}`,
          value: r.load_average[at],
          unit: '',
        })),
      ];
      return { rows, raw: r };
    },
  },
];

const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const machine = {
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  load_average_at_start: loadavg().map((x) => round(x, 2)),
};
const rows: Row[] = [];
const raw: Record<string, unknown> = {};
for (const s of SECTIONS) {
  if (only.length && !only.includes(s.name)) continue;
  process.stderr.write(`bench: ${s.name}…\n`);
  try {
    const r = await s.run();
    rows.push(...r.rows);
    raw[s.name] = r.raw;
  } catch (err) {
    process.stderr.write(`bench: ${s.name} failed: ${(err as Error)?.stack ?? err}\n`);
    rows.push({ bench: s.name, metric: 'FAILED', value: NaN, unit: '', ok: false });
    raw[s.name] = { error: String((err as Error)?.message ?? err) };
  }
}
console.log(table(rows));
console.log(
  `\nmachine: ${machine.cpus} × ${machine.cpu_model}, node ${machine.node}, load average at start ${machine.load_average_at_start.join(' ')}`,
);
const out = path.join(ROOT, 'bench', 'results.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify({ at: new Date().toISOString(), machine, rows, raw }, null, 1) + '\n',
);
console.log(`written: ${path.relative(ROOT, out)}`);
