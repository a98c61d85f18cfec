import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';

/**
 * Admin login: the token goes to POST /api/v1/admin/login once; the daemon answers with an
 * HttpOnly session cookie. The token is never stored in the browser.
 *
 * @fires admin-logged-in - the session cookie is set
 */
@customElement('pos-admin-login')
export class PosAdminLogin extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: flex;
        min-height: 100vh;
        align-items: center;
        justify-content: center;
      }
      form {
        background: var(--pos-surface);
        border: 1px solid var(--pos-border);
        border-radius: 14px;
        padding: 24px;
        width: min(92vw, 420px);
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      h1 {
        margin: 0;
        font-size: 1.4rem;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-weight: 600;
      }
      .error {
        color: var(--pos-danger);
      }
    `,
  ];

  @state() private error = '';
  @state() private busy = false;
  private i18n = new I18nController(this);

  override render() {
    return html`<form @submit=${this.submit}>
      <h1>${t('admin.title')}</h1>
      <label
        >${t('admin.token')}
        <input name="token" type="password" autocomplete="current-password" required autofocus
      /></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('admin.login')}</button>
    </form>`;
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem('token') as HTMLInputElement;
    this.busy = true;
    this.error = '';
    try {
      await api.adminLogin(input.value);
      input.value = '';
      this.dispatchEvent(new CustomEvent('admin-logged-in', { bubbles: true, composed: true }));
    } catch (err) {
      this.error = t('admin.login_failed', { message: errorText(err) });
    } finally {
      this.busy = false;
    }
  }
}
