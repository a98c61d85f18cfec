/**
 * settings.json: one document, one section per module (pos_security, scanners, sumup, shop,
 * ui, ...). Each module owns the shape of its own section and reads it through section().
 * Changes are durable before `settings.changed` is emitted with the section name.
 *
 * If settings.json is corrupt, the store keeps it untouched and read-only; sections then
 * return their defaults and modules apply their documented fallbacks (e.g. ALLOWED_POS_IPS).
 */
import type { EventBus } from '../events.js';
import type { JsonDocument, Store } from '../store/index.js';

export type SettingsData = Record<string, unknown>;

export const SETTINGS_DOC = {
  name: 'settings.json',
  schemaVersion: 1,
  defaults: (): SettingsData => ({}),
};

export class Settings {
  private constructor(
    private readonly doc: JsonDocument<SettingsData>,
    private readonly events: EventBus,
  ) {}

  static async open(store: Store, events: EventBus): Promise<Settings> {
    return new Settings(await store.document<SettingsData>(SETTINGS_DOC), events);
  }

  /** True when settings.json could be read (or did not exist yet). */
  get readable(): boolean {
    return this.doc.state.state === 'ok';
  }

  get problem(): string | null {
    const s = this.doc.state;
    return s.state === 'ok' ? null : s.message;
  }

  /** A section's current value merged over its defaults (a fresh object; mutate via update). */
  section<T extends object>(name: string, defaults: T): T {
    const stored = this.doc.data[name];
    return { ...defaults, ...(stored && typeof stored === 'object' ? (stored as Partial<T>) : {}) };
  }

  /** Replace a section durably, then emit settings.changed. */
  async update<T extends object>(name: string, defaults: T, fn: (current: T) => T): Promise<T> {
    const next = await this.doc.update((d) => {
      const value = fn(this.section(name, defaults));
      d[name] = value;
      return value;
    });
    this.events.emit('settings.changed', { keys: [name] });
    return next;
  }
}

/**
 * The field error of a PUT to a section whose body is empty or names a key the section does not
 * have (`defaults` lists its keys); null when every key is known.
 */
export function sectionKeysProblem(
  body: Record<string, unknown>,
  defaults: object,
): { field: string; message: string } | null {
  // Own keys only: `key in` would let "__proto__" or "constructor" through.
  if (Object.keys(body).length === 0)
    return { field: '', message: 'Send at least one field to change' };
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(defaults, key)) return { field: key, message: `Unknown field "${key}"` };
  }
  return null;
}
