/**
 * Shared design tokens and control styles. Colours meet WCAG 2.1 AA contrast (4.5:1 for text)
 * on their backgrounds; focus is always visible (keyboard and touch users both get a ring).
 */
import { css } from 'lit';

export const tokens = css`
  :host {
    --pos-fg: #1b1f24;
    --pos-muted: #4a5260;
    --pos-bg: #f4f5f7;
    --pos-surface: #ffffff;
    --pos-border: #c9ced6;
    --pos-primary: #0b57d0;
    --pos-primary-dark: #0842a0;
    --pos-on-primary: #ffffff;
    --pos-success: #146c2e;
    --pos-danger: #b3261e;
    --pos-warning-bg: #fff4d6;
    --pos-warning-fg: #5c4200;
    --pos-highlight: #e3edff;
    --pos-focus: #c25400;
    --pos-radius: 10px;
    --pos-touch: 48px;
    color: var(--pos-fg);
    font-family: system-ui, 'DejaVu Sans', sans-serif;
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
`;

export const controls = css`
  button,
  .btn {
    font: inherit;
    min-height: var(--pos-touch);
    min-width: var(--pos-touch);
    padding: 0 16px;
    border-radius: var(--pos-radius);
    border: 1px solid var(--pos-border);
    background: var(--pos-surface);
    color: var(--pos-fg);
    cursor: var(--pos-cursor, pointer);
    touch-action: manipulation;
    user-select: none;
    -webkit-user-select: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    text-decoration: none;
  }
  button:active:not(:disabled) {
    transform: translateY(1px);
    filter: brightness(0.95);
  }
  button.primary,
  .btn.primary {
    background: var(--pos-primary);
    border-color: var(--pos-primary);
    color: var(--pos-on-primary);
    font-weight: 600;
  }
  button.danger {
    background: var(--pos-danger);
    border-color: var(--pos-danger);
    color: #fff;
    font-weight: 600;
  }
  button.success {
    background: var(--pos-success);
    border-color: var(--pos-success);
    color: #fff;
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.55;
    cursor: var(--pos-cursor, not-allowed);
  }
  input,
  select,
  textarea {
    font: inherit;
    min-height: var(--pos-touch);
    padding: 0 12px;
    border: 1px solid var(--pos-border);
    border-radius: var(--pos-radius);
    background: var(--pos-surface);
    color: var(--pos-fg);
  }
  textarea {
    padding: 8px 12px;
  }
  input[type='checkbox'] {
    min-height: 0;
    width: 24px;
    height: 24px;
  }
  :focus-visible {
    outline: 3px solid var(--pos-focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  dialog {
    border: none;
    border-radius: 14px;
    padding: 20px;
    max-width: min(96vw, 720px);
    max-height: 96vh;
    color: var(--pos-fg);
    box-shadow: 0 10px 40px rgb(0 0 0 / 30%);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  .field-error {
    color: var(--pos-danger);
    font-size: 0.9rem;
  }
`;
