import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { LiveSocket } from '../lib/socket.js';
import type { ConnectionState } from '../lib/backoff.js';
import { t, lang, setLang, initLang, I18nController, type MessageKey } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import '../pos/pos-status-dot.js';
import './admin-login.js';
import './admin-products.js';
import './admin-categories.js';
import './admin-scanners.js';
import './admin-sales.js';
import './admin-security.js';
import './admin-providers.js';
import './admin-employees.js';
import './admin-closing.js';
import './admin-shifts.js';
import './admin-settings.js';
import './admin-fiscal.js';
import './admin-discounts.js';
import './admin-vouchers.js';
import './admin-update.js';

const PAGES = [
  'products',
  'categories',
  'scanners',
  'sales',
  'closing',
  'shifts',
  'vouchers',
  'security',
  'employees',
  'providers',
  'fiscal',
  'settings',
  'update',
] as const;
type Page = (typeof PAGES)[number];

function pageFromHash(hash: string): Page {
  const p = hash.replace(/^#\/?/, '') as Page;
  return PAGES.includes(p) ? p : 'products';
}

/**
 * The admin screens (/admin): a login form until the session cookie exists, then one page per
 * area (hash routing). Live changes arrive on the admin WebSocket and are handed to the
 * pages as `live` messages, so a scanner plugged in shows up without a reload.
 */
@customElement('pos-admin-app')
export class PosAdminApp extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: var(--pos-bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 8px 16px;
        background: #20242b;
        color: #fff;
        flex-wrap: wrap;
      }
      header h1 {
        font-size: 1.2rem;
        margin: 0;
      }
      header pos-status-dot {
        color: #fff;
      }
      nav {
        display: flex;
        gap: 4px;
        flex-wrap: wrap;
        flex: 1;
      }
      nav a,
      header button,
      header a.btn {
        color: #fff;
        background: #353b45;
        border: 1px solid #59606c;
        border-radius: var(--pos-radius);
        padding: 0 12px;
        min-height: 44px;
        display: inline-flex;
        align-items: center;
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        background: var(--pos-primary);
        border-color: var(--pos-primary);
      }
      /* 800x480: one header row of actions and one row of pages that scrolls sideways, so
         the header stays two rows high and the page keeps most of the screen. */
      @media (max-width: 900px) {
        header {
          padding: 6px 8px;
          gap: 8px;
        }
        nav {
          order: 10;
          flex-basis: 100%;
          flex-wrap: nowrap;
          overflow-x: auto;
          scrollbar-width: none;
        }
        nav a {
          flex: none;
          min-height: 40px;
          padding: 0 10px;
        }
        main {
          padding: 8px;
        }
      }
      main {
        padding: 16px;
        max-width: 1200px;
        margin: 0 auto;
      }
      @media print {
        header {
          display: none;
        }
        :host {
          background: #fff;
        }
      }
    `,
  ];

  @state() private loggedIn: boolean | null = null;
  @state() private page: Page = pageFromHash(location.hash);
  @state() private conn: ConnectionState = 'connecting';
  @state() private live: ServerMessage | null = null;
  @state() private timezone = 'Europe/Berlin';
  private i18n = new I18nController(this);
  private socket: LiveSocket | null = null;
  private onHash = () => (this.page = pageFromHash(location.hash));

  override connectedCallback(): void {
    super.connectedCallback();
    initLang();
    window.addEventListener('hashchange', this.onHash);
    void this.checkSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    this.socket?.stop();
  }

  private async checkSession(): Promise<void> {
    try {
      this.loggedIn = await api.adminSession();
    } catch {
      this.loggedIn = false;
    }
    if (this.loggedIn) this.startSocket();
  }

  private startSocket(): void {
    this.socket?.stop();
    this.socket = new LiveSocket({
      query: () => 'role=admin',
      onMessage: (m) => {
        if (m.type === 'snapshot') this.timezone = m.timezone;
        this.live = m;
      },
      onState: (s) => (this.conn = s),
    });
    this.socket.start();
  }

  private async logout(): Promise<void> {
    try {
      await api.adminLogout();
    } finally {
      this.socket?.stop();
      this.socket = null;
      this.loggedIn = false;
    }
  }

  override render() {
    if (this.loggedIn === null) return html`<main>${t('common.loading')}</main>`;
    if (!this.loggedIn)
      return html`<pos-admin-login
        @admin-logged-in=${() => {
          this.loggedIn = true;
          this.startSocket();
        }}
      ></pos-admin-login>`;
    return html`
      <header>
        <h1>${t('admin.title')}</h1>
        <pos-status-dot .state=${this.conn} compact></pos-status-dot>
        <nav aria-label=${t('admin.title')}>
          ${PAGES.map(
            (p) =>
              html`<a href="#${p}" aria-current=${p === this.page ? 'page' : 'false'}
                >${t(`nav.${p}` as MessageKey)}</a
              >`,
          )}
        </nav>
        <a class="btn" href="/pos">${t('nav.pos')}</a>
        <button @click=${() => setLang(lang() === 'de' ? 'en' : 'de')}>
          ${lang() === 'de' ? 'EN' : 'DE'}
        </button>
        <button @click=${() => void this.logout()}>${t('admin.logout')}</button>
      </header>
      <main>${this.renderPage()}</main>
    `;
  }

  private renderPage() {
    switch (this.page) {
      case 'products':
        return html`<admin-products .live=${this.live}></admin-products>`;
      case 'categories':
        return html`<admin-categories .live=${this.live}></admin-categories>
          <admin-discounts></admin-discounts>`;
      case 'scanners':
        return html`<admin-scanners
          .live=${this.live}
          .timezone=${this.timezone}
        ></admin-scanners>`;
      case 'sales':
        return html`<admin-sales .live=${this.live} .timezone=${this.timezone}></admin-sales>`;
      case 'security':
        return html`<admin-security .live=${this.live}></admin-security>`;
      case 'providers':
        return html`<admin-providers .live=${this.live}></admin-providers>`;
      case 'employees':
        return html`<admin-employees></admin-employees>`;
      case 'closing':
        return html`<admin-closing .live=${this.live} .timezone=${this.timezone}></admin-closing>`;
      case 'shifts':
        return html`<admin-shifts .timezone=${this.timezone}></admin-shifts>`;
      case 'vouchers':
        return html`<admin-vouchers .timezone=${this.timezone}></admin-vouchers>`;
      case 'fiscal':
        return html`<admin-fiscal .timezone=${this.timezone}></admin-fiscal>`;
      case 'update':
        return html`<admin-update .timezone=${this.timezone}></admin-update>`;
      case 'settings':
        return html`<admin-settings
          .live=${this.live}
          .timezone=${this.timezone}
        ></admin-settings>`;
    }
  }
}
