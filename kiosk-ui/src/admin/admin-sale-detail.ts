import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Refund, Sale } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText, printNotice, reasonText } from '../lib/errors.js';
import { t, tn, lang, I18nController, type MessageKey } from '../lib/i18n.js';
import { formatMoney, formatTime } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { providerLabel } from '../lib/providers.js';
import { refundPartsText } from '../lib/refund-parts.js';
import { newIdempotencyKey } from '../lib/payment.js';
import { pageStyles } from './admin-styles.js';

/**
 * One sale in the admin sales page: its lines, tendered and change, and refunds (the whole
 * sale or chosen lines, with a reason; the daemon asks for a manager).
 *
 * @fires admin-sale-changed - a refund was booked
 */
@customElement('admin-sale-detail')
export class AdminSaleDetail extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .state-failed,
      .state-cancelled {
        color: var(--pos-danger);
      }
      .state-succeeded {
        color: var(--pos-success);
      }
      tr.refunded td {
        color: var(--pos-muted);
        text-decoration: line-through;
      }
      .tag {
        display: inline-block;
        padding: 0 6px;
        border-radius: 6px;
        background: #eef0f3;
        color: var(--pos-fg, #222);
        font-size: 0.85rem;
        text-decoration: none;
      }
      .refund-box {
        border-top: 1px solid var(--pos-border);
        margin-top: 10px;
        padding-top: 10px;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .refund-box .actions {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
      }
      td.pick input {
        width: 24px;
        height: 24px;
      }
      .result {
        background: #e6f4ea;
        border-radius: var(--pos-radius);
        padding: 8px 12px;
      }
    `,
  ];

  @property({ attribute: false }) sale!: Sale;
  @property() timezone = 'Europe/Berlin';
  /** Refunds of the sale and the lines they cover. */
  @state() private refunds: Refund[] = [];
  @state() private refundedLines: number[] = [];
  @state() private pick: number[] = [];
  @state() private refundReason = '';
  @state() private refundBusy = false;
  @state() private refundError = '';
  /** A split refund stopped half way (a card part refused): what to repeat, and by hand. */
  @state() private stuck: { all: boolean; lines: number[] } | null = null;
  @state() private refundResult: api.RefundResult | null = null;
  private refundKey = newIdempotencyKey();
  private refundSeq = 0;
  private i18n = new I18nController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('sale') && this.sale?.id !== (changed.get('sale') as Sale | undefined)?.id) {
      this.pick = [];
      this.refundError = '';
      this.stuck = null;
      this.refundResult = null;
      this.refundReason = '';
      this.refundKey = newIdempotencyKey();
      void this.loadRefunds();
    }
  }

  private async loadRefunds(): Promise<void> {
    const sale = this.sale;
    const seq = ++this.refundSeq;
    this.refunds = [];
    this.refundedLines = [];
    if (!sale || (sale.state !== 'succeeded' && sale.state !== 'refunded')) return;
    try {
      const r = await api.saleRefunds(sale.id);
      if (seq !== this.refundSeq) return;
      this.refunds = r.refunds;
      this.refundedLines = r.refunded_line_indexes;
    } catch (err) {
      if (seq === this.refundSeq) this.refundError = errorText(err);
    }
  }
  private async refund(sale: Sale, all: boolean, byHand = false): Promise<void> {
    // The rest of a stopped split refund: the same lines again, its card parts by hand.
    const lines = byHand && this.stuck ? this.stuck.lines : [...this.pick].sort((a, b) => a - b);
    if (byHand && this.stuck) all = this.stuck.all;
    if (!this.refundReason.trim()) {
      this.refundError = t('refund.reason_required');
      return;
    }
    this.refundBusy = true;
    this.refundError = '';
    this.refundResult = null;
    try {
      const r = await api.refundSale(sale.id, {
        ...(all ? {} : { line_indexes: lines }),
        reason: this.refundReason.trim(),
        idempotency_key: this.refundKey,
        ...(byHand ? { by_hand: true } : {}),
      });
      this.stuck = null;
      this.refundKey = newIdempotencyKey();
      this.refundResult = r;
      this.refundedLines = r.refunded_line_indexes;
      this.pick = [];
      this.refundReason = '';
      await this.loadRefunds();
      this.dispatchEvent(new CustomEvent('admin-sale-changed', { bubbles: true, composed: true }));
    } catch (err) {
      // A network error keeps the key: trying again cannot refund twice.
      if (!(err instanceof api.ApiRequestError && err.code === 'network'))
        this.refundKey = newIdempotencyKey();
      this.refundError = refundErrorText(err);
      if (err instanceof api.ApiRequestError && err.code === 'refund_part_failed')
        this.stuck = { all, lines };
    } finally {
      this.refundBusy = false;
    }
  }
  override render() {
    return this.renderDetail(this.sale, this.timezone);
  }

  private renderDetail(s: Sale, tz: string) {
    const money = (c: number) => formatMoney(c, lang());
    const refundable = s.state === 'succeeded' || s.state === 'refunded';
    return html`<div class="card" data-testid="sale-detail">
      <h3>${t('sales.detail', { n: s.number })}</h3>
      <p>
        ${formatTime(s.created_at, lang(), tz)} · ${providerLabel(s.provider, lang())} ·
        <span class="state-${s.state}">${t(`state.${s.state}` as MessageKey)}</span>
      </p>
      <div class="table-wrap">
        <table>
          <tbody>
            ${s.lines.map((l, i) => {
              const done = this.refundedLines.includes(i);
              return html`<tr class=${done ? 'refunded' : ''} data-line=${i}>
                ${
                  refundable
                    ? html`<td class="pick">
                        <input
                          type="checkbox"
                          aria-label=${t('refund.pick', { name: l.name })}
                          ?disabled=${done || this.refundBusy}
                          .checked=${!done && this.pick.includes(i)}
                          @change=${(e: Event) => {
                            const on = (e.target as HTMLInputElement).checked;
                            this.pick = on ? [...this.pick, i] : this.pick.filter((x) => x !== i);
                          }}
                        />
                      </td>`
                    : nothing
                }
                <td class="num">${l.quantity}×</td>
                <td>
                  ${l.name}
                  ${done ? html`<span class="tag" data-testid="refunded-tag">${t('refund.done_tag')}</span>` : nothing}
                </td>
                <td class="num">${money(l.unit_price_cents)}</td>
                <td class="num">${money(l.line_total_cents)}</td>
              </tr>`;
            })}
            <tr>
              <th colspan=${refundable ? 4 : 3}>${t('cart.total')}</th>
              <th class="num">${money(s.total_cents)}</th>
            </tr>
          </tbody>
        </table>
      </div>
      ${
        s.tendered_cents !== null
          ? html`<p>
              ${t('sales.tendered')}: ${money(s.tendered_cents)} · ${t('sales.change')}:
              ${money(s.change_cents ?? 0)}
            </p>`
          : ''
      }
      ${
        s.reason
          ? html`<div>
              <p>${t('sales.reason')}: ${reasonText(s)}</p>
              <details>
                <summary>${t('common.details')}</summary>
                ${s.reason}
              </details>
            </div>`
          : ''
      }
      ${refundable ? this.renderRefund(s, tz) : nothing}
    </div>`;
  }
  private renderRefund(s: Sale, tz: string) {
    const money = (c: number) => formatMoney(c, lang());
    const open = s.lines.length - this.refundedLines.length;
    const r = this.refundResult;
    const printed = r ? printNotice(r.print) : null;
    return html`<div class="refund-box" data-testid="refund-box">
      ${this.refunds.map(
        (f) =>
          html`<div class="muted">
            ${t('refund.line', {
              n: f.number,
              amount: money(f.total_cents),
              time: formatTime(f.created_at, lang(), tz),
              method: refundMethodText(f, providerLabel(f.provider, lang())),
            })}
            ${f.reason ? html` – ${f.reason}` : nothing}
          </div>`,
      )}
      ${
        r
          ? html`<div class="result" role="status" data-testid="refund-result">
              <strong
                >${t('refund.ok', { n: r.refund.number, amount: money(r.refund.total_cents) })}</strong
              >
              <div>${refundMethodText(r.refund, providerLabel(r.refund.provider, lang()))}</div>
              ${printed ? html`<div>${tn(printed)}</div>` : nothing}
            </div>`
          : nothing
      }
      ${
        open > 0
          ? html`<label class="field"
                >${t('refund.reason')}
                <input
                  .value=${this.refundReason}
                  placeholder=${t('refund.reason_hint')}
                  @input=${(e: Event) =>
                    (this.refundReason = (e.target as HTMLInputElement).value)}
              /></label>
              <div class="actions">
                <button
                  class="danger"
                  ?disabled=${this.refundBusy || this.pick.length === 0}
                  @click=${() => void this.refund(s, false)}
                >
                  ${t('refund.selected', { n: this.pick.length })}
                </button>
                <button ?disabled=${this.refundBusy} @click=${() => void this.refund(s, true)}>
                  ${this.refundedLines.length ? t('refund.rest') : t('refund.all')}
                </button>
              </div>
              <p class="muted">${t('refund.manager_hint')}</p>`
          : html`<p><strong>${t('refund.full')}</strong></p>`
      }
      ${this.refundError ? html`<p class="error" role="alert">${this.refundError}</p>` : nothing}
      ${
        this.stuck
          ? html`<div class="actions">
              <button
                class="danger"
                data-testid="refund-by-hand"
                ?disabled=${this.refundBusy}
                @click=${() => void this.refund(s, this.stuck?.all ?? true, true)}
              >
                ${t('refund.rest_by_hand')}
              </button>
            </div>`
          : nothing
      }
    </div>`;
  }
}

/** How the money went back, in plain words. */
function refundMethodText(refund: Refund, provider: string): string {
  const method = refund.method;
  if (method === 'split') return t('refund.method_split', { parts: refundPartsText(refund) });
  if (method === 'cash') return t('refund.method_cash');
  if (method === 'provider') return t('refund.method_provider', { provider });
  return t('refund.method_manual');
}

/** The refusal by its code, with a plain-words lead for the cases a manager can act on. */
function refundErrorText(err: unknown): string {
  const e = err instanceof api.ApiRequestError ? err : null;
  if (e?.code === 'network') return t('refund.network');
  const lead =
    e?.code === 'cashier_login_required' || e?.code === 'role_required'
      ? t('refund.need_manager')
      : e?.status === 502
        ? t('refund.provider_unclear')
        : '';
  return [t('refund.failed', { message: errorText(err) }), lead].filter(Boolean).join(' ');
}
