import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

export interface DateRange {
  from: string;
  to: string;
}

/**
 * Two date fields, "from" and "to", for the export sections (Settings, Fiscal). Tells its
 * page every change as a `range-change` event with both dates; the page keeps the dates and
 * decides with `dateRangeValid` whether its download links show.
 */
@customElement('admin-date-range')
export class AdminDateRange extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
      }
    `,
  ];

  @property() from = '';
  @property() to = '';
  /** Prefix of the fields' data-testid (`<prefix>-from`, `<prefix>-to`); none when empty. */
  @property() testid = '';
  private i18n = new I18nController(this);

  private change(part: keyof DateRange, e: Event): void {
    const value = (e.target as HTMLInputElement).value;
    const range: DateRange = { from: this.from, to: this.to, [part]: value };
    this.dispatchEvent(
      new CustomEvent<DateRange>('range-change', { detail: range, bubbles: true, composed: true }),
    );
  }

  override render() {
    const id = (part: string) => (this.testid ? `${this.testid}-${part}` : nothing);
    return html`<div class="row">
      <label class="field"
        >${t('settings.from')}<input
          type="date"
          data-testid=${id('from')}
          .value=${this.from}
          @change=${(e: Event) => this.change('from', e)}
      /></label>
      <label class="field"
        >${t('settings.to')}<input
          type="date"
          data-testid=${id('to')}
          .value=${this.to}
          @change=${(e: Event) => this.change('to', e)}
      /></label>
    </div>`;
  }
}
