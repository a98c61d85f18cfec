/**
 * Over-the-air updates, the daemon's side (docs/UPDATES.md). The daemon runs as user pos and
 * cannot install: it receives a bundle (upload or channel download) into POS_UPDATE_DIR and
 * writes request.json; the root update agent (agent.ts) verifies and installs with rauc and
 * writes status.json. After "installed" this module waits for a quiet moment — no cart line
 * and no open payment on any till — stores pending.json and asks the agent to reboot. At the
 * next start it compares the booted slot and its own version with pending.json: `updated` or
 * `rolled_back` (the new slot did not come up and the boot fell back), audited and kept.
 * It also holds the kiosk's "painted" signal for GET /api/v1/health (the mark-good check).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { fail } from '../core/errors.js';
import type { Context } from '../core/http.js';
import type {
  SlotsFile,
  UpdateChannelInfo,
  UpdateInfo,
  UpdateJobView,
  UpdateManifest,
  UpdateOutcome,
  UpdatePending,
  UpdateRequest,
  UpdateStatusFile,
} from '../protocol.js';
import { FILES, exists, readJsonFile, removeFile, writeJson } from './files.js';
import { downloadBundle, fetchManifest, isNewer, channelUrl } from './channel.js';
import * as receive from './receive.js';
import { outcomeOf } from './outcome.js';

export interface UpdatesDeps {
  dir: string;
  maxBytes: number;
  checkMs: number;
  /** The running version (package.json). */
  version: string;
  clock: Clock;
  log: Logger;
  activity(): { carts_with_lines: number; open_payments: number };
  audit(ctx: Context | null, action: string, before: unknown, after: unknown): void;
}

type Waiting = { id: string; version: string; slot: string };
type Session = receive.Session;

export class Updates {
  readonly name = 'updates';
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  /** The job while the daemon itself is receiving (upload, download) or just handed it over. */
  private job: UpdateJobView | null = null;
  private receiving = false;
  /** The upload being received (in one request or in parts). */
  private session: Session | null = null;
  private download: AbortController | null = null;
  private waiting: Waiting | null = null;
  private rebootAskedFor: string | null = null;
  private channel: UpdateChannelInfo = { url: null };
  private outcome: UpdateOutcome | null = null;
  private kioskPainted = false;
  private readonly startedAt: string;

  constructor(private readonly deps: UpdatesDeps) {
    this.startedAt = new Date(deps.clock.now()).toISOString();
  }

  async start(): Promise<void> {
    const { dir } = this.deps;
    await mkdir(dir, { recursive: true });
    this.channel = (await readJsonFile<UpdateChannelInfo>(dir, FILES.channel)) ?? { url: null };
    this.outcome = await readJsonFile<UpdateOutcome>(dir, FILES.outcome);
    await receive.removeLeftovers(this.deps.dir);
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.deps.checkMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.download?.abort();
    if (this.session) await this.abandonUpload(this.session.id);
    await this.ticking;
  }

  /** The version that runs (package.json unless a test says otherwise). */
  get version(): string {
    return this.deps.version;
  }

  // ------------------------------------------------------------------- kiosk painted
  markPainted(): void {
    if (!this.kioskPainted) this.deps.log.info('kiosk painted its first screen');
    this.kioskPainted = true;
  }

  get painted(): boolean {
    return this.kioskPainted;
  }

  // ------------------------------------------------------------------- reading
  async info(): Promise<UpdateInfo> {
    return {
      version: this.deps.version,
      slots: await readJsonFile<SlotsFile>(this.deps.dir, FILES.slots),
      job: await this.jobView(),
      reboot: this.waiting ? (this.rebootAskedFor ? 'requested' : 'waiting_quiet') : 'none',
      channel: this.channel,
      outcome: this.outcome,
    };
  }

