/**
 * Security costs on the request path: the whitelist decision with a large list (500 entries,
 * addresses and ranges) per call, a POS API read with the list off vs. on (full daemon), a
 * PIN check (scrypt) and one audit append+fsync. Run alone: node --import tsx
 * tests/bench/security.bench.ts
 */
import { tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { latency, round, type Latency } from './lib.js';
import { parseRange, rangeMatcher } from '../../daemon/security/ip-match.js';
import { hashPin, verifyPin } from '../../daemon/security/pin-hash.js';
import { createLogger } from '../../daemon/log.js';
import { AuditLog } from '../../daemon/security/audit.js';
import { systemClock } from '../../daemon/clock.js';

export interface SecurityResult {
  matcher_500_entries_us: number;
  api_read_list_off_ms: Latency;
  api_read_list_on_ms: Latency;
  pin_verify_ms: Latency;
  audit_append_fsync_ms: Latency;
}

function entries(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      i % 3 === 0
        ? `10.${i >> 8}.${i & 255}.0/24`
        : i % 3 === 1
          ? `192.168.${i & 255}.${(i >> 8) + 1}`
          : `2001:db8:${i.toString(16)}::/48`,
    );
  }
  return out;
}

async function timeRequests(
  url: string,
  headers: Record<string, string>,
  n: number,
): Promise<Latency> {
  const times: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`bench request answered ${res.status}`);
    if (i >= 20) times.push(performance.now() - t0);
  }
  return latency(times);
}

export async function benchSecurity(n = 300): Promise<SecurityResult> {
  const list = entries(500);
  const match = rangeMatcher(list.map((e) => parseRange(e)));
  const probes = ['10.1.44.9', '192.168.7.3', '2001:db8:1f3::1', '172.16.0.1', '::ffff:10.0.3.1'];
  const loops = 200_000;
  for (let i = 0; i < loops; i++) match(probes[i % probes.length]); // warm-up (JIT)
  const t0 = performance.now();
  for (let i = 0; i < loops; i++) match(probes[i % probes.length]);
  const matcherUs = round(((performance.now() - t0) * 1000) / loops);

  // A trusted proxy on loopback lets the bench speak as a listed LAN address.
  const d = await startDaemon({ env: { LOG_LEVEL: 'warn', TRUST_PROXY: '127.0.0.1' } });
  let off: Latency;
  let on: Latency;
  try {
    const url = `${d.url}/api/v1/products`;
    const lan = { 'x-forwarded-for': '192.168.200.1' };
    off = await timeRequests(url, lan, n);
    const allowed = [...list, '192.168.200.0/24'].map((ip) => ({ ip, name: 'bench' }));
    const put = await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { enabled: true, allowed_ips: allowed.slice(-500) },
    });
    if (put.status !== 200) throw new Error(`enabling the list failed: ${put.text}`);
    on = await timeRequests(url, lan, n);
  } finally {
    await d.stop();
  }

  const stored = await hashPin('482913');
  const pinTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await verifyPin(i % 2 ? '482913' : '000000', stored);
    pinTimes.push(performance.now() - t);
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'pos-bench-audit-'));
  const audit = new AuditLog(
    dir,
    systemClock,
    createLogger('error', (line) => {
      throw new Error(line);
    }),
  );
  const auditTimes: number[] = [];
  try {
    for (let i = 0; i < 120; i++) {
      const t = performance.now();
      await audit.append({
        actor: 'admin',
        ip: '127.0.0.1',
        action: 'bench',
        before: null,
        after: { i },
      });
      if (i >= 20) auditTimes.push(performance.now() - t);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  return {
    matcher_500_entries_us: matcherUs,
    api_read_list_off_ms: off,
    api_read_list_on_ms: on,
    pin_verify_ms: latency(pinTimes),
    audit_append_fsync_ms: latency(auditTimes),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSecurity(), null, 1));
}
