/**
 * The scanners module: USB HID scanners (node-hid, lazily), hotplug, pairing and routing,
 * and the scanner list the admin and the WebSocket snapshot show. Network scans enter
 * through scan() from the HTTP routes; HID scans come from the manager.
 */
import { hasBidiControl } from '../core/text.js';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Health, ScannerInfo } from '../protocol.js';
import type { Settings } from '../settings/index.js';
import type { Store } from '../store/index.js';
import { vidPid, type HidBackend, type HidDeviceInfo, type HidKind } from './device.js';
import { HidManager } from './hid-manager.js';
import { combinedHotplug, firstLine, hidrawHotplug, usbHotplug, type Hotplug } from './hotplug.js';
import { Rescans } from './rescans.js';
import { splitAim } from './aim.js';
import { ADOPT_REQUEST_FILE, adoptionLine, appendAdoptionRequest } from './adoption.js';
import { compositeBackend, loadNodeHid } from './node-hid-backend.js';
import { PairingSecrets } from './pairing-secret.js';
import { PairingStore } from './pairings.js';
import { usbPortPath } from './port-path.js';
import type { Layout } from './keymaps.js';
import { learnLayout } from './layout-learning.js';
import { ScannerList, resolveListPath } from './scanner-list.js';
import { listKeyboards, listScanners, type ListingSources } from './listing.js';
import { ScanRouter, type ScanResult, type ScanSink } from './router.js';
import { ScannerSettings, type DeviceSettings } from './settings.js';
import { SimulatedBackend } from './simulator.js';
import { simulateScan } from './simulate.js';
import { systemTimers, type Timers } from './timers.js';

export type { ScanSink, ScanRequest, ScanOutcome, ScanResult } from './router.js';

/** Longest scan passed on (network scans have the same limit). */
export const MAX_SCAN_CHARS = 512;
/** Network scanner ids remembered in memory (most recent first out when full). */
export const MAX_NETWORK_SEEN = 200;
export { ADOPT_REQUEST_FILE } from './adoption.js';

export interface ScannersDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  events: EventBus;
  store: Store;
  settings: Settings;
  sink: ScanSink;
  timers?: Timers;
  /** Replaces node-hid (tests); null = no HID at all. */
  backend?: HidBackend | null;
  /** How node-hid is loaded (tests simulate a laptop without it). */
  loadHid?: () => Promise<HidBackend>;
  hotplug?: Hotplug;
  portPath?: (hidPath: string) => Promise<string | null>;
}

export class Scanners {
  readonly name = 'scanners';
  readonly secrets: PairingSecrets;
  readonly router: ScanRouter;
  readonly prefs: ScannerSettings;
  /** Known scanner vendors/models (scanners.list, shared with the udev rules). */
  readonly knownList: ScannerList;
  /** The demo simulator when SCANNER_SIMULATOR=1. */
  readonly simulator: SimulatedBackend | null;
  manager: HidManager | null = null;
  private hidAvailable = false;
  private hidMessage: string | undefined;
  private readonly rescans: Rescans;
  private lastSeen = new Map<string, number>();
  private networkSeen = new Map<string, number>();
  private readonly timers: Timers;
  private readonly log: Logger;
  private stopped = false;

  private constructor(
    private readonly deps: ScannersDeps,
    readonly pairings: PairingStore,
  ) {
    const { config } = deps;
    this.log = deps.log.child('scanners');
    this.timers = deps.timers ?? systemTimers;
    this.rescans = new Rescans(this.timers, () => this.manager);
    this.prefs = new ScannerSettings(deps.settings, config.scannerKeyboardLayout);
    this.secrets = new PairingSecrets({
      prefix: config.scannerPairingPrefix,
      signingSecret: config.scannerPairingSigningSecret,
      maxLength: config.scannerPairingBarcodeMaxLength,
      maxAgeDays: config.scannerPairingMaxAgeDays,
      clock: deps.clock,
      handles: pairings,
    });
    this.router = new ScanRouter({
      secrets: this.secrets,
      pairings,
      sink: deps.sink,
      events: deps.events,
      clock: deps.clock,
      log: this.log,
      defaultTerminalId: config.defaultTerminalId,
      onPairingChanged: () => this.changed(),
    });
    this.simulator = config.scannerSimulator ? new SimulatedBackend() : null;
    this.knownList = new ScannerList(resolveListPath(config.scannerList), (m) => this.log.warn(m));
  }

  /** Opens pairings.json (so health reports it from the start). */
  static async create(deps: ScannersDeps): Promise<Scanners> {
    return new Scanners(deps, await PairingStore.open(deps.store));
  }

