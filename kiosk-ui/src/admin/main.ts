// Placeholder admin screen until the UI lands.
import { LitElement, html } from 'lit';

class PosAdminApp extends LitElement {
  override render() {
    return html`<h1>Counter POS admin</h1>`;
  }
}
customElements.define('pos-admin-app', PosAdminApp);
