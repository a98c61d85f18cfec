/**
 * Employees who log in at a till with a PIN: name, role (cashier | manager), active flag, the
 * PIN as a salted scrypt hash and the date it was set. Kept in employees.json (not in
 * settings.json, so the hashes never travel with a settings export).
 *
 * PINs are unique among all employees: a till may log in by PIN alone.
 */
import { DomainError } from '../core/errors.js';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { JsonDocument, Store } from '../store/index.js';
import { hashPin, verifyPin } from './pin-hash.js';
import type { EmployeeInfo } from '../protocol.js';

export type Role = 'cashier' | 'manager';
export const ROLES: readonly Role[] = ['cashier', 'manager'];

export interface Employee {
  id: string;
  name: string;
  role: Role;
  active: boolean;
  pin_hash: string;
  pin_set_at: string;
  created_at: string;
  updated_at: string;
}

/** What the admin API shows: never the hash. */
export type EmployeeView = EmployeeInfo;

interface EmployeesData {
  employees: Employee[];
}

export const EMPLOYEES_DOC = {
  name: 'employees.json',
  schemaVersion: 1,
  defaults: (): EmployeesData => ({ employees: [] }),
};

export class EmployeeError extends DomainError {
  constructor(status: number, code: string, message: string, field?: string) {
    super(status, code, message, field);
  }
}

const DAY = 86_400_000;

export class Employees {
  private constructor(
    private readonly doc: JsonDocument<EmployeesData>,
    private readonly clock: Clock,
    private readonly rotationDays: number,
  ) {}

  static async open(store: Store, clock: Clock, rotationDays: number): Promise<Employees> {
    const doc = await store.document<EmployeesData>(EMPLOYEES_DOC);
    if (!Array.isArray(doc.data.employees)) doc.data.employees = [];
    return new Employees(doc, clock, rotationDays);
  }

  private get all(): Employee[] {
    return this.doc.data.employees;
  }

  activeCount(): number {
    return this.all.filter((e) => e.active).length;
  }

  get(id: string): Employee | undefined {
    return this.all.find((e) => e.id === id);
  }

  view(e: Employee): EmployeeView {
    const age = Math.floor((this.clock.now() - Date.parse(e.pin_set_at)) / DAY);
    const { pin_hash: _hash, ...rest } = e;
    void _hash;
    return {
      ...rest,
      pin_age_days: age,
      pin_rotation_due: this.rotationDays > 0 && age >= this.rotationDays,
    };
  }

  list(): EmployeeView[] {
    return this.all.map((e) => this.view(e));
  }

  /** The active employee whose PIN this is (optionally only that employee), or null. */
  async findByPin(
    pin: string,
    opts: { employeeId?: string; includeInactive?: boolean } = {},
  ): Promise<Employee | null> {
    const candidates = this.all.filter(
      (e) => (e.active || opts.includeInactive) && (!opts.employeeId || e.id === opts.employeeId),
    );
    // All hashes are checked (in parallel on the libuv pool) so the answer time does not tell
    // how far down the list a match was.
    const results = await Promise.all(candidates.map((e) => verifyPin(pin, e.pin_hash)));
    const i = results.indexOf(true);
    return i === -1 ? null : candidates[i];
  }

  private async assertPinFree(pin: string, exceptId?: string): Promise<void> {
    // Inactive employees count too, so re-activating one can never create a clash.
    const hit = await this.findByPin(pin, { includeInactive: true });
    if (hit && hit.id !== exceptId)
      throw new EmployeeError(
        409,
        'pin_in_use',
        'Another employee has this PIN; choose another',
        'pin',
      );
  }

  async create(input: { name: string; role: Role; pin: string }): Promise<Employee> {
    await this.assertPinFree(input.pin);
    const now = new Date(this.clock.now()).toISOString();
    const e: Employee = {
      id: `emp_${randomBytes(6).toString('hex')}`,
      name: input.name,
      role: input.role,
      active: true,
      pin_hash: await hashPin(input.pin),
      pin_set_at: now,
      created_at: now,
      updated_at: now,
    };
    await this.doc.update((d) => void d.employees.push(e));
    return e;
  }

  async update(
    id: string,
    patch: { name?: string; role?: Role; active?: boolean; pin?: string },
  ): Promise<{ before: Employee; after: Employee }> {
    const current = this.get(id);
    if (!current) throw new EmployeeError(404, 'not_found', `No employee ${id}`);
    if (patch.pin !== undefined) await this.assertPinFree(patch.pin, id);
    const before = { ...current };
    const now = new Date(this.clock.now()).toISOString();
    const pinHash = patch.pin !== undefined ? await hashPin(patch.pin) : undefined;
    const after = await this.doc.update(() => {
      const e = this.get(id);
      if (!e) throw new EmployeeError(404, 'not_found', `No employee ${id}`);
      if (patch.name !== undefined) e.name = patch.name;
      if (patch.role !== undefined) e.role = patch.role;
      if (patch.active !== undefined) e.active = patch.active;
      if (pinHash) {
        e.pin_hash = pinHash;
        e.pin_set_at = now;
      }
      e.updated_at = now;
      return { ...e };
    });
    return { before, after };
  }

  async remove(id: string): Promise<Employee> {
    const e = this.get(id);
    if (!e) throw new EmployeeError(404, 'not_found', `No employee ${id}`);
    await this.doc.update((d) => {
      d.employees = d.employees.filter((x) => x.id !== id);
    });
    return e;
  }
}
