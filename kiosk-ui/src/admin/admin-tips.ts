import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { TipSettings } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/** "5; 10; 12,5" → [5, 10, 12.5]; null when a piece is not a number. */
function numbers(v: string): number[] | null {
  const parts = v
    .split(/[;\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const out = parts.map((x) => Number(x.replace(',', '.')));
  return out.every((n) => Number.isFinite(n)) ? out : null;
}

const decimal = (n: number) => (lang() === 'de' ? String(n).replace('.', ',') : String(n));
const euros = (c: number) => {
  const s = (c / 100).toFixed(2);
  return lang() === 'de' ? s.replace('.', ',') : s;
};

/**
 * Tips (settings section `tips`): whether the till offers the tip step, its percent and amount
 * presets, and who tips belong to (staff: TrinkgeldAN; business: TrinkgeldAG, revenue).
 */
@customElement('admin-tips')
export class AdminTips extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      label {
        display: flex;
        flex-direction: column;
        gap: 2px;
        margin-bottom: 6px;
      }
      label.check {
        flex-direction: row;
        align-items: center;
        gap: 6px;
      }
    `,
  ];

  @state() private settings: TipSettings | null = null;
  @state() private percents = '';
  @state() private amounts = '';
  @state() private error = '';
  @state() private message = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private show(s: TipSettings): void {
    this.settings = s;
    this.percents = s.percents.map(decimal).join('; ');
    this.amounts = s.amounts_cents.map(euros).join('; ');
  }

  private async load(): Promise<void> {
    try {
      this.show(await api.adminTipSettings());
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async save(): Promise<void> {
    this.error = '';
    this.message = '';
    const s = this.settings;
    if (!s) return;
    const percents = numbers(this.percents);
    const amounts = numbers(this.amounts);
    if (!percents || !amounts) {
      this.error = t('tips.not_a_number');
      return;
    }
    try {
      this.show(
        await api.saveTipSettings({
          enabled: s.enabled,
          percents,
          amounts_cents: amounts.map((a) => Math.round(a * 100)),
          tips_recipient: s.tips_recipient,
        }),
      );
      this.message = t('tips.saved');
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    const s = this.settings;
    if (!s) return html`${this.error ? html`<p class="field-error">${this.error}</p>` : ''}`;
    const val = (e: Event) => (e.target as HTMLInputElement).value;
    return html`<h3>${t('tips.title')}</h3>
      ${this.error ? html`<p class="field-error" role="alert">${this.error}</p>` : ''}
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : ''}
      <label class="check"
        ><input
          type="checkbox"
          data-testid="tips-enabled"
          .checked=${s.enabled}
          @change=${(e: Event) =>
            (this.settings = { ...s, enabled: (e.target as HTMLInputElement).checked })}
        />${t('tips.enabled')}</label
      >
      <label
        >${t('tips.percents')}
        <input
          data-testid="tips-percents"
          .value=${this.percents}
          @change=${(e: Event) => (this.percents = val(e))}
      /></label>
      <label
        >${t('tips.amounts')}
        <input
          data-testid="tips-amounts"
          .value=${this.amounts}
          @change=${(e: Event) => (this.amounts = val(e))}
      /></label>
      <p class="count">${t('tips.presets_hint')}</p>
      <label
        >${t('tips.recipient')}
        <select
          data-testid="tips-recipient"
          @change=${(e: Event) =>
            (this.settings = {
              ...s,
              tips_recipient: (e.target as HTMLSelectElement)
                .value as TipSettings['tips_recipient'],
            })}
        >
          <option value="staff" ?selected=${s.tips_recipient === 'staff'}>
            ${t('tips.recipient_staff')}
          </option>
          <option value="business" ?selected=${s.tips_recipient === 'business'}>
            ${t('tips.recipient_business')}
          </option>
        </select></label
      >
      <div class="toolbar">
        <button class="primary" data-testid="tips-save" @click=${() => void this.save()}>
          ${t('tips.save')}
        </button>
      </div>`;
  }
}
