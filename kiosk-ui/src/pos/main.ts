// Placeholder checkout screen until the UI lands: shows the catalog from the daemon.
import { LitElement, html, css } from 'lit';
import type { Product } from '../../../daemon/protocol.js';

class PosApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      padding: 1rem;
    }
  `;
  static override properties = { products: { state: true } };
  products: Product[] = [];
  override connectedCallback(): void {
    super.connectedCallback();
    void fetch('/api/v1/products').then(async (r) => {
      this.products = ((await r.json()) as { products: Product[] }).products;
    });
  }
  override render() {
    return html`<h1>Counter POS</h1>
      <ul>
        ${this.products.map((p) => html`<li>${p.name}</li>`)}
      </ul>`;
  }
}
customElements.define('pos-app', PosApp);
