import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { DisplaySettings } from '../../../daemon/protocol.js';
import * as api from '../lib/api-shifts.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/**
 * Settings → customer display: where the second screen points, how long it shows the change
 * and the receipt QR after a payment, and the shop's logo on its idle screen (uploaded like
 * product images: the daemon normalises it).
 */
@customElement('admin-display-settings')
export class AdminDisplaySettings extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      img {
        max-width: 200px;
        max-height: 100px;
        display: block;
        margin: 6px 0;
      }
      input[type='number'] {
        font: inherit;
        min-height: 40px;
        width: 6em;
      }
    `,
  ];

  @state() private s: DisplaySettings | null = null;
  @state() private msg = '';
  @state() private err = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void api
      .displaySettings()
      .then((s) => (this.s = s))
      .catch((e) => (this.err = t('common.error', { message: errorText(e) })));
  }

  private async run(fn: () => Promise<DisplaySettings>): Promise<void> {
    this.msg = '';
    this.err = '';
    try {
      this.s = await fn();
      this.msg = t('settings.display_saved');
    } catch (e) {
      this.err = t('common.error', { message: errorText(e) });
    }
  }

  override render() {
    void this.i18n;
    const s = this.s;
    return html`<h3>${t('settings.display_title')}</h3>
      <p class="muted">
        ${t('settings.display_hint', { url: `${location.origin}/display/kiosk` })}
      </p>
      ${this.err ? html`<p class="error" role="alert">${this.err}</p>` : nothing}
      ${this.msg ? html`<p class="notice" role="status">${this.msg}</p>` : nothing}
      ${
        !s
          ? html`<p>${t('common.loading')}</p>`
          : html`<form
                class="toolbar"
                @submit=${(e: Event) => {
                  e.preventDefault();
                  const v = Number(new FormData(e.target as HTMLFormElement).get('hold'));
                  void this.run(() => api.saveDisplaySettings({ paid_hold_seconds: v }));
                }}
              >
                <label
                  >${t('settings.display_hold')}
                  <input
                    name="hold"
                    type="number"
                    min="1"
                    max="3600"
                    step="1"
                    .value=${String(s.paid_hold_seconds)}
                /></label>
                <button type="submit">${t('common.save')}</button>
              </form>
              <p>${t('settings.logo')}</p>
              ${
                s.logo_url ? html`<img src=${s.logo_url} alt=${t('settings.logo_alt')} />` : nothing
              }
              <div class="toolbar">
                <label class="btn"
                  >${t('settings.logo_upload')}
                  <input
                    type="file"
                    accept="image/*"
                    hidden
                    data-testid="logo-file"
                    @change=${(e: Event) => {
                      const f = (e.target as HTMLInputElement).files?.[0];
                      if (f) void this.run(() => api.uploadLogo(f));
                    }}
                /></label>
                ${
                  s.logo_url
                    ? html`<button @click=${() => void this.run(api.deleteLogo)}>
                        ${t('settings.logo_remove')}
                      </button>`
                    : nothing
                }
              </div>`
      }`;
  }
}
