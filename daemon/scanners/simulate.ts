/**
 * The demo simulator's scan (SCANNER_SIMULATOR=1, also the API tests and benches): plugs a
 * virtual device if it is not there yet, lets the manager find it, and feeds it reports.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HidDeviceInfo } from './device.js';
import type { HidManager } from './hid-manager.js';
import type { ScanRouter } from './router.js';
import type { SimulatedBackend } from './simulator.js';

export async function simulateScan(
  parts: { simulator: SimulatedBackend; manager: HidManager; router: ScanRouter },
  device: Omit<HidDeviceInfo, 'path' | 'interface'>,
  reports: Buffer[],
  descriptor: Uint8Array | undefined,
  intervalMs: number,
): Promise<{ scanner_id: string | null; fed: boolean }> {
  const { simulator, manager, router } = parts;
  const path = simulator.plug(device, descriptor);
  await manager.rescan();
  const entry = manager.attached().find((a) => a.info.path === path);
  const keyboard = manager.keyboards().find((k) => k.info.path === path);
  // Reports one by one, `intervalMs` apart (a person typing), or all at once (a scanner).
  const feed = async () => {
    if (intervalMs <= 0) return simulator.feed(path, reports);
    let ok = true;
    for (const r of reports) {
      ok = simulator.feed(path, [r]) && ok;
      await sleep(intervalMs);
    }
    return ok;
  };
  if (!entry) {
    // An unread keyboard is only watched (timing); feed its probe, read nothing.
    if (keyboard) await feed();
    return { scanner_id: keyboard?.id ?? null, fed: false };
  }
  const fed = await feed();
  await router.idle();
  return { scanner_id: entry.id, fed };
}
