import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ProviderInfo, TipSettings } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { centsToInput, formatMoney, parseEuroInput } from '../lib/format.js';
import { providerLabel } from '../lib/providers.js';
import { DEFAULT_TIPS, partRequest, tipOf, type PartRequest } from '../lib/split.js';

/** 12.5 → "12,5" in German. */
const formatPercent = (p: number) => (lang() === 'de' ? String(p).replace('.', ',') : String(p));

/**
 * One payment towards the sale (split payment, "Teilbetrag"): the method, the amount (what
 * remains by default), for cards an optional tip (presets or a free amount, added to what the
 * card is charged), for cash the amount given and "Stimmt so" (the change becomes a tip), for
 * a voucher its code (scanned into the field or typed). In `sell` mode it sells a voucher
 * instead: only the amount.
 *
 * @fires pos-part-confirm - PartRequest
 * @fires pos-voucher-sell - {amount_cents}
 * @fires pos-part-cancel - dismissed
 */
@customElement('pos-split-dialog')
export class PosSplitDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 30;
        display: flex;
        align-items: center;
        justify-content: center;
        background: rgb(0 0 0 / 55%);
      }
      .panel {
        background: var(--pos-surface);
        border-radius: 14px;
        padding: 12px 16px;
        width: min(96vw, 700px);
        max-height: 96vh;
        overflow: auto;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      h2 {
        margin: 0;
        font-size: 1.3rem;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
      }
      .row > span {
        min-width: 7.5em;
        color: var(--pos-muted);
      }
      .methods button,
      .tips button {
        min-height: 48px;
        min-width: 92px;
      }
      button[aria-pressed='true'] {
        outline: 3px solid var(--pos-primary);
        font-weight: 700;
      }
      input {
        font-size: 1.3rem;
        min-height: 44px;
        width: 9em;
        padding: 0 8px;
      }
      input.code {
        width: 12em;
        text-transform: uppercase;
      }
      .sum {
        font-size: 1.2rem;
        font-variant-numeric: tabular-nums;
      }
      .actions {
        display: flex;
        gap: 10px;
        justify-content: flex-end;
      }
      .actions button {
        min-height: 54px;
        min-width: 150px;
        font-size: 1.1rem;
      }
    `,
  ];

  @property({ attribute: false }) providers: ProviderInfo[] = [];
  /** What remains to be paid (the whole cart before the first part). */
  @property({ type: Number }) remaining = 0;
  @property({ attribute: false }) currency = 'EUR';
  @property() mode: 'pay' | 'sell' = 'pay';
  /** The method to start with (a pay-bar button pressed). */
  @property() initial = '';
  /** A voucher code scanned (a scanner's unknown barcode): fills the code, picks voucher. */
  @property() scanned = '';
  @property({ type: Boolean }) busy = false;
  /** The owner's tip step: on/off, percent and amount presets. */
  @property({ attribute: false }) tips: TipSettings = DEFAULT_TIPS;
  @state() private provider = '';
  @state() private amount = '';
  @state() private tip = 0;
  @state() private tipFree = '';
  /** Which preset button set the tip (a percent and an amount preset may give the same cents). */
  @state() private tipPreset = '';
  @state() private given = '';
  @state() private keep = false;
  @state() private code = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.provider = this.initial || this.providers[0]?.id || '';
    this.amount = this.mode === 'sell' ? '' : centsToInput(this.remaining, lang());
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('scanned') && this.scanned) {
      this.provider = 'voucher';
      this.code = this.scanned;
    }
  }

  private money(c: number) {
    return formatMoney(c, lang(), this.currency);
  }

  private request(): PartRequest | null {
    return partRequest({
      provider: this.provider,
      amount: parseEuroInput(this.amount),
      remaining: this.remaining,
      tip: this.tipFree ? parseEuroInput(this.tipFree) : this.tip,
      given: this.given ? parseEuroInput(this.given) : null,
      keep: this.keep && this.tips.enabled,
      code: this.code,
    });
  }

  override render() {
    if (this.mode === 'sell') return this.renderSell();
    const amount = parseEuroInput(this.amount) ?? 0;
    const card = this.provider !== 'cash' && this.provider !== 'voucher';
    const req = this.request();
    return html`<div class="panel" role="dialog" aria-modal="true" aria-labelledby="h">
      <h2 id="h">${t('split.title')}</h2>
      <div class="row">
        <span>${t('split.remaining')}</span>
        <strong class="sum" data-testid="split-remaining">${this.money(this.remaining)}</strong>
      </div>
      <div class="row methods" role="group" aria-label=${t('split.method')}>
        ${this.providers.map(
          (p) =>
            html`<button
              data-method=${p.id}
              aria-pressed=${this.provider === p.id ? 'true' : 'false'}
              @click=${() => {
                this.provider = p.id;
                this.tip = 0;
                this.tipFree = '';
              }}
            >
              ${providerLabel(p.id, lang(), p.label)}
            </button>`,
        )}
      </div>
      <label class="row"
        ><span>${t('split.amount')}</span
        ><input
          data-testid="split-amount"
          inputmode="decimal"
          .value=${this.amount}
          @input=${(e: Event) => (this.amount = (e.target as HTMLInputElement).value)}
      /></label>
      ${
        card && this.tips.enabled
          ? html`<div class="row tips" role="group" aria-label=${t('split.tip')}>
              <span>${t('split.tip')}</span>
              <button
                aria-pressed=${this.tip === 0 && !this.tipFree ? 'true' : 'false'}
                @click=${() => ((this.tip = 0), (this.tipFree = ''))}
              >
                ${t('split.no_tip')}
              </button>
              ${this.tips.percents.map((pct) => {
                const cents = tipOf(amount, pct);
                return html`<button
                  data-tip=${pct}
                  aria-pressed=${this.tip === cents && !this.tipFree && cents > 0 && this.tipPreset === `p${pct}` ? 'true' : 'false'}
                  @click=${() => ((this.tip = cents), (this.tipFree = ''), (this.tipPreset = `p${pct}`))}
                >
                  ${formatPercent(pct)} % · ${this.money(cents)}
                </button>`;
              })}
              ${this.tips.amounts_cents.map(
                (cents) =>
                  html`<button
                    data-tip-amount=${cents}
                    aria-pressed=${this.tip === cents && !this.tipFree && this.tipPreset === `a${cents}` ? 'true' : 'false'}
                    @click=${() => ((this.tip = cents), (this.tipFree = ''), (this.tipPreset = `a${cents}`))}
                  >
                    ${this.money(cents)}
                  </button>`,
              )}
              <input
                data-testid="split-tip"
                inputmode="decimal"
                placeholder=${t('split.tip_free')}
                aria-label=${t('split.tip_free')}
                .value=${this.tipFree}
                @input=${(e: Event) => (this.tipFree = (e.target as HTMLInputElement).value)}
              />
            </div>`
          : nothing
      }
      ${
        this.provider === 'cash'
          ? html`<div class="row">
              <span>${t('split.given')}</span>
              <input
                data-testid="split-given"
                inputmode="decimal"
                .value=${this.given}
                @input=${(e: Event) => (this.given = (e.target as HTMLInputElement).value)}
              />
              ${
                this.tips.enabled
                  ? html`<label
                      ><input
                        type="checkbox"
                        data-testid="split-keep"
                        style="width:auto;min-height:0"
                        .checked=${this.keep}
                        @change=${(e: Event) => (this.keep = (e.target as HTMLInputElement).checked)}
                      />
                      ${t('split.keep_change')}</label
                    >`
                  : nothing
              }
            </div>`
          : nothing
      }
      ${
        this.provider === 'voucher'
          ? html`<label class="row"
              ><span>${t('split.voucher_code')}</span
              ><input
                class="code"
                data-testid="split-code"
                autocomplete="off"
                .value=${this.code}
                @input=${(e: Event) => (this.code = (e.target as HTMLInputElement).value)}
            /></label>`
          : nothing
      }
      <div class="row">
        <span>${t('split.charge')}</span>
        <strong class="sum" data-testid="split-charge"
          >${req ? this.money((req.amount_cents ?? this.remaining) + (req.tip_cents ?? 0)) : '–'}</strong
        >
      </div>
      <div class="actions">
        <button @click=${() => this.emit('pos-part-cancel', {})}>${t('common.cancel')}</button>
        <button
          class="primary"
          data-testid="split-confirm"
          ?disabled=${this.busy || !req}
          @click=${() => req && this.emit('pos-part-confirm', req)}
        >
          ${t('split.pay')}
        </button>
      </div>
    </div>`;
  }

  private renderSell() {
    const cents = parseEuroInput(this.amount);
    return html`<div class="panel" role="dialog" aria-modal="true" aria-labelledby="h">
      <h2 id="h">${t('voucher.sell_title')}</h2>
      <p>${t('voucher.sell_hint')}</p>
      <label class="row"
        ><span>${t('split.amount')}</span
        ><input
          data-testid="voucher-amount"
          inputmode="decimal"
          .value=${this.amount}
          @input=${(e: Event) => (this.amount = (e.target as HTMLInputElement).value)}
      /></label>
      <div class="actions">
        <button @click=${() => this.emit('pos-part-cancel', {})}>${t('common.cancel')}</button>
        <button
          class="primary"
          data-testid="voucher-sell-confirm"
          ?disabled=${this.busy || !cents}
          @click=${() => cents && this.emit('pos-voucher-sell', { amount_cents: cents })}
        >
          ${t('voucher.sell')}
        </button>
      </div>
    </div>`;
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
