/**
 * The `scanners` section of settings.json: per-scanner name, keyboard layout, enabled, and
 * the "is a scanner" mark that lets a keyboard-class device be read. Unknown or bad values
 * fall back to defaults instead of stopping the daemon (settings can be hand-edited).
 */
import type { Settings } from '../settings/index.js';
import { isLayout, type Layout } from './keymaps.js';

export const SECTION = 'scanners';

export interface DeviceSettings {
  name?: string;
  layout?: Layout;
  enabled?: boolean;
  is_scanner?: boolean;
  /** Remembered so a scanner that is not attached is still listed with its kind. */
  kind?: 'hid_pos' | 'keyboard' | 'network';
}

export interface ScannersSection {
  devices: Record<string, DeviceSettings>;
}

export const SECTION_DEFAULTS: ScannersSection = { devices: {} };

/** At most this many scanners remembered in settings. */
export const MAX_DEVICE_SETTINGS = 500;

export interface ResolvedPrefs {
  name: string | null;
  layout: Layout;
  enabled: boolean;
  isScanner: boolean;
}

export class ScannerSettings {
  constructor(
    private readonly settings: Settings,
    private readonly defaultLayout: Layout,
  ) {}

  devices(): Record<string, DeviceSettings> {
    const d = this.settings.section<ScannersSection>(SECTION, SECTION_DEFAULTS).devices;
    return d && typeof d === 'object' ? d : {};
  }

  prefs(id: string): ResolvedPrefs {
    const s = this.devices()[id] ?? {};
    return {
      name: typeof s.name === 'string' && s.name ? s.name : null,
      layout: isLayout(s.layout) ? s.layout : this.defaultLayout,
      enabled: s.enabled !== false,
      isScanner: s.is_scanner === true,
    };
  }

  async patch(id: string, change: DeviceSettings): Promise<void> {
    await this.settings.update<ScannersSection>(SECTION, SECTION_DEFAULTS, (cur) => {
      const devices = { ...(cur.devices ?? {}) };
      if (!devices[id] && Object.keys(devices).length >= MAX_DEVICE_SETTINGS) {
        throw new RangeError(`at most ${MAX_DEVICE_SETTINGS} scanners can have settings`);
      }
      const next: DeviceSettings = { ...(devices[id] ?? {}), ...change };
      for (const k of Object.keys(next) as Array<keyof DeviceSettings>) {
        if (next[k] === undefined) delete next[k];
      }
      devices[id] = next;
      return { ...cur, devices };
    });
  }
}
