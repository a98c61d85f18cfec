import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { tokens, controls } from '../lib/styles.js';
import { t, I18nController } from '../lib/i18n.js';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Cashier PIN login, shown over the till while PIN login is in force and nobody is logged in
 * on this terminal. The PIN is typed on a big keypad (or the keyboard) and shown as dots.
 *
 * @fires pos-pin-submit - {pin, employee_id}: the user submitted a PIN
 */
@customElement('pos-pin-login')
export class PosPinLogin extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 25;
        display: flex;
        align-items: center;
        justify-content: center;
        background: rgb(32 36 43 / 92%);
        user-select: none;
      }
      form {
        background: var(--pos-surface);
        border-radius: 16px;
        padding: 16px 20px;
        width: min(94vw, 520px);
        max-height: 96vh;
        overflow: auto;
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      h2 {
        margin: 0;
        font-size: 1.3rem;
      }
      .who {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .who button[aria-pressed='true'] {
        background: var(--pos-primary);
        color: #fff;
        border-color: var(--pos-primary);
      }
      output {
        font-size: 2rem;
        letter-spacing: 0.4em;
        text-align: center;
        min-height: 1.4em;
      }
      .keys {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 6px;
      }
      .keys button {
        min-height: 52px;
        font-size: 1.4rem;
      }
      .error {
        color: var(--pos-danger);
        font-weight: 600;
        min-height: 1.3em;
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) employees: Array<{ id: string; name: string }> = [];
  @property() error = '';
  @property({ type: Boolean }) busy = false;
  @state() private pin = '';
  @state() private employeeId = '';
  private i18n = new I18nController(this);

  /** Clears the typed PIN (after a failed attempt). */
  reset(): void {
    this.pin = '';
  }

  override render() {
    return html`<form
      role="dialog"
      aria-modal="true"
      aria-labelledby="pin-h"
      @submit=${this.submit}
      @keydown=${this.onKey}
    >
      <h2 id="pin-h">${t('pin.title')}</h2>
      ${
        this.employees.length
          ? html`<div class="who" role="group" aria-label=${t('pin.who')}>
              <button
                type="button"
                aria-pressed=${this.employeeId === '' ? 'true' : 'false'}
                @click=${() => (this.employeeId = '')}
              >
                ${t('pin.anyone')}
              </button>
              ${this.employees.map(
                (e) =>
                  html`<button
                    type="button"
                    aria-pressed=${this.employeeId === e.id ? 'true' : 'false'}
                    @click=${() => (this.employeeId = e.id)}
                  >
                    ${e.name}
                  </button>`,
              )}
            </div>`
          : ''
      }
      <output aria-label=${t('pin.label')} data-testid="pin-dots"
        >${'•'.repeat(this.pin.length)}</output
      >
      <p class="error" role="alert">${this.error}</p>
      <div class="keys">
        ${DIGITS.map((d) => this.key(d))}
        <button type="button" aria-label=${t('pin.digit_back')} @click=${() => this.back()}>
          ⌫
        </button>
        ${this.key('0')}
        <button class="primary" type="submit" ?disabled=${this.busy || this.pin.length < 4}>
          ${t('pin.login')}
        </button>
      </div>
    </form>`;
  }

  private key(d: string) {
    return html`<button type="button" data-digit=${d} @click=${() => this.type(d)}>${d}</button>`;
  }

  private type(d: string): void {
    if (this.pin.length < 8) this.pin += d;
  }

  private back(): void {
    this.pin = this.pin.slice(0, -1);
  }

  private onKey(e: KeyboardEvent): void {
    if (/^[0-9]$/.test(e.key)) this.type(e.key);
    else if (e.key === 'Backspace') this.back();
    else return;
    e.preventDefault();
  }

  private submit(e: Event): void {
    e.preventDefault();
    if (this.pin.length < 4 || this.busy) return;
    this.dispatchEvent(
      new CustomEvent('pos-pin-submit', {
        detail: { pin: this.pin, employee_id: this.employeeId || undefined },
        bubbles: true,
        composed: true,
      }),
    );
  }
}