  async start(): Promise<void> {
    this.stopped = false;
    const backends: HidBackend[] = [];
    if (this.deps.backend !== undefined) {
      if (this.deps.backend) backends.push(this.deps.backend);
      this.hidAvailable = this.deps.backend !== null;
    } else {
      try {
        backends.push(await (this.deps.loadHid ?? loadNodeHid)());
        this.hidAvailable = true;
      } catch (err) {
        this.hidMessage = `node-hid could not load: ${firstLine(err)}`;
        this.log.warn(
          `USB HID scanners unavailable (${this.hidMessage}); network scanners and manual entry still work`,
        );
      }
    }
    if (this.simulator) backends.push(this.simulator);
    this.deps.events.on(this, 'settings.changed', ({ keys }) => {
      if (keys.includes('scanners')) void this.manager?.applyPrefs();
    });
    this.knownList.refresh();
    this.log.info(
      `scanner list ${this.knownList.file}: ${this.knownList.describe().join(' ') || 'empty'}`,
    );
    if (backends.length === 0) return;
    this.manager = new HidManager({
      backend: backends.length === 1 ? backends[0] : compositeBackend(backends),
      log: this.log,
      clock: this.deps.clock,
      timers: this.timers,
      gapMs: this.deps.config.scannerGapMs,
      known: (info) => this.knownList.has(info.vendorId, info.productId),
      beforeScan: () => this.knownList.refresh(),
      prefs: (id) => this.prefs.prefs(id),
      portPath: this.deps.portPath ?? ((p) => usbPortPath(p)),
      onScan: (id, scan, kind) => void this.hidScan(id, scan.barcode, scan.aim, kind, scan.typed),
      onChange: () => this.changed(),
    });
    // An edited scanner list (the operator, or an adoption) applies without a restart.
    this.knownList.watch(() => void this.manager?.rescan().then(() => this.changed()));
    if (this.hidAvailable) {
      const polling = await this.rescans.start(
        this.deps.hotplug ?? combinedHotplug([hidrawHotplug(), usbHotplug()]),
      );
      if (polling) {
        this.hidMessage = polling;
        this.log.info(polling);
      }
    }
    await this.manager.rescan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.events.offOwner(this);
    this.knownList.unwatch();
    await this.rescans.stop();
    await this.manager?.stop();
    this.manager = null;
    await this.router.idle();
  }

  private async hidScan(
    id: string,
    barcode: string,
    aim: string | null,
    kind: HidKind,
    typed?: Uint8Array[],
  ): Promise<void> {
    this.lastSeen.set(id, this.deps.clock.now());
    let learned: Layout | null = null;
    if (kind === 'keyboard' && typed) {
      const current = this.prefs.prefs(id).layout;
      const l = learnLayout(typed, current, {
        isPairingValue: (v) => this.router.isPairingValue(v),
        verifies: (v) => this.secrets.verify(v).ok,
      });
      if (l.kind === 'layout_test') {
        this.log.info(`scanner ${id}: layout test read as ${l.layout}`);
        await this.learnLayout(id, l.layout);
        return;
      }
      if (l.kind === 'pairing') {
        barcode = l.text;
        if (l.verified && l.layout !== current) learned = l.layout;
      }
    }
    if (!aim) ({ symbology: aim, barcode } = splitAim(barcode));
    if (barcode.length > MAX_SCAN_CHARS) {
      // Same bound as the network API; a code this long is no product and no pairing code.
      this.log.warn(
        `scan from ${id} dropped: ${barcode.length} characters (max ${MAX_SCAN_CHARS})`,
      );
      return;
    }
    if (hasBidiControl(barcode))
      return this.log.warn(`scan from ${id} dropped: it holds bidirectional control characters`);
    const shown = this.router.isPairingValue(barcode) ? '(pairing code)' : barcode;
    this.log.info(`scan from ${id} (${kind}${aim ? ` ${aim}` : ''}): ${shown}`);
    // Routed first (keeps the scanner's order), then the learned layout is saved.
    const routed = this.router.handle(id, barcode, kind, aim);
    if (learned) {
      this.log.info(`scanner ${id}: keyboard layout ${learned} learned from the pairing code`);
      await this.learnLayout(id, learned);
    }
    await routed;
  }

  /** The reader decodes in the new layout at once; the setting is saved for next time. */
  private async learnLayout(id: string, layout: Layout): Promise<void> {
    this.manager?.readerOf(id)?.setLayout(layout);
    try {
      await this.prefs.patch(id, { layout, kind: 'keyboard' });
    } catch (err) {
      this.log.warn(`scanner ${id}: learned layout ${layout} not saved: ${firstLine(err)}`);
    }
    this.changed();
  }

