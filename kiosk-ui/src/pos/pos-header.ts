import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnectionState } from '../lib/backoff.js';
import type { CashierInfo } from '../lib/api.js';
import { t, lang, setLang, I18nController } from '../lib/i18n.js';
import type { TerminalChoice } from '../lib/terminal.js';
import { tokens, controls } from '../lib/styles.js';
import './pos-status-dot.js';

/**
 * The till's top bar: which till this is, the connection dot, the cashier's logout, reprint,
 * scanner pairing, watching another till, and the language switch.
 *
 * @fires pos-logout - the cashier logs out
 * @fires pos-reprint - print the last receipt again
 * @fires pos-sales - today's sales (void, receipt again)
 * @fires pos-pair - open the scanner pairing dialog
 * @fires pos-watch - {terminal_id | null}: watch another till (null: back to this browser's own)
 */
@customElement('pos-header')
export class PosHeader extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 4px 8px;
        background: #20242b;
        color: #fff;
        min-height: 56px;
      }
      .who {
        font-weight: 600;
        font-size: 1.05rem;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .spacer {
        flex: 1;
      }
      button {
        background: #353b45;
        color: #fff;
        border-color: #59606c;
        min-height: 44px;
        padding: 0 12px;
      }
      pos-status-dot {
        --pos-fg: #fff;
        color: #fff;
      }
      .short {
        display: none;
      }
      /* 800 px wide: room for the cashier's logout and "watch kiosk" next to it. */
      @media (max-width: 900px) {
        .long {
          display: none;
        }
        .short {
          display: inline;
        }
      }
    `,
  ];

  @property({ attribute: false }) choice!: TerminalChoice;
  /** The till's name from the daemon ("Kasse 1"), else "Kasse <id>". */
  @property({ attribute: false }) name: string | null = null;
  @property({ attribute: false }) conn: ConnectionState = 'connecting';
  @property({ attribute: false }) cashier: CashierInfo | null = null;
  /** The kiosk's till id (offered to remote browsers as "watch the kiosk"). */
  @property({ attribute: false }) kioskId = '';
  /** A receipt printer is set up (else no reprint button). */
  @property({ type: Boolean }) printer = false;
  /** This browser is not the kiosk screen itself. */
  @property({ type: Boolean }) remote = false;
  private i18n = new I18nController(this);

  override render() {
    const { choice } = this;
    const name = this.name || t('terminal.label', { id: choice.id });
    return html`
      <span class="who" data-testid="terminal-label">
        ${choice.watching ? t('terminal.watching', { name }) : name}
      </span>
      <pos-status-dot .state=${this.conn} ?compact=${this.conn !== 'connected'}></pos-status-dot>
      <span class="spacer"></span>
      ${
        this.cashier
          ? html`<button @click=${() => this.emit('pos-logout')}>
              ${t('pin.logout', { name: this.cashier.name })}
            </button>`
          : nothing
      }
      ${
        this.printer
          ? html`<button
              data-testid="reprint-last"
              aria-label=${t('receipt.reprint_last')}
              @click=${() => this.emit('pos-reprint')}
            >
              <span class="long">${t('receipt.reprint_last')}</span
              ><span class="short">${t('receipt.reprint_short')}</span>
            </button>`
          : nothing
      }
      <button data-testid="till-sales" @click=${() => this.emit('pos-sales')}>
        ${t('till.sales')}
      </button>
      <button data-testid="pair-button" @click=${() => this.emit('pos-pair')}>
        ${t('pairing.button')}
      </button>
      ${
        choice.watching
          ? html`<button @click=${() => this.emit('pos-watch', { terminal_id: null })}>
              ${t('terminal.back_own')}
            </button>`
          : this.remote
            ? html`<button @click=${() => this.emit('pos-watch', { terminal_id: this.kioskId })}>
                ${t('terminal.watch_kiosk')}
              </button>`
            : nothing
      }
      <button
        lang=${lang() === 'de' ? 'en' : 'de'}
        aria-label=${`${t('lang.label')}: ${t('lang.switch')}`}
        @click=${() => setLang(lang() === 'de' ? 'en' : 'de')}
      >
        ${lang() === 'de' ? 'EN' : 'DE'}
      </button>
    `;
  }

  private emit(name: string, detail: unknown = {}): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
