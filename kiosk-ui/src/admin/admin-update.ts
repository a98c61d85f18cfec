import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SlotInfo, UpdateInfo } from '../../../daemon/protocol.js';
import * as api from '../lib/api-update.js';
import { errorText } from '../lib/errors.js';
import { PollController } from '../lib/poll.js';
import { t, lang, I18nController, isMessageKey } from '../lib/i18n.js';
import { formatDateTime } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles, pickStyles } from './admin-styles.js';

/**
 * The "Aktualisierung" page: the running version, both system slots (A/B, version, which runs,
 * which starts next), a bundle upload with its progress, the update channel (URL, check,
 * download and install), the job's state and progress, the wait for a quiet moment with
 * "restart now", and the outcome of the last update. Refreshed every second while shown.
 */
@customElement('admin-update')
export class AdminUpdate extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    pickStyles,
    css`
      .slots {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 8px;
      }
      .slot {
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        padding: 6px 10px;
        background: var(--pos-surface);
      }
      .slot.booted {
        border-color: var(--pos-primary);
        border-width: 2px;
      }
      .slot strong {
        display: block;
      }
      progress {
        width: 100%;
        height: 18px;
      }
      form.row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
      }
      form.row .field {
        flex: 1 1 260px;
      }
      .stack {
        display: grid;
        gap: 10px;
      }
      p {
        margin: 0;
      }
      .chosen {
        flex: 1 1 160px;
      }
    `,
  ];

  @property() timezone = 'Europe/Berlin';
  @state() private info: UpdateInfo | null = null;
  @state() private uploading: number | null = null;
  @state() private fileName = '';
  @state() private err = '';
  @state() private msg = '';
  private i18n = new I18nController(this);
  private poll = new PollController(this, 1000, () => this.load());

  private async load(): Promise<void> {
    try {
      this.info = await api.updateInfo();
    } catch (err) {
      this.err = errorText(err);
    }
  }

  private async act(run: () => Promise<unknown>): Promise<void> {
    this.err = '';
    this.msg = '';
    try {
      await run();
    } catch (err) {
      this.err = errorText(err);
    }
    await this.load();
  }

  private upload(e: Event): void {
    e.preventDefault();
    const file = (e.target as HTMLFormElement).querySelector(
      'input[type=file]',
    ) as HTMLInputElement;
    const f = file.files?.[0];
    if (!f) return;
    this.uploading = 0;
    void this.act(() => api.uploadUpdate(f, (p) => (this.uploading = p))).finally(() => {
      this.uploading = null;
      file.value = '';
      this.fileName = '';
    });
  }

  private saveChannel(e: Event): void {
    e.preventDefault();
    const url = String(new FormData(e.target as HTMLFormElement).get('url') ?? '').trim();
    void this.act(async () => {
      await api.putUpdateChannel(url || null);
      this.msg = t('security.saved');
    });
  }

  private renderSlot(s: SlotInfo, primary: string | null) {
    return html`<div class="slot ${s.booted ? 'booted' : ''}" data-testid="slot-${s.bootname}">
      <strong>${t('update.slot', { name: s.bootname })}</strong>
      <span>${s.version ?? t('update.slot_empty')}</span>
      ${s.booted ? html`<span class="ok"> · ${t('update.slot_booted')}</span>` : nothing}
      ${
        !s.booted && primary === s.name
          ? html`<span class="muted"> · ${t('update.slot_next')}</span>`
          : nothing
      }
    </div>`;
  }

  private renderJob(i: UpdateInfo) {
    const j = i.job;
    if (!j) return nothing;
    const key = `update.state.${j.state}`;
    const text = isMessageKey(key)
      ? t(key, { progress: j.progress, version: j.bundle_version ?? '' })
      : j.state;
    const busy = ['uploading', 'downloading', 'installing'].includes(j.state);
    const errKey = `err.${j.error_code ?? ''}`;
    return html`<div data-testid="update-job" class="stack">
      <p
        class=${j.state === 'failed' ? 'error' : j.state === 'installed' ? 'ok' : ''}
        role="status"
      >
        ${text}
        ${
          j.state === 'failed'
            ? isMessageKey(errKey)
              ? t(errKey)
              : t('err.update_install_failed')
            : nothing
        }
      </p>
      ${busy ? html`<progress max="100" .value=${j.progress}></progress>` : nothing}
      ${
        i.reboot === 'waiting_quiet'
          ? html`<p data-testid="update-waiting">${t('update.waiting_quiet')}</p>
              <div>
                <button @click=${() => void this.act(() => api.rebootForUpdate())}>
                  ${t('update.reboot_now')}
                </button>
              </div>`
          : i.reboot === 'requested' && j.state !== 'rebooting'
            ? html`<p>${t('update.reboot_requested')}</p>`
            : nothing
      }
    </div>`;
  }

  private renderOutcome(i: UpdateInfo) {
    const o = i.outcome;
    if (!o) return nothing;
    const at = formatDateTime(o.at, lang(), this.timezone);
    return html`<p
      data-testid="update-outcome"
      class=${o.outcome === 'updated' ? 'ok' : 'error'}
      role="status"
    >
      ${
        o.outcome === 'updated'
          ? t('update.outcome.updated', { version: o.version })
          : t('update.outcome.rolled_back', { expected: o.expected_version, slot: o.slot })
      }
      <span class="muted">(${at})</span>
    </p>`;
  }

  override render() {
    const i = this.info;
    if (!i)
      return html`<h2>${t('update.title')}</h2>
        ${this.err ? html`<p class="error" role="alert">${this.err}</p>` : nothing}`;
    const busy =
      this.uploading !== null ||
      ['uploading', 'downloading', 'queued', 'verifying', 'installing'].includes(
        i.job?.state ?? '',
      );
    const latest = i.channel.latest;
    return html`<h2>${t('update.title')}</h2>
      <div class="stack" data-testid="update">
        <p data-testid="update-version">${t('update.running', { version: i.version })}</p>
        ${this.renderOutcome(i)}
        ${
          i.slots
            ? html`<div class="slots">
                ${i.slots.slots.map((s) => this.renderSlot(s, i.slots!.primary))}
              </div>`
            : html`<p class="muted">${t('update.slots_unknown')}</p>`
        }
        ${this.renderJob(i)}
        <form class="row" @submit=${(e: Event) => this.upload(e)}>
          <strong style="flex-basis:100%">${t('update.upload')}</strong>
          <label class="pick"
            >${t('update.choose_file')}<input
              type="file"
              accept=".raucb"
              ?disabled=${busy}
              @change=${(e: Event) =>
                (this.fileName = (e.target as HTMLInputElement).files?.[0]?.name ?? '')}
          /></label>
          <span class="chosen muted">${this.fileName || t('update.no_file')}</span>
          <button type="submit" ?disabled=${busy || !this.fileName}>
            ${t('update.upload_button')}
          </button>
        </form>
        ${
          this.uploading !== null
            ? html`<p role="status">${t('update.uploading', { percent: this.uploading })}</p>
                <progress
                  max="100"
                  .value=${this.uploading}
                  data-testid="upload-progress"
                ></progress>`
            : nothing
        }
        <form class="row" @submit=${(e: Event) => this.saveChannel(e)}>
          <label class="field"
            >${t('update.channel')}<input
              name="url"
              type="url"
              maxlength="2000"
              .value=${i.channel.url ?? ''}
          /></label>
          <button type="submit">${t('update.channel_save')}</button>
          <button
            type="button"
            ?disabled=${!i.channel.url}
            @click=${() => void this.act(() => api.checkUpdate())}
          >
            ${t('update.check')}
          </button>
          <button
            type="button"
            ?disabled=${!i.channel.url || busy}
            @click=${() => void this.act(() => api.fetchUpdate())}
          >
            ${t('update.fetch')}
          </button>
        </form>
        ${
          latest
            ? html`<p data-testid="update-latest" class=${latest.newer ? 'ok' : 'muted'}>
                ${
                  latest.newer
                    ? t('update.newer', { version: latest.version })
                    : t('update.not_newer', { version: latest.version })
                }
              </p>`
            : nothing
        }
        ${this.msg ? html`<p class="ok" role="status">${this.msg}</p>` : nothing}
        ${this.err ? html`<p class="error" role="alert">${this.err}</p>` : nothing}
      </div>`;
  }
}
