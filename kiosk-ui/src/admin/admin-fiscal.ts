import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FiscalInfo, TseOutage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController, isMessageKey } from '../lib/i18n.js';
import { formatDateTime, isoDateIn, dateRangeValid } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import './admin-date-range.js';
import type { DateRange } from './admin-date-range.js';

/**
 * The owner's fiscal duties in one place (KassenSichV): the TSE's state, the data to register
 * the till with the tax office, the TSE outages (start, end, unsigned transactions), and the
 * two audit exports — the TSE's TAR log in one click and the DSFinV-K ZIP for a date range.
 */
@customElement('admin-fiscal')
export class AdminFiscal extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: minmax(10em, max-content) minmax(0, 1fr);
        gap: 6px 14px;
        margin: 0;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
        font-variant-numeric: tabular-nums;
      }
      dd.code {
        font-family: ui-monospace, monospace;
        font-size: 0.85rem;
      }
      .stack {
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
      }
      a.btn {
        text-decoration: none;
      }
      .state-ok {
        color: var(--pos-success);
        font-weight: 600;
      }
      .state-bad {
        color: var(--pos-danger);
        font-weight: 600;
      }
      h3 {
        margin: 0 0 8px;
      }
      p {
        margin: 4px 0;
      }
      /* 800x480: labels beside values (two columns) keep the state and the first export
         button on the first screen; long serials and keys wrap inside their column. */
      @media (max-width: 900px) {
        dl {
          grid-template-columns: minmax(9em, 13em) minmax(0, 1fr);
          gap: 4px 10px;
        }
        .card {
          padding: 10px 12px;
          margin-bottom: 10px;
        }
      }
    `,
  ];

  @property() timezone = 'Europe/Berlin';
  @state() private info: FiscalInfo | null = null;
  @state() private error = '';
  @state() private notice = '';
  @state() private busy = false;
  @state() private from = '';
  @state() private to = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.to = isoDateIn(new Date(), this.timezone);
    this.from = `${this.to.slice(0, 8)}01`;
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.info = await api.fiscalInfo();
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async setup(): Promise<void> {
    this.busy = true;
    this.error = this.notice = '';
    try {
      this.info = (await api.fiscalSetup()).info;
      this.notice = t('fiscal.setup_done');
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private stateText(state: string): string {
    const key = `fiscal.state.${state}`;
    return isMessageKey(key) ? t(key) : t('fiscal.state.unknown', { state });
  }

  private providerText(provider: string): string {
    const key = `fiscal.provider.${provider}`;
    return isMessageKey(key) ? t(key) : provider;
  }

  private reasonText(o: TseOutage): string {
    const key = `fiscal.reason.${o.reason}`;
    return isMessageKey(key) ? t(key) : t('fiscal.reason.other');
  }

  private when(iso: string | null): string {
    return iso ? formatDateTime(iso, lang(), this.timezone) : t('fiscal.none');
  }

  override render() {
    const i = this.info;
    return html`<h2>${t('fiscal.title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : nothing}
      ${
        i
          ? html`<div class="cols">
              <section class="card" data-testid="fiscal-state">${this.renderState(i)}</section>
              <section class="card" data-testid="fiscal-exports">${this.renderExports(i)}</section>
              <section class="card" data-testid="fiscal-registration">
                ${this.renderRegistration(i)}
              </section>
              <section class="card" data-testid="fiscal-outages">${this.renderOutages(i)}</section>
            </div>`
          : this.error
            ? nothing
            : html`<p class="muted">${t('common.loading')}</p>`
      }`;
  }

  private renderState(i: FiscalInfo) {
    const ready = i.state === 'INITIALIZED' && !i.in_outage;
    const canSetUp = i.provider === 'fiskaly' && i.state !== 'INITIALIZED';
    return html`<h3>${t('fiscal.state_title')}</h3>
      <dl>
        <dt>${t('fiscal.provider')}</dt>
        <dd data-testid="fiscal-provider">${this.providerText(i.provider)}</dd>
        <dt>${t('fiscal.state')}</dt>
        <dd data-testid="fiscal-state-text" class=${ready ? 'state-ok' : 'state-bad'}>
          ${this.stateText(i.state)}
        </dd>
        <dt>${t('fiscal.signature_counter')}</dt>
        <dd data-testid="fiscal-counter">${i.tse.signature_counter ?? t('fiscal.none')}</dd>
      </dl>
      ${
        i.in_outage
          ? html`<p class="notice" role="alert" data-testid="fiscal-in-outage">
              ${t('fiscal.in_outage')}
            </p>`
          : nothing
      }
      ${
        canSetUp
          ? html`<div class="row">
              <button class="primary" ?disabled=${this.busy} @click=${() => void this.setup()}>
                ${t('fiscal.setup')}
              </button>
            </div>`
          : nothing
      }`;
  }

  private renderRegistration(i: FiscalInfo) {
    const r = i.registration;
    const none = t('fiscal.none');
    return html`<h3>${t('fiscal.registration_title')}</h3>
      <p class="muted">${t('fiscal.registration_hint')}</p>
      <dl>
        <dt>${t('fiscal.tse_serial')}</dt>
        <dd class="code" data-testid="fiscal-tse-serial">${i.tse.serial_number ?? none}</dd>
        <dt>${t('fiscal.bsi_certificate')}</dt>
        <dd data-testid="fiscal-bsi">${i.tse.bsi_certificate_id ?? none}</dd>
        <dt>${t('fiscal.till_serial')}</dt>
        <dd class="code" data-testid="fiscal-till-serial">${r.till_serial}</dd>
        <dt>${t('fiscal.till_brand_model')}</dt>
        <dd data-testid="fiscal-till-model">${r.till_brand} – ${r.till_model}</dd>
        <dt>${t('fiscal.software')}</dt>
        <dd data-testid="fiscal-software">${r.software_name} ${r.software_version}</dd>
        <dt>${t('fiscal.in_service_since')}</dt>
        <dd data-testid="fiscal-since">
          ${r.in_service_since ? this.when(r.in_service_since) : none}
        </dd>
        <dt>${t('fiscal.signature_algorithm')}</dt>
        <dd>${i.tse.signature_algorithm ?? none}</dd>
        <dt>${t('fiscal.time_format')}</dt>
        <dd>${i.tse.time_format ?? none}</dd>
        <dt>${t('fiscal.public_key')}</dt>
        <dd class="code">${i.tse.public_key ?? none}</dd>
      </dl>`;
  }

  private renderOutages(i: FiscalInfo) {
    return html`<h3>${t('fiscal.outages_title')}</h3>
      ${
        i.outages.length === 0
          ? html`<p class="muted" data-testid="fiscal-no-outages">${t('fiscal.outages_none')}</p>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>${t('fiscal.outage_start')}</th>
                    <th>${t('fiscal.outage_end')}</th>
                    <th class="num">${t('fiscal.outage_unsigned')}</th>
                    <th>${t('fiscal.outage_reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${i.outages.map(
                    (o) =>
                      html`<tr data-testid="fiscal-outage">
                        <td>${this.when(o.start)}</td>
                        <td>${o.end ? this.when(o.end) : t('fiscal.outage_open')}</td>
                        <td class="num">${o.unsigned}</td>
                        <td>${this.reasonText(o)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`;
  }

  private renderExports(i: FiscalInfo) {
    const valid = dateRangeValid(this.from, this.to);
    const hasTse = i.provider !== 'off' && i.provider !== 'unset';
    return html`<h3>${t('fiscal.exports_title')}</h3>
      <div class="stack">
        ${
          hasTse
            ? html`<a
                  class="btn primary"
                  data-testid="fiscal-tar"
                  href=${api.FISCAL_TAR_URL}
                  download
                  >${t('fiscal.tar_export')}</a
                >
                <p class="muted">${t('fiscal.tar_hint')}</p>`
            : nothing
        }
        <admin-date-range
          testid="dsfinvk"
          .from=${this.from}
          .to=${this.to}
          @range-change=${(e: CustomEvent<DateRange>) => ({ from: this.from, to: this.to } = e.detail)}
        ></admin-date-range>
        ${
          valid
            ? html`<a
                class="btn primary"
                data-testid="fiscal-dsfinvk"
                href=${api.dsfinvkUrl(this.from, this.to)}
                download
                >${t('fiscal.dsfinvk_export')}</a
              >`
            : html`<p class="error">${t('settings.range_invalid')}</p>`
        }
        <p class="muted">${t('fiscal.dsfinvk_hint')}</p>
      </div>`;
  }
}
