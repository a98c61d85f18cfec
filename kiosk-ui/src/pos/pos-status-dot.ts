import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { tokens } from '../lib/styles.js';
import { t, I18nController } from '../lib/i18n.js';
import type { ConnectionState } from '../lib/backoff.js';

/**
 * The connection status dot: green connected, amber (re)connecting, red offline. The state is
 * also written out (and announced politely), so colour is never the only signal.
 */
@customElement('pos-status-dot')
export class PosStatusDot extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 8px;
        font-size: 0.95rem;
      }
      .dot {
        width: 16px;
        height: 16px;
        border-radius: 50%;
        flex: none;
        border: 2px solid rgb(0 0 0 / 25%);
      }
      .connected {
        background: #1e8e3e;
      }
      .connecting,
      .reconnecting {
        background: #f9ab00;
      }
      .offline {
        background: #d93025;
      }
      .label {
        white-space: nowrap;
      }
      .visually-hidden {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip: rect(0 0 0 0);
        white-space: nowrap;
      }
    `,
  ];

  @property() state: ConnectionState = 'connecting';
  /** Shows only the dot (the label stays for screen readers). */
  @property({ type: Boolean }) compact = false;
  private i18n = new I18nController(this);

  override render() {
    const label = t(`conn.${this.state}`);
    return html`<span class="dot ${this.state}" aria-hidden="true"></span
      ><span
        class="label ${this.compact ? 'visually-hidden' : ''}"
        role="status"
        data-state=${this.state}
        >${label}</span
      >`;
  }
}
