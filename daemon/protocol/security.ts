/** Wire types (daemon/protocol.ts): POS security, employees and cashiers, the audit log. */

// ------------------------------------------------------------------ POS security (security/)
/** GET/PUT /api/v1/admin/settings/pos-security. PUT takes any subset of the first four. */
export interface PosSecurityView {
  enabled: boolean;
  allowed_ips: Array<{ ip: string; name: string }>;
  pin_login_enabled: boolean;
  /** null = PIN_IDLE_LOGOUT_MINUTES. */
  pin_idle_logout_minutes: number | null;
  /** Extra host names browsers may use (DNS-rebinding guard); see docs/SECURITY.md. */
  allowed_hosts: string[];
  effective: {
    source: 'settings' | 'ALLOWED_POS_IPS';
    /** Clients are actually restricted (enabled with at least one entry). */
    restricted: boolean;
    entries: string[];
    /** Plain-words note for the admin page (no restriction, env fallback...), or null. */
    message: string | null;
    pin_login_in_force: boolean;
    pin_idle_logout_minutes: number;
  };
  your_ip: string;
  your_ip_allowed: boolean;
}

/** GET /api/v1/admin/current-ip */
export interface CurrentIp {
  ip: string;
  loopback: boolean;
  via_proxy: boolean;
  listed: boolean;
  allowed: boolean;
}

/** /api/v1/admin/employees (the PIN goes in, never out). */
export interface EmployeeInfo {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  active: boolean;
  pin_set_at: string;
  pin_age_days: number;
  pin_rotation_due: boolean;
  created_at: string;
  updated_at: string;
}

export interface CashierInfo {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  terminal_id: string;
}

/** GET /api/v1/terminals/:terminal_id/cashier */
export interface CashierStatus {
  terminal_id: string;
  required: boolean;
  cashier: CashierInfo | null;
  logged_in_elsewhere: boolean;
  idle_logout_minutes: number;
  locked_for_s: number;
  /** Names for a tap-your-name PIN pad (empty when login is not required). */
  employees: Array<{ id: string; name: string }>;
}

/** POST /api/v1/terminals/:terminal_id/cashier/login → (also sets the pos_cashier cookie) */
export interface CashierLogin {
  cashier: CashierInfo;
  /** Send as X-Cashier-Session when a client drives several terminals. */
  session: string;
  idle_logout_minutes: number;
}

/** GET /api/v1/admin/audit */
export interface AuditEntryWire {
  time: string;
  actor: string;
  ip: string | null;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  from: string;
  to: string;
  total: number;
  truncated: boolean;
  entries: AuditEntryWire[];
}
