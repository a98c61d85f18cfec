import { LitElement, html, css } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { tokens, controls } from '../lib/styles.js';
import { t, I18nController } from '../lib/i18n.js';

/**
 * A modal yes/no question (native <dialog>: focus stays inside, Escape answers "no").
 *
 * @fires pos-confirm - the user answered yes
 * @fires pos-cancel - the user answered no (button, Escape)
 */
@customElement('pos-confirm-dialog')
export class PosConfirmDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      p {
        font-size: 1.25rem;
        margin: 0 0 20px;
      }
      .actions {
        display: flex;
        gap: 12px;
        justify-content: flex-end;
      }
      button {
        min-width: 120px;
        min-height: 56px;
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property() message = '';
  @property({ attribute: 'confirm-label' }) confirmLabel = '';

  @query('dialog') private dialog!: HTMLDialogElement;
  private i18n = new I18nController(this);

  protected override updated(): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  override render() {
    return html`<dialog
      aria-labelledby="msg"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.answer(false);
      }}
    >
      <p id="msg">${this.message}</p>
      <div class="actions">
        <button @click=${() => this.answer(false)}>${t('common.no')}</button>
        <button class="danger" @click=${() => this.answer(true)}>
          ${this.confirmLabel || t('common.yes')}
        </button>
      </div>
    </dialog>`;
  }

  private answer(yes: boolean): void {
    this.dispatchEvent(
      new CustomEvent(yes ? 'pos-confirm' : 'pos-cancel', { bubbles: true, composed: true }),
    );
  }
}
