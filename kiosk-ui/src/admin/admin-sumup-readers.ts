import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SumUpReaders } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/**
 * SumUp Solo readers: pair one with the code the Solo shows, rename, remove, choose the
 * default reader and the reader of each till. Everything goes through the admin API
 * (/api/v1/admin/sumup/...); SumUp's refusals arrive as the daemon's plain messages.
 */
@customElement('admin-sumup-readers')
export class AdminSumupReaders extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      section {
        margin-top: 24px;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
        margin-top: 8px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      td input {
        width: 100%;
        min-width: 8rem;
      }
      .actions {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
      }
    `,
  ];

  @state() private data: SumUpReaders | null = null;
  @state() private names: Record<string, string> = {};
  @state() private unavailable = false;
  @state() private error = '';
  @state() private status = '';
  @state() private busy = false;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.data = await api.sumupReaders();
      this.names = Object.fromEntries(this.data.readers.map((r) => [r.id, r.name]));
      this.unavailable = false;
    } catch (err) {
      const e = err as api.ApiRequestError;
      if (e.code === 'sumup_not_configured') this.unavailable = true;
      else this.error = errorText(err);
    }
  }

  /** Runs one admin action, then reloads the list; errors stay on screen. */
  private async act(fn: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.status = '';
    try {
      await fn();
      this.status = t('sumup.saved');
      await this.load();
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private pair(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const fd = new FormData(form);
    void this.act(async () => {
      await api.pairSumupReader(String(fd.get('code') ?? ''), String(fd.get('name') ?? ''));
      form.reset();
    });
  }

  private assign(e: SubmitEvent): void {
    e.preventDefault();
    const fd = new FormData(e.target as HTMLFormElement);
    const reader = String(fd.get('reader') ?? '');
    void this.act(() => api.assignSumupReader(String(fd.get('terminal') ?? ''), reader || null));
  }

  override render() {
    if (this.unavailable)
      return html`<h2>${t('sumup.title')}</h2>
        <p class="notice" role="status">${t('sumup.not_configured')}</p>`;
    const d = this.data;
    const readers = d?.readers ?? [];
    return html`
      <h2>${t('sumup.title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.status ? html`<p class="ok" role="status">${this.status}</p>` : ''}
      ${
        readers.length === 0
          ? html`<p class="muted">${t('sumup.none')}</p>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>${t('sumup.name')}</th>
                    <th>${t('sumup.status')}</th>
                    <th>${t('sumup.serial')}</th>
                    <th>${t('sumup.terminals')}</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${readers.map(
                    (r) =>
                      html`<tr data-reader=${r.id}>
                        <td>
                          <input
                            aria-label=${t('sumup.name')}
                            .value=${this.names[r.id] ?? r.name}
                            maxlength="64"
                            @input=${(e: Event) =>
                              (this.names = {
                                ...this.names,
                                [r.id]: (e.target as HTMLInputElement).value,
                              })}
                          />
                          ${r.is_default ? html`<div class="ok">${t('sumup.default')}</div>` : ''}
                        </td>
                        <td>${r.status}</td>
                        <td class="muted">${r.serial}</td>
                        <td>${r.terminals.join(', ') || '–'}</td>
                        <td>
                          <div class="actions">
                            <button
                              ?disabled=${this.busy || (this.names[r.id] ?? r.name) === r.name}
                              @click=${() =>
                                void this.act(() => api.renameSumupReader(r.id, this.names[r.id]))}
                            >
                              ${t('sumup.rename')}
                            </button>
                            ${
                              r.is_default
                                ? ''
                                : html`<button
                                    ?disabled=${this.busy}
                                    @click=${() => void this.act(() => api.setDefaultSumupReader(r.id))}
                                  >
                                    ${t('sumup.make_default')}
                                  </button>`
                            }
                            <button
                              class="danger"
                              ?disabled=${this.busy}
                              @click=${() => void this.act(() => api.removeSumupReader(r.id))}
                            >
                              ${t('sumup.remove')}
                            </button>
                          </div>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <section>
        <h3>${t('sumup.pair_title')}</h3>
        <p class="muted">${t('sumup.pair_hint')}</p>
        <form @submit=${this.pair}>
          <label
            >${t('sumup.pairing_code')}
            <input name="code" required minlength="8" maxlength="9" autocomplete="off" />
          </label>
          <label>${t('sumup.name')} <input name="name" required maxlength="64" /></label>
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('sumup.pair')}</button>
        </form>
      </section>
      ${
        readers.length
          ? html`<section>
              <h3>${t('sumup.assign_title')}</h3>
              <form @submit=${this.assign}>
                <label
                  >${t('sumup.terminal')}
                  <input name="terminal" required maxlength="64" pattern="[A-Za-z0-9_-]+" />
                </label>
                <label
                  >${t('sumup.reader')}
                  <select name="reader">
                    <option value="">${t('sumup.use_default')}</option>
                    ${readers.map((r) => html`<option value=${r.id}>${r.name}</option>`)}
                  </select>
                </label>
                <button type="submit" ?disabled=${this.busy}>${t('sumup.assign')}</button>
              </form>
            </section>`
          : ''
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'admin-sumup-readers': AdminSumupReaders;
  }
}