  private async jobView(): Promise<UpdateJobView | null> {
    const st = await readJsonFile<UpdateStatusFile>(this.deps.dir, FILES.status);
    // Once the agent answers for the job, its status.json is the truth (and stays so).
    if (this.job && st?.id === this.job.id && !this.receiving) this.job = null;
    if (this.job) return this.job;
    // A reboot asked for before this start has happened: nothing is running any more.
    if (!st || (st.state === 'rebooting' && st.updated_at < this.startedAt)) return null;
    const { detail: _detail, ...view } = st;
    return view;
  }

  /** One job at a time: a bundle being received, or a request the agent has not finished. */
  private async busy(): Promise<boolean> {
    return this.receiving || (await exists(path.join(this.deps.dir, FILES.request)));
  }

  private async claim(): Promise<void> {
    if (this.receiving) fail(409, 'update_busy', 'An update is already in progress');
    this.receiving = true;
    if (await exists(path.join(this.deps.dir, FILES.request))) {
      this.receiving = false;
      fail(409, 'update_busy', 'An update is already in progress');
    }
  }

  private setJob(patch: Partial<UpdateJobView> & { id: string }): void {
    const base = this.job?.id === patch.id ? this.job : null;
    this.job = {
      state: 'queued',
      progress: 0,
      ...base,
      ...patch,
      updated_at: new Date(this.deps.clock.now()).toISOString(),
    };
  }

  // ------------------------------------------------------------------- ways in
  /**
   * POST …/update/bundle: the raw body streamed to disk — the whole bundle, or one part of it
   * (Content-Range, parts in order); after the last byte, the install request.
   */
  async upload(ctx: Context): Promise<{ job: UpdateJobView; complete: boolean }> {
    const length = Number(ctx.get('content-length') || NaN);
    if (!Number.isSafeInteger(length) || length <= 0)
      fail(411, 'update_length_required', 'Send the bundle with a Content-Length');
    const part = receive.partOf(ctx.get('content-range')) ?? {
      start: 0,
      end: length - 1,
      total: length,
    };
    if (part.end - part.start + 1 !== length)
      fail(400, 'invalid_field', 'Content-Range does not match the body', 'content-range');
    if (part.total > this.deps.maxBytes)
      fail(413, 'update_too_large', 'The bundle is larger than POS_UPDATE_MAX_BYTES', undefined, {
        max_bytes: this.deps.maxBytes,
      });
    if (part.start === 0) await this.beginUpload(part.total);
    const s = this.session;
    if (!s || s.busy || s.received !== part.start || s.total !== part.total) {
      if (s && !s.busy) await this.abandonUpload(s.id);
      fail(409, 'update_upload_incomplete', 'This part does not continue the upload; start again');
    }
    s.busy = true;
    if (s.idle) clearTimeout(s.idle);
    try {
      await receive.receivePart(ctx.req, this.deps.dir, part.start, length, (bytes) => {
        const progress = Math.floor(((part.start + bytes) / part.total) * 100);
        if (progress !== this.job?.progress) this.setJob({ id: s.id, progress });
      });
      s.received += length;
      if (s.received < s.total) {
        s.idle = setTimeout(() => void this.abandonUpload(s.id), receive.UPLOAD_IDLE_MS);
        s.idle.unref();
        return { job: this.job!, complete: false };
      }
      const file = await receive.completeBundle(this.deps.dir, s.id);
      this.session = null;
      await this.handOver(s.id, file);
      this.receiving = false;
      this.deps.audit(ctx, 'update.upload', null, { id: s.id, bytes: s.total });
      return { job: this.job!, complete: true };
    } catch (err) {
      await this.abandonUpload(s.id);
      throw err;
    } finally {
      s.busy = false;
    }
  }

  private async beginUpload(total: number): Promise<void> {
    await this.claim();
    const id = randomUUID();
    try {
      await receive.ensureSpace(this.deps.dir, total);
    } catch (err) {
      this.receiving = false;
      throw err;
    }
    this.session = { id, total, received: 0, busy: false, idle: null };
    this.setJob({ id, state: 'uploading', progress: 0 });
  }

