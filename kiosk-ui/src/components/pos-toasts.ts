import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { tokens, controls } from '../lib/styles.js';
import { t, tn, I18nController } from '../lib/i18n.js';
import type { Toast } from '../lib/toasts.js';

/**
 * Stacked notices (unknown barcode, refused scan, errors) over the top of the screen. They do
 * not take layout space; each can be dismissed by touch; the parent expires them.
 *
 * @fires pos-toast-dismiss - {id}: a toast was tapped away
 */
@customElement('pos-toasts')
export class PosToasts extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        position: fixed;
        top: 56px;
        left: 50%;
        transform: translateX(-50%);
        z-index: 30;
        display: flex;
        flex-direction: column;
        gap: 8px;
        width: min(92vw, 560px);
        pointer-events: none;
      }
      .toast {
        pointer-events: auto;
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 8px 8px 8px 16px;
        border-radius: var(--pos-radius);
        box-shadow: 0 4px 16px rgb(0 0 0 / 25%);
        font-size: 1.15rem;
        background: #262a31;
        color: #fff;
      }
      .error {
        background: var(--pos-danger);
      }
      .success {
        background: var(--pos-success);
      }
      .text {
        flex: 1;
      }
      button {
        background: transparent;
        color: inherit;
        border-color: rgb(255 255 255 / 60%);
      }
    `,
  ];

  @property({ attribute: false }) toasts: readonly Toast[] = [];
  private i18n = new I18nController(this);

  override render() {
    return html`${repeat(
      this.toasts,
      (x) => x.id,
      (x) =>
        html`<div class="toast ${x.kind}" role=${x.kind === 'error' ? 'alert' : 'status'}>
          <span class="text">${tn(x.notice)}</span>
          <button
            aria-label=${t('common.close')}
            @click=${() =>
              this.dispatchEvent(
                new CustomEvent('pos-toast-dismiss', {
                  detail: { id: x.id },
                  bubbles: true,
                  composed: true,
                }),
              )}
          >
            ✕
          </button>
        </div>`,
    )}`;
  }
}
