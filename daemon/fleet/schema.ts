/**
 * The central schema, as versioned migrations the daemon runs (docs/FLEET.md describes the
 * tables). `MIGRATIONS[n - 1]` turns version n - 1 into n; `fleet_schema` records each applied
 * version. Several appliances starting at once are serialised by a transaction-scoped
 * advisory lock: the first migrates, the others find the work done.
 *
 * Version 1: the shipped journal and the typed tables made from it, the fleet_sales view.
 * Version 2: the central catalog (categories, VAT rates, products; NOTIFY on change) and
 *            row-level security for the appliance role `fleet_appliance`.
 * Version 3: a colour per central category (`#rrggbb`, optional): the till's tab colour.
 */
import type { ClientBase } from 'pg';

/** Key of the advisory lock that serialises migrations (any fixed 64-bit number). */
export const MIGRATION_LOCK = 7_318_400_118;
/** The channel the catalog tables NOTIFY on. */
export const CATALOG_CHANNEL = 'fleet_catalog';

const V1 = `
CREATE TABLE appliances (
  appliance_id     text PRIMARY KEY,
  branch_name      text NOT NULL,
  app_version      text,
  first_seen       timestamptz NOT NULL DEFAULT now(),
  last_seen        timestamptz NOT NULL DEFAULT now(),
  last_seq         bigint NOT NULL DEFAULT 0,
  last_shipped_at  timestamptz
);

-- Every journal entry once: (appliance_id, journal_seq) is the key shipping relies on.
CREATE TABLE journal_entries (
  appliance_id  text NOT NULL REFERENCES appliances,
  journal_seq   bigint NOT NULL,
  kind          text NOT NULL,
  at            timestamptz NOT NULL,
  entry         jsonb NOT NULL,
  shipped_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (appliance_id, journal_seq)
);

CREATE TABLE sales (
  appliance_id      text NOT NULL REFERENCES appliances,
  sale_id           text NOT NULL,
  sale_no           integer NOT NULL,
  terminal_id       text NOT NULL,
  provider          text NOT NULL,
  status            text NOT NULL,
  total_cents       bigint NOT NULL,
  tendered_cents    bigint,
  change_cents      bigint,
  cashier           text,
  reason_code       text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  journal_seq       bigint NOT NULL,
  status_seq        bigint NOT NULL,
  PRIMARY KEY (appliance_id, sale_id),
  UNIQUE (appliance_id, sale_no)
);
CREATE INDEX sales_created_at ON sales (created_at);
CREATE INDEX sales_appliance_created_at ON sales (appliance_id, created_at);

CREATE TABLE sale_lines (
  appliance_id      text NOT NULL,
  sale_id           text NOT NULL,
  line_no           integer NOT NULL,
  product_id        text NOT NULL,
  barcode           text,
  name              text NOT NULL,
  unit_price_cents  bigint NOT NULL,
  vat_rate          numeric(5,2) NOT NULL,
  quantity          integer NOT NULL,
  line_total_cents  bigint NOT NULL,
  -- (appliance_id, sale_id) is a sale of the same batch; no foreign key: its check would be
  -- planned once per session on a young table and cost a scan per line as the table grows.
  PRIMARY KEY (appliance_id, sale_id, line_no)
);
CREATE INDEX sale_lines_product ON sale_lines (product_id);

-- Each payment state a sale went through (created = its first state, then every update).
CREATE TABLE payments (
  appliance_id    text NOT NULL REFERENCES appliances,
  journal_seq     bigint NOT NULL,
  sale_id         text NOT NULL,
  provider        text NOT NULL,
  state           text NOT NULL,
  reason_code     text,
  tendered_cents  bigint,
  change_cents    bigint,
  at              timestamptz NOT NULL,
  PRIMARY KEY (appliance_id, journal_seq)
);
CREATE INDEX payments_sale ON payments (appliance_id, sale_id);

CREATE TABLE refunds (
  appliance_id  text NOT NULL REFERENCES appliances,
  refund_id     text NOT NULL,
  refund_no     integer NOT NULL,
  sale_id       text NOT NULL,
  sale_no       integer NOT NULL,
  provider      text NOT NULL,
  method        text NOT NULL,
  total_cents   bigint NOT NULL,
  reason        text NOT NULL,
  lines         jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  journal_seq   bigint NOT NULL,
  PRIMARY KEY (appliance_id, refund_id)
);
CREATE INDEX refunds_appliance_created_at ON refunds (appliance_id, created_at);

CREATE TABLE cash_movements (
  appliance_id  text NOT NULL REFERENCES appliances,
  movement_id   text NOT NULL,
  kind          text NOT NULL,
  amount_cents  bigint NOT NULL,
  reason        text NOT NULL,
  at            timestamptz NOT NULL,
  journal_seq   bigint NOT NULL,
  PRIMARY KEY (appliance_id, movement_id)
);

CREATE TABLE closings (
  appliance_id         text NOT NULL REFERENCES appliances,
  z_no                 integer NOT NULL,
  period_start         timestamptz NOT NULL,
  closed_at            timestamptz NOT NULL,
  sale_count           integer NOT NULL,
  sales_total_cents    bigint NOT NULL,
  refunds_total_cents  bigint NOT NULL,
  expected_cash_cents  bigint NOT NULL,
  counted_cash_cents   bigint NOT NULL,
  difference_cents     bigint NOT NULL,
  next_float_cents     bigint NOT NULL,
  journal_seq          bigint NOT NULL,
  PRIMARY KEY (appliance_id, z_no)
);
CREATE INDEX closings_closed_at ON closings (closed_at);

-- security_invoker: a reader sees through the view what the tables' row-level security lets
-- them see (PostgreSQL 15+).
CREATE VIEW fleet_sales WITH (security_invoker = true) AS
  SELECT appliance_id, sale_no, created_at, total_cents, provider, status FROM sales;
`;