  /** An upload broken off, or left without its next part: its file goes, the slot is free. */
  private async abandonUpload(id: string): Promise<void> {
    if (this.session?.id !== id) return;
    if (this.session.idle) clearTimeout(this.session.idle);
    this.session = null;
    await receive.removePart(this.deps.dir);
    this.setJob({ id, state: 'failed', error_code: 'update_upload_incomplete' });
    this.receiving = false;
  }

  private async handOver(id: string, file: string): Promise<void> {
    const req: UpdateRequest = { id, action: 'install', bundle: file };
    this.waiting = null;
    this.rebootAskedFor = null;
    await writeJson(this.deps.dir, FILES.request, req);
    this.setJob({ id, state: 'queued', progress: 0 });
  }

  async setChannel(ctx: Context, raw: unknown): Promise<UpdateChannelInfo> {
    const url = raw === null || raw === '' ? null : channelUrl(raw);
    const before = this.channel;
    this.channel = { url };
    await writeJson(this.deps.dir, FILES.channel, this.channel);
    this.deps.audit(ctx, 'update.channel', { url: before.url }, { url });
    return this.channel;
  }

  private channelOrFail(): string {
    if (!this.channel.url)
      fail(409, 'update_channel_not_set', 'Set an update channel URL first', 'url');
    return this.channel.url;
  }

  /** POST …/update/check: the manifest, and whether it is newer than what runs. */
  async check(ctx: Context): Promise<UpdateChannelInfo> {
    const url = this.channelOrFail();
    const manifest = await fetchManifest(url);
    this.channel = { url, latest: this.latest(manifest) };
    await writeJson(this.deps.dir, FILES.channel, this.channel);
    this.deps.audit(ctx, 'update.check', null, this.channel.latest);
    return this.channel;
  }

  private latest(m: UpdateManifest): NonNullable<UpdateChannelInfo['latest']> {
    return {
      ...m,
      newer: isNewer(m.version, this.deps.version),
      checked_at: new Date(this.deps.clock.now()).toISOString(),
    };
  }

  /** POST …/update/fetch: manifest now; the download runs on, its progress in the job. */
  async fetch(ctx: Context): Promise<UpdateJobView> {
    const url = this.channelOrFail();
    await this.claim();
    const id = randomUUID();
    try {
      const manifest = await fetchManifest(url);
      this.channel = { url, latest: this.latest(manifest) };
      await writeJson(this.deps.dir, FILES.channel, this.channel);
      if (manifest.size !== undefined && manifest.size > this.deps.maxBytes)
        fail(413, 'update_too_large', 'The bundle is larger than POS_UPDATE_MAX_BYTES');
      await receive.ensureSpace(this.deps.dir, manifest.size ?? 0);
      this.setJob({ id, state: 'downloading', progress: 0, bundle_version: manifest.version });
      this.deps.audit(ctx, 'update.fetch', null, { id, ...manifest });
      this.download = new AbortController();
      void this.runDownload(id, manifest, this.download.signal);
      return this.job!;
    } catch (err) {
      this.receiving = false;
      throw err;
    }
  }

  private async runDownload(id: string, m: UpdateManifest, signal: AbortSignal): Promise<void> {
    const part = path.join(this.deps.dir, FILES.incoming);
    try {
      await downloadBundle({
        url: m.url,
        dest: part,
        sha256: m.sha256,
        maxBytes: this.deps.maxBytes,
        signal,
        onProgress: (bytes, total) => {
          const size = total ?? m.size;
          const progress = size ? Math.min(99, Math.floor((bytes / size) * 100)) : 0;
          if (progress !== this.job?.progress) this.setJob({ id, progress });
        },
      });
      await this.handOver(id, await receive.completeBundle(this.deps.dir, id));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.setJob({
        id,
        state: 'failed',
        error_code:
          typeof code === 'string' && code.startsWith('update_') ? code : 'update_download_failed',
      });
      this.deps.log.warn(`update download failed: ${(err as Error).message}`);
    } finally {
      this.download = null;
      this.receiving = false;
    }
  }

