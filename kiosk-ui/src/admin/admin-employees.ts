import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import '../components/pos-confirm-dialog.js';

type Field = 'name' | 'role' | 'pin' | 'form';

/**
 * Employees for the cashier PIN login: add (name, role, PIN), rename, change role, set a new
 * PIN, deactivate, delete. PINs are write-only: the daemon returns their age, never the PIN.
 */
@customElement('admin-employees')
export class AdminEmployees extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      form.add {
        display: flex;
        flex-wrap: wrap;
        gap: 10px;
        align-items: flex-end;
      }
      .f {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .due {
        color: var(--pos-warning-fg);
        background: var(--pos-warning-bg);
        padding: 2px 6px;
        border-radius: 6px;
      }
      td .pin {
        display: flex;
        gap: 6px;
      }
      td .pin input {
        width: 9em;
      }
      [aria-invalid='true'] {
        border-color: var(--pos-danger);
        border-width: 2px;
      }
    `,
  ];

  @state() private employees: api.Employee[] = [];
  @state() private errors: Partial<Record<Field, string>> = {};
  @state() private rowError: { id: string; message: string } | null = null;
  @state() private status = '';
  @state() private deleting: api.Employee | null = null;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.employees = await api.listEmployees();
    } catch (err) {
      this.errors = { form: errorText(err) };
    }
  }

  private async add(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.errors = {};
    this.status = '';
    try {
      const created = await api.createEmployee({
        name: String(data.get('name') ?? '').trim(),
        role: data.get('role') === 'manager' ? 'manager' : 'cashier',
        pin: String(data.get('pin') ?? ''),
      });
      form.reset();
      this.status = `${t('products.saved')}: ${created.name}`;
      await this.load();
    } catch (err) {
      const f = (err as api.ApiRequestError).field as Field | undefined;
      const msg = errorText(err);
      this.errors = f && ['name', 'role', 'pin'].includes(f) ? { [f]: msg } : { form: msg };
    }
  }

  private async patch(
    emp: api.Employee,
    patch: Parameters<typeof api.updateEmployee>[1],
  ): Promise<boolean> {
    this.rowError = null;
    this.status = '';
    try {
      const next = await api.updateEmployee(emp.id, patch);
      this.employees = this.employees.map((x) => (x.id === emp.id ? next : x));
      this.status = `${t('products.saved')}: ${next.name}`;
      return true;
    } catch (err) {
      this.rowError = { id: emp.id, message: errorText(err) };
      return false;
    }
  }

  private async confirmDelete(): Promise<void> {
    const emp = this.deleting;
    this.deleting = null;
    if (!emp) return;
    try {
      await api.deleteEmployee(emp.id);
      this.employees = this.employees.filter((x) => x.id !== emp.id);
    } catch (err) {
      this.rowError = { id: emp.id, message: errorText(err) };
    }
  }

  override render() {
    const err = (f: Field) =>
      this.errors[f]
        ? html`<span class="field-error" id="emp-err-${f}">${this.errors[f]}</span>`
        : '';
    const inv = (f: Field) => (this.errors[f] ? 'true' : 'false');
    return html`
      <h2>${t('nav.employees')}</h2>
      <form class="add card" @submit=${this.add} novalidate>
        <div class="f">
          <label class="field"
            >${t('employees.name')}
            <input
              name="name"
              autocomplete="off"
              aria-invalid=${inv('name')}
              aria-describedby="emp-err-name"
          /></label>
          ${err('name')}
        </div>
        <div class="f">
          <label class="field"
            >${t('employees.role')}
            <select name="role">
              <option value="cashier">${t('employees.role_cashier')}</option>
              <option value="manager">${t('employees.role_manager')}</option>
            </select></label
          >
        </div>
        <div class="f">
          <label class="field"
            >${t('employees.pin')}
            <input
              name="pin"
              type="password"
              inputmode="numeric"
              autocomplete="new-password"
              aria-invalid=${inv('pin')}
              aria-describedby="emp-err-pin"
          /></label>
          ${err('pin')}
        </div>
        <button class="primary" type="submit">${t('employees.add')}</button>
        ${this.errors.form ? html`<p class="error" role="alert">${this.errors.form}</p>` : ''}
      </form>
      ${this.status ? html`<p class="ok" role="status">${this.status}</p>` : ''}
      ${
        this.employees.length === 0
          ? html`<p class="muted">${t('employees.none')}</p>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>${t('employees.name')}</th>
                    <th>${t('employees.role')}</th>
                    <th>${t('employees.active')}</th>
                    <th>${t('employees.new_pin')}</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${repeat(
                    this.employees,
                    (x) => x.id,
                    (x) => this.row(x),
                  )}
                </tbody>
              </table>
            </div>`
      }
      <pos-confirm-dialog
        ?open=${!!this.deleting}
        .message=${t('employees.delete_confirm', { name: this.deleting?.name ?? '' })}
        .confirmLabel=${t('common.delete')}
        @pos-confirm=${() => void this.confirmDelete()}
        @pos-cancel=${() => (this.deleting = null)}
      ></pos-confirm-dialog>
    `;
  }

  private row(x: api.Employee) {
    const error = this.rowError?.id === x.id ? this.rowError.message : '';
    return html`<tr data-employee-id=${x.id}>
      <td>
        <input
          aria-label="${t('employees.name')}: ${x.name}"
          .value=${x.name}
          @change=${(e: Event) =>
            void this.patch(x, { name: (e.target as HTMLInputElement).value.trim() })}
        />
        ${error ? html`<div class="field-error" role="alert">${error}</div>` : ''}
      </td>
      <td>
        <select
          aria-label="${t('employees.role')}: ${x.name}"
          @change=${(e: Event) =>
            void this.patch(x, {
              role: (e.target as HTMLSelectElement).value === 'manager' ? 'manager' : 'cashier',
            })}
        >
          <option value="cashier" ?selected=${x.role === 'cashier'}>
            ${t('employees.role_cashier')}
          </option>
          <option value="manager" ?selected=${x.role === 'manager'}>
            ${t('employees.role_manager')}
          </option>
        </select>
      </td>
      <td>
        <input
          type="checkbox"
          aria-label="${t('employees.active')}: ${x.name}"
          .checked=${x.active}
          @change=${(e: Event) =>
            void this.patch(x, { active: (e.target as HTMLInputElement).checked })}
        />
      </td>
      <td>
        <form
          class="pin"
          @submit=${async (e: Event) => {
            e.preventDefault();
            const input = (e.target as HTMLFormElement).elements.namedItem(
              'pin',
            ) as HTMLInputElement;
            if (await this.patch(x, { pin: input.value })) input.value = '';
          }}
        >
          <input
            name="pin"
            type="password"
            inputmode="numeric"
            autocomplete="new-password"
            aria-label="${t('employees.new_pin')}: ${x.name}"
          />
          <button type="submit">${t('employees.set_pin')}</button>
        </form>
        <span class=${x.pin_rotation_due ? 'due' : 'muted'}>
          ${
            x.pin_rotation_due
              ? t('employees.rotation_due')
              : t('employees.pin_age', { n: x.pin_age_days })
          }
        </span>
      </td>
      <td>
        <button aria-label="${t('common.delete')}: ${x.name}" @click=${() => (this.deleting = x)}>
          ${t('common.delete')}
        </button>
      </td>
    </tr>`;
  }
}
