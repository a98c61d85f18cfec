import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { PrintResult } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText, refusalNotice } from '../lib/errors.js';
import { t, tn, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/**
 * The receipt printer card of the settings page: how it is connected (USB by VID:PID or the
 * usblp device, network by host and port 9100, or none), its profile, paper width, drawer
 * kick, a test print, and opening the drawer with a note for the audit log. The status line
 * is translated by code; the daemon's technical detail is shown below it for the owner.
 */
@customElement('admin-printer')
export class AdminPrinter extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      form {
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
      .hex {
        width: 6em;
      }
      .status-ok {
        color: var(--pos-success);
        font-weight: 600;
      }
      .status-bad {
        color: var(--pos-danger);
        font-weight: 600;
      }
      select {
        max-width: 100%;
      }
    `,
  ];

  @state() private p: api.PrinterSettingsView | null = null;
  @state() private connection: api.PrinterSettings['connection'] = 'usb';
  @state() private msg = '';
  @state() private err = '';
  @state() private busy = false;
  @state() private drawerReason = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.run(async () => this.show(await api.getPrinterSettings()));
  }

  private show(p: api.PrinterSettingsView): void {
    this.p = p;
    this.connection = p.connection;
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.err = '';
    try {
      await fn();
    } catch (err) {
      this.err = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private save(e: Event): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const body: Partial<api.PrinterSettings> = {
      connection: this.connection,
      model: s('model'),
      paper_width_mm: s('paper') === '58' ? 58 : 80,
      drawer_kick: f.get('drawer_kick') === 'on',
      enabled: f.get('enabled') === 'on',
    };
    if (this.connection === 'usb')
      Object.assign(body, {
        vendor_id: s('vendor_id'),
        product_id: s('product_id'),
        device_path: s('device_path'),
      });
    if (this.connection === 'network')
      Object.assign(body, { host: s('host'), port: Number(s('port') || 9100) });
    this.msg = '';
    void this.run(async () => {
      this.show(await api.putPrinterSettings(body));
      this.msg = t('security.saved');
    });
  }

  private action(fn: () => Promise<PrintResult>): void {
    this.msg = '';
    void this.run(async () => {
      const r = await fn();
      this.msg = r.printed
        ? t('settings.printer_done')
        : tn(refusalNotice({ code: r.code ?? 'printer_failed' }));
      this.show(await api.getPrinterSettings());
    });
  }

  override render() {
    return html`<h3>${t('settings.printer')}</h3>
      ${this.p ? this.renderForm(this.p) : nothing}
      ${this.msg ? html`<p class="notice" role="status">${this.msg}</p>` : nothing}
      ${this.err ? html`<p class="error" role="alert">${this.err}</p>` : nothing}`;
  }

  private renderStatus(s: api.PrinterSettingsView['status']) {
    const line = s.connected
      ? t('settings.printer_connected')
      : tn(refusalNotice({ code: s.code ?? 'printer_not_connected' }));
    // The daemon's own words (the driver's or the system's, in English) stay folded away under
    // "Technische Details" for a support call; the line above is the translated state.
    return html`<p data-testid="printer-status">
        <span class=${s.connected ? 'status-ok' : 'status-bad'}>${line}</span>
        ${s.name ? html` · ${s.name}` : nothing}
      </p>
      ${
        s.message || s.last_error
          ? html`<details class="muted" data-testid="printer-detail">
              <summary>${t('settings.printer_detail')}</summary>
              <span>${s.message ?? s.last_error}</span>
            </details>`
          : nothing
      }`;
  }

  private renderForm(p: api.PrinterSettingsView) {
    const c = this.connection;
    return html`${this.renderStatus(p.status)}
      <form @submit=${(e: Event) => this.save(e)}>
        <div class="row">
          <label class="field"
            >${t('settings.connection')}
            <select
              name="connection"
              @change=${(e: Event) =>
                (this.connection = (e.target as HTMLSelectElement)
                  .value as api.PrinterSettings['connection'])}
            >
              ${(['usb', 'network', 'none'] as const).map(
                (v) =>
                  html`<option value=${v} ?selected=${c === v}>
                    ${t(`settings.connection_${v}`)}
                  </option>`,
              )}
            </select></label
          >
          <label class="field"
            >${t('settings.paper')}
            <select name="paper">
              <option value="80" ?selected=${p.paper_width_mm === 80}>80 mm</option>
              <option value="58" ?selected=${p.paper_width_mm === 58}>58 mm</option>
            </select></label
          >
        </div>
        ${
          c === 'usb'
            ? html`<div class="row">
                  <label class="field"
                    >${t('settings.vendor_id')}<input
                      class="hex"
                      name="vendor_id"
                      placeholder="04b8"
                      .value=${p.vendor_id}
                  /></label>
                  <label class="field"
                    >${t('settings.product_id')}<input
                      class="hex"
                      name="product_id"
                      placeholder="0e28"
                      .value=${p.product_id}
                  /></label>
                  <label class="field"
                    >${t('settings.device_path')}<input
                      name="device_path"
                      placeholder="/dev/usb/lp0"
                      .value=${p.device_path}
                  /></label>
                </div>
                <p class="muted">${t('settings.vid_pid_hint')}</p>`
            : c === 'network'
              ? html`<div class="row">
                  <label class="field"
                    >${t('settings.host')}<input
                      name="host"
                      placeholder="192.168.1.50"
                      .value=${p.host}
                  /></label>
                  <label class="field"
                    >${t('settings.port')}<input
                      class="hex"
                      name="port"
                      inputmode="numeric"
                      .value=${String(p.port)}
                  /></label>
                </div>`
              : nothing
        }
        ${
          c !== 'none'
            ? html`<label class="field"
                  >${t('settings.model')}
                  <select name="model">
                    ${p.models.map(
                      (m) =>
                        html`<option value=${m.id} ?selected=${m.id === p.model}>
                          ${m.name}
                        </option>`,
                    )}
                  </select></label
                >
                <label class="check"
                  ><input type="checkbox" name="enabled" .checked=${p.enabled} />
                  ${t('settings.printer_enabled')}</label
                >
                <label class="check"
                  ><input type="checkbox" name="drawer_kick" .checked=${p.drawer_kick} />
                  ${t('settings.drawer_kick')}</label
                >`
            : html`<input type="hidden" name="model" .value=${p.model} />`
        }
        <div class="row">
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('common.save')}</button>
          ${
            c !== 'none'
              ? html`<button
                  type="button"
                  data-testid="test-print"
                  ?disabled=${this.busy}
                  @click=${() => this.action(api.printTestPage)}
                >
                  ${t('settings.test_print')}
                </button>`
              : nothing
          }
        </div>
      </form>
      ${
        c !== 'none'
          ? html`<div class="row" style="margin-top:10px">
                <label class="field" style="flex:1"
                  >${t('settings.drawer_reason')}
                  <input
                    .value=${this.drawerReason}
                    @input=${(e: Event) =>
                      (this.drawerReason = (e.target as HTMLInputElement).value)}
                /></label>
                <button
                  ?disabled=${this.busy}
                  @click=${() => this.action(() => api.openDrawer(this.drawerReason.trim()))}
                >
                  ${t('settings.open_drawer')}
                </button>
              </div>
              <p class="muted">${t('settings.drawer_audit')}</p>`
          : nothing
      }`;
  }
}
