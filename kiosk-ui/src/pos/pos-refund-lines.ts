import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Sale } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { newIdempotencyKey } from '../lib/payment.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';
import { refundPartsText } from '../lib/refund-parts.js';

/**
 * One sale's lines in the till's "Verkäufe" dialog, to refund part of a line's quantity (a
 * manager is logged in; the daemon checks): how many of each line are refunded already, − and +
 * to choose how many more, "Erstatten". A deposit that follows its product is not offered: it
 * comes back with the product (the daemon adds it). The amount is the daemon's (a share of what
 * was paid after the discount).
 *
 * @fires pos-refunded - {message, complete}: a part was refunded (complete: nothing is left)
 */
@customElement('pos-refund-lines')
export class PosRefundLines extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        width: 100%;
      }
      ol {
        list-style: none;
        margin: 4px 0 6px;
        padding: 0 0 0 8px;
        border-left: 3px solid var(--pos-border);
      }
      li {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 2px 0;
      }
      .name {
        flex: 1;
        min-width: 0;
        overflow-wrap: normal;
        word-break: normal;
      }
      .done {
        color: var(--pos-muted);
        font-size: 0.9rem;
        white-space: nowrap;
      }
      .qty {
        min-width: 2ch;
        text-align: center;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      button {
        min-height: 44px;
        min-width: 44px;
        padding: 0 10px;
      }
      .error {
        color: var(--pos-danger);
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) sale!: Sale;
  @property({ attribute: false }) currency = 'EUR';
  @state() private refunded: Record<string, number> = {};
  @state() private chosen: Record<number, number> = {};
  @state() private busy = false;
  @state() private error = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.run(async () => {
      this.refunded = (await api.saleRefunds(this.sale.id)).refunded_quantities;
    });
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await fn();
    } catch (err) {
      this.error = errorText(err, this.currency);
    } finally {
      this.busy = false;
    }
  }

  private left(i: number): number {
    return this.sale.lines[i].quantity - (this.refunded[i] ?? 0);
  }

  private refund(i: number): Promise<void> {
    const quantity = this.chosen[i] ?? 1;
    const line = this.sale.lines[i];
    return this.run(async () => {
      const r = await api.refundSale(this.sale.id, {
        parts: [{ line_index: i, quantity }],
        reason: t('till.refund_reason'),
        idempotency_key: newIdempotencyKey(),
      });
      this.refunded = r.refunded_quantities;
      this.chosen = { ...this.chosen, [i]: 1 };
      const complete = this.sale.lines.every((_, j) => this.left(j) <= 0);
      const vars = {
        q: quantity,
        name: line.name,
        amount: formatMoney(r.refund.total_cents, lang(), this.currency),
      };
      // A split sale: which part got what back (cash first, then cards, then vouchers).
      const message = r.refund.payments
        ? t('till.refunded_split', { ...vars, parts: refundPartsText(r.refund, this.currency) })
        : t('till.refunded_part', vars);
      this.dispatchEvent(
        new CustomEvent('pos-refunded', {
          detail: { message, complete },
          bubbles: true,
          composed: true,
        }),
      );
    });
  }

  override render() {
    const lines = this.sale.lines;
    // A deposit right after its product comes back with it.
    const offered = lines
      .map((l, i) => ({ l, i }))
      .filter(({ l, i }) => !(l.kind === 'deposit' && i > 0 && !lines[i - 1].kind));
    return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <ol aria-label=${t('till.partial_of', { n: this.sale.number })}>
        ${offered.map(({ l, i }) => {
          const left = this.left(i);
          const q = Math.min(this.chosen[i] ?? 1, Math.max(left, 1));
          const set = (n: number) => (this.chosen = { ...this.chosen, [i]: n });
          return html`<li data-line=${i}>
            <span class="name" lang="de">${l.name}</span>
            <span class="done"
              >${t('till.refunded_of', { done: l.quantity - left, n: l.quantity })}</span
            >
            <button
              aria-label=${t('till.refund_less', { name: l.name })}
              ?disabled=${this.busy || left <= 0 || q <= 1}
              @click=${() => set(q - 1)}
            >
              −
            </button>
            <span class="qty" data-testid="refund-qty">${left > 0 ? q : 0}</span>
            <button
              aria-label=${t('till.refund_more', { name: l.name })}
              ?disabled=${this.busy || q >= left}
              @click=${() => set(q + 1)}
            >
              +
            </button>
            <button
              class="primary"
              data-testid="refund-part"
              ?disabled=${this.busy || left <= 0}
              @click=${() => void this.refund(i)}
            >
              ${t('till.refund_part')}
            </button>
          </li>`;
        })}
      </ol>`;
  }
}
