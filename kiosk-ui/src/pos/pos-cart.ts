import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Cart, CartLine } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';

/**
 * The cart lines: name, unit price, quantity −/+, remove, line total. The list scrolls inside
 * its own box, so a growing cart never moves the totals or pay bar. The line the last scan or
 * add touched is highlighted and scrolled into view.
 *
 * @fires pos-quantity - {line_id, quantity}: the user changed a line's quantity
 * @fires pos-remove - {line_id}: the user removed a line
 * @fires pos-quantity-keypad - {line_id, name}: the quantity was tapped (keypad)
 */
@customElement('pos-cart')
export class PosCart extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        overflow-y: auto;
        overscroll-behavior: contain;
        background: var(--pos-surface);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto auto auto;
        align-items: center;
        gap: 8px;
        padding: 6px 10px;
        border-bottom: 1px solid #e4e7eb;
        min-height: 60px;
      }
      li.last {
        background: var(--pos-highlight);
        box-shadow: inset 6px 0 0 var(--pos-primary);
      }
      .name {
        font-size: 1.1rem;
        font-weight: 600;
        overflow: hidden;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        /* Lines break between words, never inside one. */
        overflow-wrap: normal;
        word-break: normal;
      }
      .unit {
        color: var(--pos-muted);
        font-size: 0.9rem;
      }
      .qty {
        display: flex;
        align-items: center;
        gap: 4px;
      }
      .qty.follows {
        justify-content: center;
        min-width: 2.2em;
        color: var(--pos-muted);
        font-size: 1.1rem;
      }
      .qty button.count {
        min-width: 2.2em;
        width: auto;
        padding: 0 4px;
        border-color: transparent;
        background: transparent;
        font-size: 1.2rem;
        font-variant-numeric: tabular-nums;
        text-decoration: underline dotted;
      }
      .qty button {
        font-size: 1.5rem;
        padding: 0;
        width: 48px;
      }
      .total {
        min-width: 4.8em;
        text-align: right;
        font-variant-numeric: tabular-nums;
        font-size: 1.1rem;
        font-weight: 600;
      }
      button.remove {
        color: var(--pos-danger);
        padding: 0;
        width: 48px;
        font-size: 1.3rem;
      }
      @media (max-width: 900px) {
        li {
          gap: 4px;
          padding: 4px 6px;
        }
        .name {
          font-size: 0.95rem;
        }
        .qty.follows {
          justify-content: center;
          min-width: 2.2em;
          color: var(--pos-muted);
          font-size: 1.1rem;
        }
        .qty button.count {
          min-width: 1.6em;
          width: auto;
        }
        .qty button:not(.count),
        button.remove {
          width: 40px;
          min-width: 40px;
        }
        .total {
          min-width: 4.2em;
          font-size: 1rem;
        }
      }
      .empty {
        padding: 24px;
        color: var(--pos-muted);
        text-align: center;
        font-size: 1.1rem;
      }
    `,
  ];

  @property({ attribute: false }) cart: Cart | null = null;
  @property({ attribute: false }) currency = 'EUR';
  /** Edits are refused while a payment is pending. */
  @property({ type: Boolean }) locked = false;
  private i18n = new I18nController(this);

  protected override updated(changed: Map<string, unknown>): void {
    if (!changed.has('cart')) return;
    const prev = changed.get('cart') as Cart | null | undefined;
    const version = this.cart?.version;
    // A performance mark once the new cart is on screen (the frame after this update), so the
    // scan → screen time can be measured in the browser (npm run bench, hid_paint).
    if (version !== undefined && version !== prev?.version)
      requestAnimationFrame(() =>
        performance.mark('pos:cart-painted', {
          detail: { version, terminal: this.cart!.terminal_id },
        }),
      );
    const id = this.cart?.last_line_id;
    if (id && (prev?.last_line_id !== id || prev?.version !== this.cart?.version)) {
      this.renderRoot
        .querySelector<HTMLElement>(`li[data-line-id="${CSS.escape(id)}"]`)
        ?.scrollIntoView({ block: 'nearest' });
    }
  }

  override render() {
    const lines = this.cart?.lines ?? [];
    if (lines.length === 0) return html`<p class="empty">${t('cart.empty')}</p>`;
    return html`<ul aria-label=${t('cart.title')}>
      ${repeat(
        lines,
        (l) => l.line_id,
        (l) => this.line(l),
      )}
    </ul>`;
  }

  private line(l: CartLine) {
    const money = (c: number) => formatMoney(c, lang(), this.currency);
    const last = l.line_id === this.cart?.last_line_id;
    // A deposit follows its product: no keys of its own.
    const follows = l.kind === 'deposit';
    return html`<li
      class=${last ? 'last' : ''}
      data-line-id=${l.line_id}
      aria-current=${last ? 'true' : nothing}
    >
      <div>
        <div class="name">${l.name}</div>
        <div class="unit">${this.unitText(l, money)}</div>
      </div>
      ${
        follows
          ? html`<div class="qty follows">${l.quantity}</div>`
          : html`<div class="qty" role="group" aria-label=${t('cart.quantity')}>
              <button
                ?disabled=${this.locked}
                aria-label=${t('cart.decrease', { name: l.name })}
                @click=${() => this.changeQty(l, l.quantity - 1)}
              >
                −
              </button>
              <button
                class="count"
                data-testid="qty-open"
                ?disabled=${this.locked}
                aria-label=${t('qty.open', { name: l.name, n: l.quantity })}
                @click=${() => this.emit('pos-quantity-keypad', { line_id: l.line_id, name: l.name })}
              >
                ${l.quantity}
              </button>
              <button
                ?disabled=${this.locked}
                aria-label=${t('cart.increase', { name: l.name })}
                @click=${() => this.changeQty(l, l.quantity + 1)}
              >
                +
              </button>
            </div>`
      }
      <div class="total">${money(l.line_total_cents - (l.discount_cents ?? 0))}</div>
      ${
        follows
          ? html`<span></span>`
          : html`<button
              class="remove"
              ?disabled=${this.locked}
              aria-label=${t('cart.remove', { name: l.name })}
              @click=${() => this.emit('pos-remove', { line_id: l.line_id })}
            >
              ✕
            </button>`
      }
    </li>`;
  }

  /** Under the name: the unit price, and what kind of line it is when not a plain product. */
  private unitText(l: CartLine, money: (c: number) => string): string {
    const base = this.kindText(l, money);
    return l.discount_cents ? `${base} · ${t('sell.discount')} −${money(l.discount_cents)}` : base;
  }

  private kindText(l: CartLine, money: (c: number) => string): string {
    if (l.kind === 'deposit') return `${money(l.unit_price_cents)} · ${t('sell.deposit')}`;
    if (l.kind === 'deposit_return')
      return `${money(l.unit_price_cents)} · ${t('sell.deposit_returned')}`;
    if (l.open_price) return `${money(l.unit_price_cents)} · ${t('cart.open_price')}`;
    if (l.embedded?.kind === 'weight' && l.embedded.grams !== undefined)
      return t('cart.weight', {
        kg: new Intl.NumberFormat(lang() === 'de' ? 'de-DE' : 'en-GB', {
          minimumFractionDigits: 3,
        }).format(l.embedded.grams / 1000),
        price: money(l.embedded.price_per_kg_cents ?? 0),
      });
    if (l.embedded) return `${money(l.unit_price_cents)} · ${t('cart.label_price')}`;
    return money(l.unit_price_cents);
  }

  private changeQty(l: CartLine, quantity: number): void {
    if (quantity < 1) this.emit('pos-remove', { line_id: l.line_id });
    else this.emit('pos-quantity', { line_id: l.line_id, quantity });
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
