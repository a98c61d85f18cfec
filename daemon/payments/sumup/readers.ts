/**
 * Solo readers: pairing, names and removal live at SumUp (Readers API); which reader each
 * terminal uses lives in settings.json, section "sumup". SUMUP_READER_ID is the fallback until
 * a reader is chosen in admin.
 */
import type { SumUpReaderInfo } from '../../protocol.js';
import type { Reader, SumUpApi } from './sdk.js';
import type { Settings } from '../../settings/index.js';

export interface SumUpSettings {
  /** Reader for terminals without their own choice; null = SUMUP_READER_ID. */
  default_reader_id: string | null;
  /** terminal id → reader id. */
  terminal_readers: Record<string, string>;
}

export const SUMUP_SETTINGS_DEFAULTS: SumUpSettings = {
  default_reader_id: null,
  terminal_readers: {},
};

export type ReaderView = SumUpReaderInfo;

export interface ReaderDeps {
  api: SumUpApi;
  merchantCode: string;
  settings: Settings;
  /** SUMUP_READER_ID */
  envDefault: string;
}

export class ReaderDirectory {
  constructor(private readonly deps: ReaderDeps) {}

  private get config(): SumUpSettings {
    const s = this.deps.settings.section<SumUpSettings>('sumup', SUMUP_SETTINGS_DEFAULTS);
    return { ...s, terminal_readers: { ...(s.terminal_readers ?? {}) } };
  }

  defaultReaderId(): string | null {
    return this.config.default_reader_id || this.deps.envDefault || null;
  }

  readerFor(terminalId: string): string | null {
    return this.config.terminal_readers[terminalId] ?? this.defaultReaderId();
  }

  /** Any reader chosen at all (for availability). */
  anyReader(): string | null {
    return this.defaultReaderId() ?? Object.values(this.config.terminal_readers)[0] ?? null;
  }

  assignments(): SumUpSettings & { effective_default: string | null } {
    return { ...this.config, effective_default: this.defaultReaderId() };
  }

  async list(): Promise<ReaderView[]> {
    const { items } = await this.deps.api.readers.list(this.deps.merchantCode);
    return (items ?? []).map((r) => this.view(r));
  }

  async pair(pairingCode: string, name: string): Promise<ReaderView> {
    const r = await this.deps.api.readers.create(this.deps.merchantCode, {
      pairing_code: pairingCode,
      name,
    });
    // The first paired reader becomes the default, so a fresh install works right away.
    if (!this.defaultReaderId()) await this.setDefault(r.id);
    return this.view(r);
  }

  async rename(id: string, name: string): Promise<ReaderView> {
    return this.view(await this.deps.api.readers.update(this.deps.merchantCode, id, { name }));
  }

  async remove(id: string): Promise<void> {
    await this.deps.api.readers.delete(this.deps.merchantCode, id);
    await this.update((s) => ({
      default_reader_id: s.default_reader_id === id ? null : s.default_reader_id,
      terminal_readers: Object.fromEntries(
        Object.entries(s.terminal_readers).filter(([, r]) => r !== id),
      ),
    }));
  }

  async assign(terminalId: string, readerId: string | null): Promise<void> {
    await this.update((s) => {
      const map = { ...s.terminal_readers };
      if (readerId) map[terminalId] = readerId;
      else delete map[terminalId];
      return { ...s, terminal_readers: map };
    });
  }

  async setDefault(readerId: string | null): Promise<void> {
    await this.update((s) => ({ ...s, default_reader_id: readerId }));
  }

  private update(fn: (s: SumUpSettings) => SumUpSettings): Promise<SumUpSettings> {
    return this.deps.settings.update<SumUpSettings>('sumup', SUMUP_SETTINGS_DEFAULTS, (cur) =>
      fn({ ...cur, terminal_readers: { ...(cur.terminal_readers ?? {}) } }),
    );
  }

  private view(r: Reader): ReaderView {
    const c = this.config;
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      model: r.device?.model ?? 'solo',
      serial: r.device?.identifier ?? '',
      terminals: Object.entries(c.terminal_readers)
        .filter(([, id]) => id === r.id)
        .map(([t]) => t),
      is_default: this.defaultReaderId() === r.id,
    };
  }
}
