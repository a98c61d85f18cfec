/**
 * The customer display of one till: /display/<terminal id>. It opens /ws?display=<id>, which
 * sends only `display` messages (a projection for customers: no cashier, no provider data),
 * and renders the state it is given: the idle screen (shop name and logo), the lines being
 * rung up with discounts and the total, the payment under way, and after a payment the amount
 * given, the change and the receipt's QR code. It has no buttons: nothing on it acts.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { DisplayState } from '../../../daemon/protocol.js';
import { LiveSocket } from '../lib/socket.js';
import type { ConnectionState } from '../lib/backoff.js';
import { I18nController, initLang, lang, setDefaultLang, t } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';
import { providerLabel } from '../lib/providers.js';
import { tokens } from '../lib/styles.js';

/** The terminal id from the path /display/<id>. */
export function displayTerminal(pathname: string): string | null {
  const m = /^\/display\/([A-Za-z0-9_-]{1,64})$/.exec(pathname);
  return m ? m[1] : null;
}

@customElement('pos-display')
export class PosDisplay extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
        height: 100vh;
        background: #10233f;
        color: #fff;
        overflow: hidden;
      }
      .screen {
        height: 100%;
        display: flex;
        flex-direction: column;
      }
      .idle {
        height: 100%;
        display: flex;
        flex-direction: column;
        align-items: center;
        justify-content: center;
        gap: 24px;
        text-align: center;
        padding: 24px;
      }
      .idle img {
        max-width: 60vw;
        max-height: 45vh;
        object-fit: contain;
      }
      .idle h1 {
        font-size: clamp(28px, 7vw, 64px);
        margin: 0;
      }
      .idle p {
        font-size: clamp(18px, 4vw, 32px);
        margin: 0;
        color: #c8d6ee;
      }
      header {
        padding: 10px 20px;
        font-size: 20px;
        color: #c8d6ee;
        display: flex;
        justify-content: space-between;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 20px;
        flex: 1;
        overflow: hidden;
        display: flex;
        flex-direction: column;
        justify-content: flex-end;
      }
      li {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 2px 16px;
        padding: 8px 0;
        border-bottom: 1px solid #2c4468;
        font-size: 24px;
      }
      li .detail {
        font-size: 16px;
        color: #c8d6ee;
      }
      li.discount {
        color: #9be7a8;
      }
      .amount {
        text-align: right;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      footer {
        background: #fff;
        color: #10233f;
        padding: 12px 20px;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .row {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        font-size: 22px;
      }
      .total {
        font-size: 44px;
        font-weight: 700;
      }
      .banner {
        background: #ffd166;
        color: #10233f;
        text-align: center;
        font-size: 26px;
        font-weight: 700;
        padding: 8px;
      }
      .paid {
        height: 100%;
        display: grid;
        grid-template-columns: 1fr auto;
        align-items: center;
        gap: 24px;
        padding: 24px;
      }
      .paid h1 {
        font-size: 44px;
        margin: 0 0 16px;
      }
      .paid .row {
        font-size: 28px;
        gap: 24px;
      }
      .paid .change {
        font-size: 56px;
        font-weight: 700;
        color: #9be7a8;
      }
      .qr {
        background: #fff;
        border-radius: 12px;
        padding: 12px;
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 8px;
        color: #10233f;
        max-width: 42vw;
        text-align: center;
        font-size: 16px;
      }
      .qr img {
        width: min(36vh, 36vw);
        height: min(36vh, 36vw);
      }
      .offline {
        position: fixed;
        left: 0;
        right: 0;
        bottom: 0;
        background: #5c4200;
        color: #fff;
        text-align: center;
        padding: 6px;
        font-size: 16px;
      }
    `,
  ];

  private readonly i18n = new I18nController(this);
  @state() private view: DisplayState | null = null;
  @state() private conn: ConnectionState = 'connecting';
  private socket: LiveSocket | null = null;
  private readonly terminal = displayTerminal(location.pathname);

  override connectedCallback(): void {
    super.connectedCallback();
    initLang();
    if (!this.terminal) return;
    const id = this.terminal;
    this.socket = new LiveSocket({
      query: () => `display=${encodeURIComponent(id)}`,
      onMessage: (msg) => {
        if (msg.type !== 'display') return;
        setDefaultLang(msg.display.language);
        this.view = msg.display;
      },
      onState: (s) => (this.conn = s),
    });
    this.socket.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket?.stop();
  }

  private money(cents: number): string {
    return formatMoney(cents, lang(), this.view?.currency ?? 'EUR');
  }

  override render() {
    void this.i18n;
    const v = this.view;
    const body = !v
      ? nothing
      : v.mode === 'idle'
        ? this.idle(v)
        : v.mode === 'paid'
          ? this.paid(v)
          : this.cart(v);
    return html`<div class="screen" data-mode=${v?.mode ?? 'connecting'}>${body}</div>
      ${
        this.conn === 'connected'
          ? nothing
          : html`<div class="offline" role="status">${t('display.offline')}</div>`
      }`;
  }

  private idle(v: DisplayState) {
    return html`<div class="idle" data-testid="display-idle">
      ${
        v.logo_url
          ? html`<img src=${v.logo_url} alt=${t('display.logo_alt', { shop: v.shop_name })} />`
          : nothing
      }
      <h1 data-testid="display-shop">${v.shop_name}</h1>
      <p>${t('display.welcome')}</p>
    </div>`;
  }

  private cart(v: DisplayState) {
    const paying = v.mode === 'paying';
    return html`${
        paying
          ? html`<div class="banner" data-testid="display-paying">${t('display.paying')}</div>`
          : html`<header>
              <span>${t('display.lines')}</span>
              <span>${t('display.items', { n: v.item_count })}</span>
            </header>`
      }
      <ul data-testid="display-lines">
        ${v.lines.map(
          (l) =>
            html`<li>
              <span>${l.name}</span>
              <span class="amount">${this.money(l.line_total_cents)}</span>
              <span class="detail">${l.quantity} × ${this.money(l.unit_price_cents)}</span>
            </li>`,
        )}
        ${v.discounts.map(
          (d) =>
            html`<li class="discount" data-testid="display-discount">
              <span
                >${
                  d.line_name
                    ? t('display.discount_on', { name: d.line_name })
                    : d.percent !== null
                      ? t('display.discount_percent', { percent: d.percent })
                      : t('display.discount')
                }</span
              >
              <span class="amount">−${this.money(d.amount_cents)}</span>
            </li>`,
        )}
      </ul>
      <footer>
        ${
          v.paid_so_far_cents > 0
            ? // Partly paid: the sum and what is paid are small; what is left to pay is big.
              html`<div class="row">
                  <span>${t('display.total')}</span
                  ><span class="amount" data-testid="display-total"
                    >${this.money(v.total_cents)}</span
                  >
                </div>
                <div class="row">
                  <span>${t('display.paid_so_far')}</span
                  ><span class="amount" data-testid="display-paid-so-far"
                    >${this.money(v.paid_so_far_cents)}</span
                  >
                </div>
                <div class="row total">
                  <span>${t('display.remaining')}</span>
                  <span class="amount" data-testid="display-remaining"
                    >${this.money(v.remaining_cents)}</span
                  >
                </div>`
            : html`<div class="row total">
                <span>${paying ? t('display.to_pay') : t('display.total')}</span>
                <span class="amount" data-testid="display-total">${this.money(v.total_cents)}</span>
              </div>`
        }
      </footer>`;
  }

  private paid(v: DisplayState) {
    const p = v.paid!;
    const providers = [...new Set(p.payments.map((x) => providerLabel(x.provider, lang())))];
    return html`<div class="paid" data-testid="display-paid">
      <div>
        <h1>${t('display.thanks')}</h1>
        <div class="row">
          <span>${t('display.total')}</span><span class="amount">${this.money(p.total_cents)}</span>
        </div>
        ${
          p.tendered_cents !== null
            ? html`<div class="row">
                <span>${t('display.given')}</span>
                <span class="amount" data-testid="display-given"
                  >${this.money(p.tendered_cents)}</span
                >
              </div>`
            : nothing
        }
        ${
          p.tip_cents > 0
            ? html`<div class="row">
                <span>${t('display.tip')}</span
                ><span class="amount">${this.money(p.tip_cents)}</span>
              </div>`
            : nothing
        }
        ${
          p.change_cents !== null
            ? html`<div class="row change">
                <span>${t('display.change')}</span>
                <span class="amount" data-testid="display-change"
                  >${this.money(p.change_cents)}</span
                >
              </div>`
            : nothing
        }
        <div class="row">
          <span>${t('display.paid_with', { provider: providers.join(' + ') })}</span>
        </div>
      </div>
      <div class="qr">
        <img
          data-testid="display-qr"
          alt=${t('display.receipt_qr_alt')}
          src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(p.receipt_qr_svg)}`}
        />
        <span>${t('display.receipt_qr')}</span>
      </div>
    </div>`;
  }
}
