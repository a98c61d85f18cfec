/** Styles of the day-closing page and its parts (denomination grid, reconciliation, forms). */
import { css } from 'lit';

export const closingStyles = css`
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: 8px;
  }
  .denom {
    display: grid;
    grid-template-columns: 44px 1fr 44px;
    grid-template-rows: auto auto;
    gap: 2px 4px;
    align-items: center;
    border: 1px solid var(--pos-border);
    border-radius: var(--pos-radius);
    padding: 6px;
    background: #fafbfc;
  }
  .denom.note {
    background: #eef4ff;
  }
  .denom .value {
    grid-column: 1 / -1;
    font-weight: 700;
    display: flex;
    justify-content: space-between;
  }
  .denom .value span {
    font-weight: 400;
    color: var(--pos-muted);
    font-variant-numeric: tabular-nums;
  }
  .denom input {
    width: 100%;
    min-height: 44px;
    text-align: center;
    font-size: 1.15rem;
  }
  .denom button {
    min-height: 44px;
    padding: 0;
    font-size: 1.3rem;
  }
  .recon {
    display: grid;
    grid-template-columns: repeat(3, minmax(0, 1fr));
    gap: 8px;
    text-align: center;
    margin: 12px 0;
  }
  .recon div {
    border: 1px solid var(--pos-border);
    border-radius: var(--pos-radius);
    padding: 8px;
  }
  .recon strong {
    display: block;
    font-size: 1.5rem;
    font-variant-numeric: tabular-nums;
  }
  .recon .missing {
    background: #fde8e8;
    color: var(--pos-danger);
  }
  .recon .over {
    background: var(--pos-warning-bg);
    color: var(--pos-warning-fg);
  }
  .recon .balanced {
    background: #e6f4ea;
    color: var(--pos-success);
  }
  .seg {
    display: inline-flex;
    gap: 4px;
  }
  .seg button[aria-pressed='true'] {
    background: var(--pos-primary);
    color: #fff;
    border-color: var(--pos-primary);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: end;
    margin: 8px 0;
  }
  .row .grow {
    flex: 1;
    min-width: 160px;
  }
  input.money {
    width: 9em;
  }
  .z-number {
    font-size: 1.6rem;
  }
  @media print {
    .no-print,
    .cols > :not(.z-view) {
      display: none !important;
    }
    .card {
      border: none;
    }
  }
`;
