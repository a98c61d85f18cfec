import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatDateTime, isoDateIn, dateRangeValid } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles, pickStyles } from './admin-styles.js';
import './admin-date-range.js';
import type { DateRange } from './admin-date-range.js';
import './admin-printer.js';
import './admin-fleet.js';
import './admin-display-settings.js';
import './admin-tips.js';

/** "kiosk = Kasse 1" lines → {kiosk: "Kasse 1"}; lines without "=" are skipped. */
export function parseTillNames(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_-]{1,64})\s*=\s*(.+?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Shop settings: receipt and shop data (with the shop's language and the tills' names), the
 * receipt printer (<admin-printer>), exports (CSV downloads for a date range: technical,
 * German, DATEV daily revenue), backup download and restore upload (validated by the daemon;
 * it applies at the next start).
 */
@customElement('admin-settings')
export class AdminSettings extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    pickStyles,
    css`
      form,
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
      textarea {
        font: inherit;
        min-height: 5.5em;
        padding: 8px;
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
      }
      a.btn {
        text-decoration: none;
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @property() timezone = 'Europe/Berlin';
  @state() private receipts: api.ReceiptSettings | null = null;
  @state() private receiptMsg = '';
  @state() private receiptErr = '';
  @state() private from = '';
  @state() private to = '';
  @state() private restoreMsg = '';
  @state() private restoreErr = '';
  @state() private restorePending = false;
  @state() private restoreName = '';
  @state() private busy = false;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.from = this.to = isoDateIn(new Date(), this.timezone);
    void this.load();
  }

  private async load(): Promise<void> {
    const [r, s] = await Promise.allSettled([api.getReceiptSettings(), api.restoreStatus()]);
    if (r.status === 'fulfilled') this.receipts = r.value;
    else this.receiptErr = errorText(r.reason);
    if (s.status === 'fulfilled') this.restorePending = s.value.pending;
  }

  private async run(fn: () => Promise<void>, setErr: (m: string) => void): Promise<void> {
    this.busy = true;
    setErr('');
    try {
      await fn();
    } catch (err) {
      setErr(errorText(err));
    } finally {
      this.busy = false;
    }
  }

  private saveReceipts(e: Event): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const body: api.ReceiptSettings = {
      shop_name: String(f.get('shop_name') ?? '').trim(),
      address_lines: String(f.get('address') ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      tax_id: String(f.get('tax_id') ?? '').trim(),
      footer: String(f.get('footer') ?? '').trim(),
      auto_print: f.get('auto_print') === 'on',
      language: f.get('language') === 'en' ? 'en' : 'de',
      terminal_names: parseTillNames(String(f.get('terminal_names') ?? '')),
    };
    this.receiptMsg = '';
    void this.run(
      async () => {
        this.receipts = await api.putReceiptSettings(body);
        this.receiptMsg = t('security.saved');
      },
      (m) => (this.receiptErr = m),
    );
  }

  private restore(e: Event): void {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector<HTMLInputElement>('input[type=file]');
    const file = input?.files?.[0];
    const newIdentity = !!(e.target as HTMLFormElement).querySelector<HTMLInputElement>(
      'input[name=new_identity]',
    )?.checked;
    if (!file) {
      this.restoreErr = t('settings.restore_pick');
      return;
    }
    this.restoreMsg = '';
    void this.run(
      async () => {
        const r = await api.uploadRestore(file, newIdentity);
        this.restorePending = true;
        this.restoreMsg = t(
          r.restart === 'restarting' ? 'settings.restore_restarting' : 'settings.restore_staged',
          { files: r.files, at: formatDateTime(r.created_at, lang(), this.timezone) },
        );
      },
      (m) => (this.restoreErr = m ? t('settings.restore_refused', { message: m }) : ''),
    );
  }

  override render() {
    return html`<h2>${t('nav.settings')}</h2>
      <div class="cols">
        <section class="card" data-testid="receipt-settings">${this.renderReceipts()}</section>
        <section class="card" data-testid="printer-settings">
          <admin-printer></admin-printer>
        </section>
        <section class="card" data-testid="tip-settings">
          <admin-tips></admin-tips>
        </section>
        <section class="card" data-testid="display-settings">
          <admin-display-settings></admin-display-settings>
        </section>
        <section class="card" data-testid="exports">${this.renderExports()}</section>
        <section class="card" data-testid="backup">${this.renderBackup()}</section>
        <section class="card" data-testid="fleet-settings">
          <admin-fleet .timezone=${this.timezone}></admin-fleet>
        </section>
      </div>`;
  }

  private renderReceipts() {
    const r = this.receipts;
    return html`<h3>${t('settings.receipts')}</h3>
      ${
        r
          ? html`<form @submit=${(e: Event) => this.saveReceipts(e)}>
              <label class="field"
                >${t('settings.shop_name')}<input name="shop_name" .value=${r.shop_name}
              /></label>
              <label class="field"
                >${t('settings.address')}<textarea
                  name="address"
                  .value=${r.address_lines.join('\n')}
                ></textarea>
              </label>
              <label class="field"
                >${t('settings.tax_id')}<input name="tax_id" .value=${r.tax_id}
              /></label>
              <label class="field"
                >${t('settings.footer')}<input name="footer" .value=${r.footer}
              /></label>
              <label class="check"
                ><input type="checkbox" name="auto_print" .checked=${r.auto_print} />
                ${t('settings.auto_print')}</label
              >
              <label class="field"
                >${t('settings.language')}
                <select name="language">
                  <option value="de" ?selected=${r.language !== 'en'}>Deutsch</option>
                  <option value="en" ?selected=${r.language === 'en'}>English</option>
                </select></label
              >
              <label class="field"
                >${t('settings.terminal_names')}<textarea
                  name="terminal_names"
                  placeholder="kiosk = Kasse 1"
                  .value=${Object.entries(r.terminal_names ?? {})
                    .map(([id, n]) => `${id} = ${n}`)
                    .join('\n')}
                ></textarea>
              </label>
              <p class="muted">${t('settings.terminal_names_hint')}</p>
              <p class="muted">${t('settings.vat_hint')}</p>
              <div class="row">
                <button class="primary" type="submit" ?disabled=${this.busy}>
                  ${t('common.save')}
                </button>
                ${this.receiptMsg ? html`<span class="ok" role="status">${this.receiptMsg}</span>` : nothing}
              </div>
            </form>`
          : nothing
      }
      ${this.receiptErr ? html`<p class="error" role="alert">${this.receiptErr}</p>` : nothing}`;
  }

  private renderExports() {
    const valid = dateRangeValid(this.from, this.to);
    return html`<h3>${t('settings.exports')}</h3>
      <div class="stack">
        <admin-date-range
          .from=${this.from}
          .to=${this.to}
          @range-change=${(e: CustomEvent<DateRange>) => ({ from: this.from, to: this.to } = e.detail)}
        ></admin-date-range>
        ${
          valid
            ? html`<a
                class="btn primary"
                data-testid="sales-csv"
                href=${api.salesCsvUrl(this.from, this.to)}
                download
                >${t('settings.sales_csv')}</a
              >`
            : html`<p class="error">${t('settings.range_invalid')}</p>`
        }
        ${
          valid
            ? html`<a
                  class="btn primary"
                  data-testid="sales-csv-de"
                  href=${api.salesCsvDeUrl(this.from, this.to)}
                  download
                  >${t('settings.sales_csv_de')}</a
                >
                <a
                  class="btn primary"
                  data-testid="revenue-csv"
                  href=${api.revenueCsvUrl(this.from, this.to)}
                  download
                  >${t('settings.revenue_csv')}</a
                >`
            : ''
        }
        <a class="btn" data-testid="z-csv" href=${api.Z_REPORTS_CSV_URL} download
          >${t('settings.z_csv')}</a
        >
        <a class="btn" data-testid="z-csv-de" href=${api.Z_REPORTS_CSV_DE_URL} download
          >${t('settings.z_csv_de')}</a
        >
        <p class="muted">${t('settings.csv_hint')}</p>
      </div>`;
  }

  private renderBackup() {
    return html`<h3>${t('settings.backup')}</h3>
      <div class="stack">
        <a class="btn primary" data-testid="backup-download" href=${api.BACKUP_URL} download
          >${t('settings.backup_download')}</a
        >
        <p class="muted">${t('settings.backup_hint')}</p>
        <h4>${t('settings.restore')}</h4>
        <form @submit=${(e: Event) => this.restore(e)}>
          <div class="row">
            <label class="pick"
              >${t('settings.restore_file')}<input
                type="file"
                accept=".gz,.tar.gz,application/gzip"
                @change=${(e: Event) =>
                  (this.restoreName = (e.target as HTMLInputElement).files?.[0]?.name ?? '')}
            /></label>
            <span class="chosen muted" data-testid="restore-chosen"
              >${this.restoreName || t('common.no_file')}</span
            >
          </div>
          <label
            ><input type="checkbox" name="new_identity" /> ${t('fleet.restore_new_identity')}</label
          >
          <div class="row">
            <button type="submit" ?disabled=${this.busy}>${t('settings.restore_upload')}</button>
          </div>
        </form>
        ${
          this.restorePending && !this.restoreMsg
            ? html`<p class="notice">${t('settings.restore_pending')}</p>`
            : nothing
        }
        ${this.restoreMsg ? html`<p class="notice" role="status">${this.restoreMsg}</p>` : nothing}
        ${this.restoreErr ? html`<p class="error" role="alert">${this.restoreErr}</p>` : nothing}
      </div>`;
  }
}
