import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FleetStatus } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { PollController } from '../lib/poll.js';
import { t, lang, I18nController, isMessageKey } from '../lib/i18n.js';
import { formatDateTime } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/**
 * The fleet section of the settings page: this appliance's id and branch, connected or not,
 * what is still to ship, the last shipped entry, the catalog source, and the last error in
 * plain words (translated by its code). Refreshed every few seconds while shown.
 */
@customElement('admin-fleet')
export class AdminFleet extends LitElement {
  static override styles = [tokens, controls, pageStyles];

  @property() timezone = 'Europe/Berlin';
  @state() private status: FleetStatus | null = null;
  @state() private err = '';
  @state() private msg = '';
  private i18n = new I18nController(this);
  private poll = new PollController(this, 5000, () => this.load());

  private async load(): Promise<void> {
    try {
      this.status = await api.fleetStatus();
      this.err = '';
    } catch (err) {
      this.err = errorText(err);
    }
  }

  private save(e: Event): void {
    e.preventDefault();
    const name = String(new FormData(e.target as HTMLFormElement).get('branch') ?? '').trim();
    this.msg = '';
    api.putFleetBranch(name).then(
      (s) => {
        this.status = s;
        this.msg = t('security.saved');
      },
      (err) => (this.err = errorText(err)),
    );
  }

  private when(iso: string): string {
    return formatDateTime(iso, lang(), this.timezone);
  }

  override render() {
    const s = this.status;
    if (!s)
      return html`<h3>${t('fleet.title')}</h3>
        ${this.err ? html`<p class="error">${this.err}</p>` : nothing}`;
    const e = s.last_error;
    const key = e ? `err.${e.code}` : '';
    return html`<h3>${t('fleet.title')}</h3>
      <div class="stack" data-testid="fleet">
        <p>
          ${t('fleet.appliance_id')}:
          <code data-testid="fleet-appliance-id">${s.appliance_id}</code>
        </p>
        <form class="row" @submit=${(ev: Event) => this.save(ev)}>
          <label class="field"
            >${t('fleet.branch')}<input name="branch" maxlength="80" .value=${s.branch_name ?? ''}
          /></label>
          <button type="submit">${t('fleet.branch_save')}</button>
          ${this.msg ? html`<span class="ok" role="status">${this.msg}</span>` : nothing}
        </form>
        ${
          !s.enabled
            ? html`<p class="muted">${t('fleet.off')}</p>`
            : html`<p data-testid="fleet-connected" class=${s.connected ? 'ok' : 'error'}>
                  ${t(s.connected ? 'fleet.connected' : 'fleet.disconnected')}
                </p>
                <p data-testid="fleet-pending">${t('fleet.pending', { n: s.pending })}</p>
                <p>
                  ${
                    s.last_shipped_at
                      ? t('fleet.last_shipped', {
                          seq: s.last_shipped_seq,
                          at: this.when(s.last_shipped_at),
                        })
                      : t('fleet.never_shipped')
                  }
                </p>
                <p>
                  ${
                    s.catalog.mode === 'pull'
                      ? t('fleet.catalog_pull', {
                          version: s.catalog.version ?? '–',
                          n: s.catalog.products,
                        })
                      : t('fleet.catalog_local')
                  }
                </p>
                ${
                  e
                    ? html`<p class="error" role="alert" data-testid="fleet-error">
                        ${t('fleet.last_error', {
                          at: this.when(e.at),
                          text: isMessageKey(key) ? t(key) : t('err.fleet_error'),
                        })}
                      </p>`
                    : nothing
                }`
        }
        ${this.err ? html`<p class="error" role="alert">${this.err}</p>` : nothing}
      </div>`;
  }
}
