/** Layout styles shared by the admin pages: tables, toolbars, forms. */
import { css } from 'lit';

export const pageStyles = css`
  /* Two columns of cards on wide screens, one below 900 px (day closing, settings). */
  .cols {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    gap: 14px;
    align-items: start;
  }
  @media (max-width: 900px) {
    .cols {
      grid-template-columns: 1fr;
    }
  }

  :host {
    display: block;
  }
  h2 {
    margin: 0 0 12px;
    font-size: 1.4rem;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    margin-bottom: 12px;
  }
  .toolbar .grow {
    flex: 1;
  }
  .table-wrap {
    overflow-x: auto;
    max-width: 100%;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    background: var(--pos-surface);
    border: 1px solid var(--pos-border);
    border-radius: var(--pos-radius);
  }
  th,
  td {
    text-align: left;
    padding: 6px 10px;
    border-bottom: 1px solid #e4e7eb;
    vertical-align: middle;
  }
  th {
    background: #eef0f3;
    font-weight: 600;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .muted {
    color: var(--pos-muted);
  }
  .notice {
    padding: 10px 14px;
    border-radius: var(--pos-radius);
    background: var(--pos-warning-bg);
    color: var(--pos-warning-fg);
    margin: 8px 0;
  }
  .ok {
    color: var(--pos-success);
    font-weight: 600;
  }
  .error {
    color: var(--pos-danger);
  }
  .card {
    background: var(--pos-surface);
    border: 1px solid var(--pos-border);
    border-radius: var(--pos-radius);
    padding: 14px;
    margin-bottom: 14px;
  }
  label.field {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-weight: 600;
  }
  label.check {
    display: inline-flex;
    gap: 8px;
    align-items: center;
  }
`;

/**
 * A file field as one button-like label: the browser's own file button speaks the browser's
 * language ("Choose File"), ours speaks the page's. The input stays in the label, unseen; the
 * chosen file's name goes in a `.chosen` beside it.
 */
export const pickStyles = css`
  label.pick {
    display: inline-flex;
    flex-direction: row;
    align-items: center;
    min-height: 44px;
    padding: 0 12px;
    border: 1px solid var(--pos-border);
    border-radius: var(--pos-radius);
    background: var(--pos-surface);
    cursor: pointer;
  }
  label.pick input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
  .chosen {
    align-self: center;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
`;

/** A boxed section with a list of editable rows (categories, quick keys, barcode layouts). */
export const listSectionStyles = css`
  :host {
    display: block;
    min-width: 0;
  }
  section {
    background: var(--pos-surface);
    border: 1px solid var(--pos-border);
    border-radius: var(--pos-radius);
    padding: 12px;
  }
  ol {
    list-style: none;
    margin: 0 0 10px;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  li {
    display: flex;
    gap: 6px;
    align-items: center;
    flex-wrap: wrap;
  }
  li .name {
    flex: 1;
    min-width: 8em;
  }
  input.icon {
    width: 6.5em;
  }
  .count {
    color: var(--pos-muted);
  }
`;
