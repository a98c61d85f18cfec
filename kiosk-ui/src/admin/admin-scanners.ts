import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ScannerInfo, ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { errorText } from '../lib/errors.js';
import { formatDateTime } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/**
 * Scanners: attached and known scanners with their pairing, name (saved on change), keyboard
 * layout (us/de/fr/uk/ch, learned from the pairing or layout-test code) and enabled switch;
 * keyboards that are not read, those that typed like a scanner first with "looks like a
 * scanner – use it as one?"; the layout-test barcode at the end. Hotplug updates arrive as
 * `scanners.changed`.
 */
@customElement('admin-scanners')
export class AdminScanners extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      img.layout-test {
        max-width: 100%;
        background: #fff;
      }
      td input:not([type='checkbox']) {
        width: 100%;
        min-width: 140px;
      }
      .suggestion {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 12px;
        padding: 10px 12px;
        margin-bottom: 12px;
        border: 1px solid #e0b040;
        border-radius: 8px;
        background: #fff4d6;
      }
      @media (max-width: 900px) {
        th.last-seen,
        td.last-seen {
          display: none;
        }
        td input:not([type='checkbox']) {
          min-width: 110px;
        }
      }
      .suggest {
        font-weight: 600;
      }
      .note {
        font-size: 0.85em;
        color: var(--warn-fg, #8a5300);
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @property() timezone = 'Europe/Berlin';
  @state() private scanners: ScannerInfo[] = [];
  @state() private keyboards: ScannerInfo[] = [];
  @state() private error = '';
  @state() private saved = '';
  @state() private layoutTest: api.LayoutTest | null = null;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    void api
      .layoutTest()
      .then((l) => (this.layoutTest = l))
      .catch(() => (this.layoutTest = null));
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (!changed.has('live') || !this.live) return;
    const type = this.live.type;
    if (
      type === 'scanners.changed' ||
      type === 'scanner.paired' ||
      type === 'scanner.unpaired' ||
      type === 'snapshot'
    )
      void this.load();
  }

  private async load(): Promise<void> {
    try {
      const { scanners, keyboards } = await api.listScanners();
      this.scanners = scanners;
      this.keyboards = keyboards;
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async patch(s: ScannerInfo, patch: api.ScannerPatch): Promise<void> {
    this.error = '';
    try {
      const next = await api.updateScanner(s.id, patch);
      const name = next?.name || s.name || s.id;
      this.saved = patch.is_scanner
        ? t('scanners.adopted', { name })
        : `${t('products.saved')}: ${name}`;
    } catch (err) {
      this.error = `${s.name || s.id}: ${errorText(err)}`;
    }
    await this.load();
  }

  override render() {
    return html`
      <h2>${t('nav.scanners')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.saved ? html`<p class="ok" role="status">${this.saved}</p>` : ''}
      ${this.keyboards
        .filter((k) => k.looks_like_scanner)
        .map(
          (k) =>
            html`<div class="suggestion" data-keyboard-id=${k.id}>
              <div>
                <div class="suggest" role="status">${t('scanners.looks_like')}</div>
                ${k.name || k.id}
                <div class="muted">${k.id}</div>
              </div>
              <button class="primary" @click=${() => void this.patch(k, { is_scanner: true })}>
                ${t('scanners.adopt')}
              </button>
            </div>`,
        )}
      ${
        this.scanners.length === 0
          ? html`<p class="muted">${t('scanners.none')}</p>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>${t('scanners.name')}</th>
                    <th>${t('scanners.kind')}</th>
                    <th>${t('scanners.connected')}</th>
                    <th>${t('scanners.terminal')}</th>
                    <th>${t('scanners.layout')}</th>
                    <th>${t('scanners.enabled')}</th>
                    <th class="last-seen">${t('scanners.last_seen')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${repeat(
                    this.scanners,
                    (s) => s.id,
                    (s) =>
                      html`<tr data-scanner-id=${s.id}>
                        <td>
                          <input
                            aria-label="${t('scanners.name')} ${s.id}"
                            .value=${s.name}
                            @change=${(e: Event) =>
                              void this.patch(s, {
                                name: (e.target as HTMLInputElement).value.trim(),
                              })}
                          />
                          <div class="muted">${s.id}</div>
                        </td>
                        <td>
                          ${t(`scanners.kind_${s.kind}`)}
                          ${
                            s.kind === 'keyboard' && s.connected && s.on_list === false
                              ? html`<div class="note">${t('scanners.not_on_list')}</div>`
                              : ''
                          }
                        </td>
                        <td>${s.connected ? t('common.yes') : t('common.no')}</td>
                        <td>
                          ${
                            s.terminal_id
                              ? html`${s.terminal_id}
                                  <button
                                    aria-label="${t('scanners.unpair')}: ${s.name || s.id}"
                                    @click=${() => void this.patch(s, { terminal_id: null })}
                                  >
                                    ${t('scanners.unpair')}
                                  </button>`
                              : html`<span class="muted">${t('scanners.unpaired')}</span>`
                          }
                        </td>
                        <td>
                          <select
                            aria-label="${t('scanners.layout')} ${s.name || s.id}"
                            .value=${s.layout}
                            ?disabled=${s.kind !== 'keyboard'}
                            @change=${(e: Event) =>
                              void this.patch(s, {
                                layout: (e.target as HTMLSelectElement).value as
                                  'us' | 'de' | 'fr' | 'uk' | 'ch',
                              })}
                          >
                            ${(['us', 'de', 'fr', 'uk', 'ch'] as const).map(
                              (l) =>
                                html`<option value=${l} ?selected=${s.layout === l}>${l}</option>`,
                            )}
                          </select>
                        </td>
                        <td>
                          <input
                            type="checkbox"
                            aria-label="${t('scanners.enabled')} ${s.name || s.id}"
                            .checked=${s.enabled}
                            @change=${(e: Event) =>
                              void this.patch(s, {
                                enabled: (e.target as HTMLInputElement).checked,
                              })}
                          />
                        </td>
                        <td class="last-seen">
                          ${s.last_seen_at ? formatDateTime(s.last_seen_at, lang(), this.timezone) : '–'}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      ${
        this.keyboards.some((k) => !k.looks_like_scanner)
          ? html`<h3>${t('scanners.keyboards')}</h3>
              <p class="muted">${t('scanners.keyboards_hint')}</p>
              <div class="table-wrap">
                <table>
                  <tbody>
                    ${this.keyboards
                      .filter((k) => !k.looks_like_scanner)
                      .map(
                        (k) =>
                          html`<tr data-keyboard-id=${k.id}>
                            <td>
                              ${k.name || k.id}
                              <div class="muted">${k.id}</div>
                            </td>
                            <td>
                              <button @click=${() => void this.patch(k, { is_scanner: true })}>
                                ${t('scanners.mark')}
                              </button>
                            </td>
                          </tr>`,
                      )}
                  </tbody>
                </table>
              </div>`
          : ''
      }
      ${
        this.layoutTest
          ? html`<h3>${t('scanners.layout_test')}</h3>
              <p class="muted">${t('scanners.layout_test_hint')}</p>
              <img
                class="layout-test"
                alt=${t('scanners.layout_test')}
                src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(this.layoutTest.barcode_svg)}`}
              />`
          : ''
      }
    `;
  }
}