  // ------------------------------------------------------------------- reboot and outcome
  /** "Jetzt neu starten": refused while a payment is open; a cart with lines is kept. */
  async rebootNow(ctx: Context): Promise<UpdateInfo> {
    await this.tick();
    if (!this.waiting)
      fail(409, 'update_not_installed', 'No installed update is waiting for a reboot');
    if (this.deps.activity().open_payments > 0)
      fail(409, 'update_sale_open', 'A payment is open on a till; reboot after it is finished');
    await this.requestReboot(ctx, 'manual');
    return this.info();
  }

  private async requestReboot(ctx: Context | null, why: 'quiet' | 'manual'): Promise<void> {
    const w = this.waiting;
    if (!w || this.rebootAskedFor === w.id) return;
    if (await exists(path.join(this.deps.dir, FILES.request))) return;
    const slots = await readJsonFile<SlotsFile>(this.deps.dir, FILES.slots);
    const pending: UpdatePending = {
      expected_version: w.version,
      target_slot: w.slot,
      from_version: this.deps.version,
      from_slot: slots?.booted ?? '',
      requested_at: new Date(this.deps.clock.now()).toISOString(),
    };
    await writeJson(this.deps.dir, FILES.pending, pending);
    const req: UpdateRequest = { id: randomUUID(), action: 'reboot' };
    await writeJson(this.deps.dir, FILES.request, req);
    this.rebootAskedFor = w.id;
    this.deps.log.info(`update ${w.version}: reboot requested (${why})`);
    this.deps.audit(ctx, 'update.reboot', null, { ...pending, reason: why });
  }

  /** Looks at the files: an install finished → wait for quiet; after a reboot → outcome. */
  tick(): Promise<void> {
    this.ticking ??= this.check_()
      .catch((err) => this.deps.log.warn(`update check failed: ${(err as Error).message}`))
      .finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async check_(): Promise<void> {
    const { dir } = this.deps;
    const st = await readJsonFile<UpdateStatusFile>(dir, FILES.status);
    if (this.job && st?.id === this.job.id && !this.receiving) this.job = null;
    if (st?.state === 'installed' && st.bundle_version && this.waiting?.id !== st.id) {
      this.waiting = { id: st.id, version: st.bundle_version, slot: st.target_slot ?? '' };
      this.rebootAskedFor = null;
      this.deps.log.info(`update ${st.bundle_version} installed; reboot at a quiet moment`);
    } else if (st && st.state !== 'installed' && st.state !== 'rebooting' && this.waiting) {
      this.waiting = null;
    }
    if (this.waiting && !this.rebootAskedFor) {
      const a = this.deps.activity();
      if (a.carts_with_lines === 0 && a.open_payments === 0)
        await this.requestReboot(null, 'quiet');
    }
    await this.checkOutcome();
  }

  private async checkOutcome(): Promise<void> {
    const { dir } = this.deps;
    const pending = await readJsonFile<UpdatePending>(dir, FILES.pending);
    const slots = pending ? await readJsonFile<SlotsFile>(dir, FILES.slots) : null;
    const now = new Date(this.deps.clock.now()).toISOString();
    const outcome = outcomeOf(pending, slots, this.deps.version, this.startedAt, now);
    if (!outcome) return;
    await writeJson(dir, FILES.outcome, outcome);
    await removeFile(dir, FILES.pending);
    this.outcome = outcome;
    this.waiting = null;
    this.deps.log.info(
      `update outcome: ${outcome.outcome} (${outcome.version} in ${outcome.slot})`,
    );
    this.deps.audit(null, 'update.outcome', pending, outcome);
  }
}
