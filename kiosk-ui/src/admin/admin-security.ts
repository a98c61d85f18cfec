import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import {
  addIp,
  rowErrorFromField,
  rowsForSave,
  sameRows,
  type IpRow,
  type RowError,
} from '../lib/whitelist.js';
import { pageStyles } from './admin-styles.js';

/**
 * POS security: the whitelist toggle (saved as soon as it flips), "Your current IP" with
 * "Add my IP", the list as rows of IP and location name (add/remove), "Save changes", and the
 * daemon's validation error shown on the row it names.
 */
@customElement('admin-security')
export class AdminSecurity extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .rows {
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .row {
        display: grid;
        grid-template-columns: minmax(0, 2fr) minmax(0, 3fr) auto;
        gap: 8px;
        align-items: start;
      }
      .row input {
        width: 100%;
      }
      .row .field-error {
        grid-column: 1 / -1;
      }
      [aria-invalid='true'] {
        border-color: var(--pos-danger);
        border-width: 2px;
      }
      .head {
        font-weight: 600;
      }
      .switch {
        font-size: 1.1rem;
        font-weight: 600;
      }
      .ip {
        font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
        font-size: 1.1rem;
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @state() private enabled = false;
  @state() private pinLogin = false;
  @state() private pinInForce = false;
  @state() private rows: IpRow[] = [];
  @state() private savedRows: IpRow[] = [];
  @state() private myIp = '';
  @state() private rowError: RowError | null = null;
  @state() private error = '';
  @state() private status = '';
  @state() private busy = false;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [s, ip] = await Promise.all([api.getPosSecurity(), api.currentIp()]);
      this.enabled = s.enabled;
      this.applyPin(s);
      this.rows = s.allowed_ips.map((r) => ({ ...r }));
      this.savedRows = s.allowed_ips;
      this.myIp = ip.ip;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private applyPin(s: api.PosSecurity): void {
    this.pinLogin = !!s.pin_login_enabled;
    this.pinInForce = !!s.effective?.pin_login_in_force;
  }

  private async togglePin(e: Event): Promise<void> {
    const box = e.target as HTMLInputElement;
    this.busy = true;
    this.error = '';
    this.status = '';
    try {
      this.applyPin(await api.putPosSecurity({ pin_login_enabled: box.checked }));
      this.status = t('security.saved');
    } catch (err) {
      box.checked = this.pinLogin;
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async toggle(e: Event): Promise<void> {
    const box = e.target as HTMLInputElement;
    const next = box.checked;
    this.busy = true;
    this.error = '';
    this.status = '';
    try {
      const s = await api.putPosSecurity({ enabled: next });
      this.enabled = s.enabled;
      this.status = t('security.saved');
    } catch (err) {
      box.checked = this.enabled;
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async save(): Promise<void> {
    const { rows, index } = rowsForSave(this.rows);
    this.busy = true;
    this.error = '';
    this.status = '';
    this.rowError = null;
    try {
      const s = await api.putPosSecurity({ allowed_ips: rows });
      this.rows = s.allowed_ips.map((r) => ({ ...r }));
      this.savedRows = s.allowed_ips;
      this.enabled = s.enabled;
      this.status = t('security.saved');
    } catch (err) {
      const e = err as api.ApiRequestError;
      const re = rowErrorFromField(e.field, errorText(err));
      // Map the index in the sent list back to the row on screen.
      if (re) this.rowError = { ...re, index: index[re.index] ?? re.index };
      else this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private edit(i: number, patch: Partial<IpRow>): void {
    this.rows = this.rows.map((r, j) => (j === i ? { ...r, ...patch } : r));
    if (this.rowError?.index === i) this.rowError = null;
    this.status = '';
  }

  override render() {
    const dirty = !sameRows(this.rows, this.savedRows);
    return html`
      <h2>${t('security.title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="card">
        <label class="check switch">
          <input
            type="checkbox"
            data-testid="whitelist-toggle"
            .checked=${this.enabled}
            ?disabled=${this.busy}
            @change=${this.toggle}
          />
          ${t('security.enabled')}
        </label>
        <p class="muted">${t('security.enabled_hint')}</p>
      </div>
      <div class="card">
        <label class="check switch">
          <input
            type="checkbox"
            data-testid="pin-toggle"
            .checked=${this.pinLogin}
            ?disabled=${this.busy}
            @change=${this.togglePin}
          />
          ${t('security.pin_login')}
        </label>
        <p class="muted">${t('security.pin_login_hint')}</p>
        <p class=${this.pinInForce ? 'ok' : 'muted'}>
          ${this.pinInForce ? t('security.pin_in_force') : t('security.pin_not_in_force')}
          <a href="#employees">${t('nav.employees')}</a>
        </p>
      </div>
      <div class="card toolbar">
        <span
          >${t('security.current_ip')}:
          <strong class="ip" data-testid="current-ip">${this.myIp || '…'}</strong></span
        >
        <button
          ?disabled=${!this.myIp}
          @click=${() => {
            this.rows = addIp(this.rows, this.myIp, '');
            this.status = '';
          }}
        >
          ${t('security.add_my_ip')}
        </button>
      </div>
      <div class="card">
        ${
          rowsForSave(this.rows).rows.length === 0
            ? html`<p class="notice" data-testid="whitelist-empty">${t('security.empty')}</p>`
            : ''
        }
        <div class="rows">
          ${
            this.rows.length
              ? html`<div class="row head" aria-hidden="true">
                  <span>${t('security.ip')}</span><span>${t('security.name')}</span><span></span>
                </div>`
              : ''
          }
          ${this.rows.map((r, i) => {
            const rowErr = this.rowError?.index === i ? this.rowError : null;
            return html`<div class="row" data-row=${i}>
              <input
                aria-label="${t('security.ip')} ${i + 1}"
                .value=${r.ip}
                aria-invalid=${rowErr && rowErr.field !== 'name' ? 'true' : 'false'}
                @input=${(e: Event) => this.edit(i, { ip: (e.target as HTMLInputElement).value })}
              />
              <input
                aria-label="${t('security.name')} ${i + 1}"
                .value=${r.name}
                aria-invalid=${rowErr?.field === 'name' ? 'true' : 'false'}
                @input=${(e: Event) => this.edit(i, { name: (e.target as HTMLInputElement).value })}
              />
              <button
                aria-label=${t('security.remove_row', { n: i + 1 })}
                @click=${() => {
                  this.rows = this.rows.filter((_, j) => j !== i);
                  if (this.rowError?.index === i) this.rowError = null;
                }}
              >
                ✕
              </button>
              ${
                rowErr
                  ? html`<span class="field-error" role="alert" data-testid="row-error"
                      >${rowErr.message}</span
                    >`
                  : ''
              }
            </div>`;
          })}
        </div>
        <div class="toolbar" style="margin-top:12px">
          <button @click=${() => (this.rows = [...this.rows, { ip: '', name: '' }])}>
            ${t('security.add_row')}
          </button>
          <span class="grow"></span>
          ${dirty ? html`<span class="muted">${t('security.unsaved')}</span>` : ''}
          ${this.status ? html`<span class="ok" role="status">${this.status}</span>` : ''}
          <button class="primary" ?disabled=${this.busy} @click=${() => void this.save()}>
            ${t('security.save')}
          </button>
        </div>
      </div>
    `;
  }
}
