import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { PairingSecret } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, tn, lang, I18nController, type Notice } from '../lib/i18n.js';
import { formatDateTime } from '../lib/format.js';

/**
 * Shows the pairing barcode (an SVG the daemon rendered) with its expiry, and the
 * confirmation once a scanner paired with this terminal. The SVG is shown through an <img>
 * data URL, so even a tampered SVG cannot run script in the page.
 *
 * @fires pos-pairing-close - the dialog was closed
 */
@customElement('pos-pairing-dialog')
export class PosPairingDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      dialog {
        width: min(96vw, 640px);
        text-align: center;
      }
      h2 {
        margin: 0 0 8px;
      }
      .code {
        background: #fff;
        padding: 12px;
        display: flex;
        justify-content: center;
      }
      .code img {
        max-width: 100%;
        height: 140px;
      }
      .confirm {
        font-size: 1.3rem;
        font-weight: 600;
        color: var(--pos-success);
        border: 2px solid var(--pos-success);
        border-radius: var(--pos-radius);
        padding: 12px;
      }
      .refused {
        color: var(--pos-danger);
        font-weight: 600;
      }
      button {
        margin-top: 12px;
        min-width: 160px;
        min-height: 56px;
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ attribute: false }) secret: PairingSecret | null = null;
  /** Why no code can be shown (translated on render). */
  @property({ attribute: false }) error: Notice | null = null;
  /** Set when a scanner paired with this terminal while the dialog is open. */
  @property() paired = '';
  @property({ attribute: false }) refused: Notice | null = null;
  @property() timezone = 'Europe/Berlin';
  @query('dialog') private dialog!: HTMLDialogElement;
  private i18n = new I18nController(this);

  protected override updated(): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  override render() {
    const s = this.secret;
    return html`<dialog
      aria-labelledby="pair-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.close();
      }}
    >
      <h2 id="pair-title">${t('pairing.title')}</h2>
      ${
        this.paired
          ? html`<p class="confirm" role="status" data-testid="pairing-confirmed">
              ${t('pairing.paired', { name: this.paired })}
            </p>`
          : s
            ? html`<p>${t('pairing.hint')}</p>
                <div class="code">
                  <img
                    data-testid="pairing-barcode"
                    alt=${s.secret}
                    src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(s.barcode_svg)}`}
                  />
                </div>
                <p data-testid="pairing-expiry">
                  ${t('pairing.expires', {
                    time: formatDateTime(s.expires_at, lang(), this.timezone),
                  })}
                </p>`
            : this.error
              ? html`<p class="refused" role="alert">${tn(this.error)}</p>`
              : html`<p>${t('common.loading')}</p>`
      }
      ${this.refused ? html`<p class="refused" role="alert">${tn(this.refused)}</p>` : nothing}
      <button class="primary" @click=${this.close}>${t('common.close')}</button>
    </dialog>`;
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('pos-pairing-close', { bubbles: true, composed: true }));
  }
}
