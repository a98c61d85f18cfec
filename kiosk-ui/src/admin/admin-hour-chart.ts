import { LitElement, html, svg, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DailyReport } from '../../../daemon/protocol.js';
import { hourChart } from '../lib/chart.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';
import { tokens } from '../lib/styles.js';

/** Revenue per hour of one day as an SVG bar chart (hours in the daemon's TIMEZONE). */
@customElement('admin-hour-chart')
export class AdminHourChart extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
      }
      svg {
        width: 100%;
        height: auto;
        font-size: 12px;
      }
      .bar {
        fill: var(--pos-primary);
      }
      .grid {
        stroke: #d5d9df;
      }
      text {
        fill: var(--pos-muted);
      }
    `,
  ];

  @property({ attribute: false }) byHour: DailyReport['by_hour'] = [];
  @property() currency = 'EUR';
  private i18n = new I18nController(this);

  override render() {
    const c = hourChart(this.byHour);
    const money = (v: number) => formatMoney(v, lang(), this.currency);
    return html`<svg
      viewBox="0 0 ${c.width} ${c.height}"
      role="img"
      aria-label=${t('sales.revenue_per_hour')}
      data-testid="hour-chart"
    >
      ${c.ticks.map(
        (tk) =>
          svg`<line class="grid" x1=${c.plot.left} x2=${c.plot.right} y1=${tk.y} y2=${tk.y}></line>
            <text x=${c.plot.left - 6} y=${tk.y + 4} text-anchor="end">${money(tk.cents)}</text>`,
      )}
      ${c.bars.map(
        (b) =>
          svg`${
            b.height > 0
              ? svg`<rect class="bar" x=${b.x} y=${b.y} width=${b.width} height=${b.height}>
                <title>${String(b.hour).padStart(2, '0')}:00 – ${money(b.total_cents)} (${b.count})</title>
              </rect>`
              : ''
          }
            ${
              b.hour % 3 === 0
                ? svg`<text x=${b.x + b.width / 2} y=${c.height - 8} text-anchor="middle">${String(b.hour).padStart(2, '0')}</text>`
                : ''
            }`,
      )}
    </svg>`;
  }
}