const V2 = `
CREATE TABLE catalog_categories (
  category_id  text PRIMARY KEY,
  name         text NOT NULL UNIQUE
);
CREATE TABLE catalog_vat_rates (
  vat_code      text PRIMARY KEY,
  rate_percent  numeric(5,2) NOT NULL CHECK (rate_percent >= 0 AND rate_percent < 100)
);
CREATE TABLE catalog_products (
  product_id   text PRIMARY KEY CHECK (product_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  barcode      text UNIQUE,
  name         text NOT NULL,
  category_id  text REFERENCES catalog_categories,
  vat_code     text NOT NULL REFERENCES catalog_vat_rates,
  price_cents  integer NOT NULL CHECK (price_cents >= 0),
  active       boolean NOT NULL DEFAULT true,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE catalog_version (
  id          integer PRIMARY KEY CHECK (id = 1),
  version     bigint NOT NULL,
  changed_at  timestamptz NOT NULL
);
INSERT INTO catalog_version VALUES (1, 1, now());

CREATE FUNCTION fleet_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE catalog_version SET version = version + 1, changed_at = now() WHERE id = 1
    RETURNING version INTO v;
  PERFORM pg_notify('${CATALOG_CHANNEL}', v::text);
  RETURN NULL;
END $$;
CREATE TRIGGER catalog_categories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON catalog_categories FOR EACH STATEMENT EXECUTE FUNCTION fleet_catalog_changed();
CREATE TRIGGER catalog_vat_rates_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON catalog_vat_rates FOR EACH STATEMENT EXECUTE FUNCTION fleet_catalog_changed();
CREATE TRIGGER catalog_products_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON catalog_products FOR EACH STATEMENT EXECUTE FUNCTION fleet_catalog_changed();

-- Which database role an appliance belongs to: its first connection claims the id.
ALTER TABLE appliances ADD COLUMN db_role name NOT NULL DEFAULT current_user;

CREATE INDEX journal_entries_at ON journal_entries (at);

-- Row-level security: an appliance role sees and writes only its own appliances' rows.
-- Table owners (the owner role that ran the migrations) are not subject to it.
ALTER TABLE appliances ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_appliance ON appliances
  USING (db_role = current_user) WITH CHECK (db_role = current_user);
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['journal_entries', 'sales', 'sale_lines', 'payments', 'refunds',
                           'cash_movements', 'closings'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY own_rows ON %I USING (appliance_id IN '
      '(SELECT a.appliance_id FROM appliances a)) WITH CHECK (appliance_id IN '
      '(SELECT a.appliance_id FROM appliances a))', t);
  END LOOP;
END $$;
`;

// The column arrives empty: no catalog version bump, the next owner change carries colours.
const V3 = `
ALTER TABLE catalog_categories
  ADD COLUMN color text CHECK (color IS NULL OR color ~ '^#[0-9a-fA-F]{6}$');
`;

export const MIGRATIONS: readonly string[] = [V1, V2, V3];
export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaError extends Error {
  constructor(
    readonly code: 'fleet_schema_newer' | 'fleet_schema_behind',
    message: string,
  ) {
    super(message);
  }
}

/** The version the centre is at (0: no schema yet). */
export async function schemaVersion(c: ClientBase): Promise<number> {
  const r = await c.query<{ v: number | null }>(
    `SELECT CASE WHEN to_regclass('fleet_schema') IS NULL THEN 0 END AS v`,
  );
  if (r.rows[0].v === 0) return 0;
  const m = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM fleet_schema');
  return m.rows[0].v ?? 0;
}

/**
 * Brings the centre to `target` (default: the newest). Each migration runs in its own
 * transaction under the advisory lock, so a crash leaves a whole version or none, and
 * appliances starting together apply each version once. Returns the versions applied here.
 */
export async function migrate(c: ClientBase, target = SCHEMA_VERSION): Promise<number[]> {
  const applied: number[] = [];
  const current = await schemaVersion(c);
  if (current > SCHEMA_VERSION)
    throw new SchemaError(
      'fleet_schema_newer',
      `the centre's schema is version ${current}, newer than this appliance knows (${SCHEMA_VERSION}); update the appliance`,
    );
  if (current >= target) return applied;
  for (;;) {
    await c.query('BEGIN');
    try {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(
        `CREATE TABLE IF NOT EXISTS fleet_schema (
           version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const v = await schemaVersion(c);
      if (v >= target) {
        await c.query('COMMIT');
        return applied;
      }
      await c.query(MIGRATIONS[v]);
      await c.query('INSERT INTO fleet_schema (version) VALUES ($1)', [v + 1]);
      await c.query('COMMIT');
      applied.push(v + 1);
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}