  /** A scan from the network API (already authenticated). */
  async networkScan(scannerId: string, barcode: string): Promise<ScanResult> {
    const now = this.deps.clock.now();
    const isNew = !this.networkSeen.has(scannerId);
    this.networkSeen.delete(scannerId);
    this.networkSeen.set(scannerId, now);
    if (this.networkSeen.size > MAX_NETWORK_SEEN) {
      const oldest = this.networkSeen.keys().next().value!;
      this.networkSeen.delete(oldest);
      this.lastSeen.delete(oldest);
    }
    this.lastSeen.set(scannerId, now);
    if (isNew) this.changed();
    const { symbology, barcode: data } = splitAim(barcode);
    return this.router.handle(scannerId, data, 'network', symbology);
  }

  isEnabled(id: string): boolean {
    return this.prefs.prefs(id).enabled;
  }

  private changed(): void {
    if (this.stopped) return;
    this.deps.events.emit('scanners.changed', { scanners: this.list() });
  }

  /** What the scanner list is built from, as of now (listing.ts). */
  private sources(): ListingSources {
    const pairings = this.pairings;
    return {
      now: this.deps.clock.now(),
      attached: this.manager?.attached() ?? [],
      keyboards: this.manager?.keyboards() ?? [],
      networkSeen: this.networkSeen,
      lastSeen: this.lastSeen,
      devices: this.prefs.devices(),
      prefs: (id) => this.prefs.prefs(id),
      pairedIds: Object.keys(pairings.all()),
      terminalOf: (id) => pairings.terminalOf(id),
      pairedKind: (id) => pairings.kindOf(id),
      onList: (vid, pid) => this.knownList.has(vid, pid),
    };
  }

  /** Every scanner: attached HID scanners, network scanners seen, and remembered ones. */
  list(): ScannerInfo[] {
    return listScanners(this.sources());
  }

  /** Keyboard-class devices attached but not read; those that typed like a scanner say so. */
  keyboards(): ScannerInfo[] {
    return listKeyboards(this.sources());
  }

  /** Known id (listed, a keyboard candidate, or remembered)? */
  knows(id: string): boolean {
    return this.list().some((s) => s.id === id) || this.keyboards().some((k) => k.id === id);
  }

  /** Admin changes: name, layout, enabled, "is a scanner", or forgetting the pairing. */
  async patch(id: string, change: DeviceSettings & { unpair?: boolean }): Promise<void> {
    const { unpair, ...settings } = change;
    const unread = this.manager?.keyboards().find((k) => k.id === id);
    const kind = this.list().find((s) => s.id === id)?.kind ?? (unread ? 'keyboard' : undefined);
    if (Object.keys(settings).length)
      await this.prefs.patch(id, { ...settings, ...(kind ? { kind } : {}) });
    if (settings.is_scanner === true && unread) await this.requestListing(id, unread.info);
    if (unpair) {
      const previous = await this.pairings.unpair(id);
      if (previous) this.log.info(`scanner ${id} unpaired from ${previous} by admin`);
    }
    await this.manager?.applyPrefs();
    this.changed();
  }

  /** An adopted keyboard is read at once; its VID:PID is asked onto scanners.list (adoption.ts). */
  private async requestListing(id: string, info: HidDeviceInfo): Promise<void> {
    if (this.knownList.has(info.vendorId, info.productId)) return;
    const file = this.deps.store.path(ADOPT_REQUEST_FILE);
    try {
      await appendAdoptionRequest(file, adoptionLine(info, this.deps.clock.now()));
      this.log.info(
        `scanner ${id} adopted; asked for ${vidPid(info)} on the scanner list (${file})`,
      );
    } catch (err) {
      this.log.warn(`scanner ${id} adopted, but ${file} could not be written: ${firstLine(err)}`);
    }
  }

  /** Withdraws every pairing code shown so far (pairings stay); terminals show new ones. */
  async revokePairingCodes(): Promise<void> {
    await this.pairings.revokeAll();
    this.log.info('all pairing codes withdrawn by admin');
  }

  health(h: Health): void {
    h.scanners = { attached: this.manager?.openCount ?? 0, hid_available: this.hidAvailable };
    if (this.hidMessage) h.scanners.message = this.hidMessage;
  }

  /** Demo simulator: plug a virtual device (if needed) and feed it reports (simulate.ts). */
  async simulate(
    device: Omit<HidDeviceInfo, 'path' | 'interface'>,
    reports: Buffer[],
    descriptor?: Uint8Array,
    intervalMs = 0,
  ): Promise<{ scanner_id: string | null; fed: boolean }> {
    if (!this.simulator || !this.manager) throw new Error('simulator is off');
    const parts = { simulator: this.simulator, manager: this.manager, router: this.router };
    return simulateScan(parts, device, reports, descriptor, intervalMs);
  }

  async unplugSimulated(device: Omit<HidDeviceInfo, 'path' | 'interface'>): Promise<void> {
    if (!this.simulator || !this.manager) return;
    const path = this.simulator.plug(device);
    this.simulator.unplug(path);
    await this.manager.rescan();
  }
}
