/**
 * What the appliance writes into and reads from the centre (the PostgreSQL of docs/FLEET.md).
 *
 * shipBatch(): one transaction per batch of journal entries.
 *  1. The entries go into journal_entries keyed (appliance_id, journal_seq) with
 *     ON CONFLICT DO NOTHING; RETURNING says which were new.
 *  2. An entry that was there already must be the same entry (a repeated delivery after a
 *     crash between the centre's commit and the local cursor write). A different entry under
 *     the same key means two appliances use one identity (restored from one backup): the
 *     batch is rolled back and shipping stops with `fleet_identity_conflict`.
 *  3. Only the new entries are turned into typed rows (sales, sale_lines, payments, refunds,
 *     cash_movements, closings), in SQL from the stored JSON, so a repeated delivery changes
 *     nothing: every journal entry takes effect exactly once.
 */
import type { ClientBase } from 'pg';
import type { PulledCategory, PulledProduct } from '../catalog/catalog.js';

/** A journal entry ready to ship: its key, kind and time, and its JSON as committed. */
export interface Outgoing {
  q: number;
  e: string;
  at: string;
  text: string;
}

export class IdentityConflict extends Error {
  constructor(readonly firstSeq: number) {
    super(
      `the centre holds a different journal entry ${firstSeq} for this appliance id: another appliance uses the same identity`,
    );
  }
}

/** Registers (or refreshes) this appliance; refused by row-level security for another role's id. */
export async function registerAppliance(
  c: ClientBase,
  a: { id: string; branch: string; version: string },
): Promise<{ lastSeq: number }> {
  const r = await c.query<{ last_seq: string }>(
    `INSERT INTO appliances (appliance_id, branch_name, app_version)
       VALUES ($1, $2, $3)
     ON CONFLICT (appliance_id) DO UPDATE
       SET branch_name = EXCLUDED.branch_name, app_version = EXCLUDED.app_version, last_seen = now()
     RETURNING last_seq`,
    [a.id, a.branch, a.version],
  );
  return { lastSeq: Number(r.rows[0].last_seq) };
}

/**
 * The batch's new entries as rows (appliance_id, journal_seq, kind, at, entry), from the
 * statement's parameters: the typed rows are made from what was just inserted without
 * reading journal_entries back.
 */
const FRESH = `(SELECT $1::text AS appliance_id, u.seq AS journal_seq, u.kind, u.at, u.entry::jsonb AS entry
           FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::text[])
             AS u(seq, kind, at, entry)) j`;

const DERIVE = [
  // A sale as it was created (status follows its updates below).
  `INSERT INTO sales (appliance_id, sale_id, sale_no, terminal_id, provider, status, total_cents,
                      tendered_cents, change_cents, cashier, reason_code, created_at, updated_at,
                      journal_seq, status_seq)
   SELECT j.appliance_id, s->>'id', (s->>'number')::int, s->>'terminal_id', s->>'provider',
          s->>'state', (s->>'total_cents')::bigint, (s->>'tendered_cents')::bigint,
          (s->>'change_cents')::bigint, s->>'cashier', s->>'reason_code',
          (s->>'created_at')::timestamptz, (s->>'updated_at')::timestamptz,
          j.journal_seq, j.journal_seq
     FROM ${FRESH}, LATERAL (SELECT j.entry->'sale' AS s) x
    WHERE j.kind = 'created'
   ON CONFLICT DO NOTHING`,
  `INSERT INTO sale_lines (appliance_id, sale_id, line_no, product_id, barcode, name,
                           unit_price_cents, vat_rate, quantity, line_total_cents)
   SELECT j.appliance_id, j.entry->'sale'->>'id', l.n::int, l.v->>'product_id', l.v->>'barcode',
          l.v->>'name', (l.v->>'unit_price_cents')::bigint, (l.v->>'vat_rate')::numeric,
          (l.v->>'quantity')::int, (l.v->>'line_total_cents')::bigint
     FROM ${FRESH},
          jsonb_array_elements(j.entry->'sale'->'lines') WITH ORDINALITY AS l(v, n)
    WHERE j.kind = 'created'
   ON CONFLICT DO NOTHING`,
  `INSERT INTO payments (appliance_id, journal_seq, sale_id, provider, state, reason_code,
                         tendered_cents, change_cents, at)
   SELECT j.appliance_id, j.journal_seq,
          coalesce(j.entry->'sale'->>'id', j.entry->>'id'),
          coalesce(j.entry->'sale'->>'provider', s.provider, ''),
          coalesce(j.entry->'sale'->>'state', j.entry->>'state'),
          coalesce(j.entry->'sale'->>'reason_code', j.entry->>'reason_code'),
          coalesce(j.entry->'sale'->>'tendered_cents', j.entry->>'tendered_cents')::bigint,
          coalesce(j.entry->'sale'->>'change_cents', j.entry->>'change_cents')::bigint,
          j.at
     FROM ${FRESH}
     LEFT JOIN sales s ON s.appliance_id = j.appliance_id AND s.sale_id = j.entry->>'id'
    WHERE j.kind IN ('created', 'update')
   ON CONFLICT DO NOTHING`,
  // A sale's newest state in this batch, unless a later one is there already.
  `UPDATE sales s
      SET status = u.state, updated_at = u.at, status_seq = u.seq,
          reason_code = coalesce(u.reason_code, s.reason_code),
          tendered_cents = coalesce(u.tendered, s.tendered_cents),
          change_cents = coalesce(u.change, s.change_cents)
     FROM (SELECT DISTINCT ON (j.entry->>'id') j.entry->>'id' AS sale_id,
                  j.entry->>'state' AS state, j.at, j.journal_seq AS seq,
                  j.entry->>'reason_code' AS reason_code,
                  (j.entry->>'tendered_cents')::bigint AS tendered,
                  (j.entry->>'change_cents')::bigint AS change
             FROM ${FRESH}
            WHERE j.kind = 'update'
            ORDER BY j.entry->>'id', j.journal_seq DESC) u
    WHERE s.appliance_id = $1 AND s.sale_id = u.sale_id AND s.status_seq < u.seq`,
  `INSERT INTO refunds (appliance_id, refund_id, refund_no, sale_id, sale_no, provider, method,
                        total_cents, reason, lines, created_at, journal_seq)
   SELECT j.appliance_id, r->>'id', (r->>'number')::int, r->>'sale_id', (r->>'sale_number')::int,
          r->>'provider', r->>'method', (r->>'total_cents')::bigint, coalesce(r->>'reason', ''),
          coalesce(r->'lines', '[]'::jsonb), (r->>'created_at')::timestamptz, j.journal_seq
     FROM ${FRESH}, LATERAL (SELECT j.entry->'refund' AS r) x
    WHERE j.kind = 'refund'
   ON CONFLICT DO NOTHING`,
  `INSERT INTO cash_movements (appliance_id, movement_id, kind, amount_cents, reason, at,
                               journal_seq)
   SELECT j.appliance_id, m->>'id', m->>'kind', (m->>'amount_cents')::bigint,
          coalesce(m->>'reason', ''), (m->>'at')::timestamptz, j.journal_seq
     FROM ${FRESH}, LATERAL (SELECT j.entry->'movement' AS m) x
    WHERE j.kind = 'cash'
   ON CONFLICT DO NOTHING`,
  `INSERT INTO closings (appliance_id, z_no, period_start, closed_at, sale_count,
                         sales_total_cents, refunds_total_cents, expected_cash_cents,
                         counted_cash_cents, difference_cents, next_float_cents, journal_seq)
   SELECT j.appliance_id, (z->>'number')::int, (z->>'period_start')::timestamptz,
          (z->>'at')::timestamptz, (z->>'sale_count')::int, (z->>'sales_total_cents')::bigint,
          (z->>'refunds_total_cents')::bigint, (z->'cash'->>'expected_cents')::bigint,
          (z->>'counted_cents')::bigint, (z->>'difference_cents')::bigint,
          (z->>'next_float_cents')::bigint, j.journal_seq
     FROM ${FRESH}, LATERAL (SELECT j.entry->'z' AS z) x
    WHERE j.kind = 'z'
   ON CONFLICT DO NOTHING`,
];

/**
 * Ships one batch (ascending q) in one transaction; resolves once the centre committed.
 * Returns how many entries were new there (the rest had been delivered before).
 */
export async function shipBatch(
  c: ClientBase,
  applianceId: string,
  batch: Outgoing[],
): Promise<number> {
  const seqs = batch.map((e) => e.q);
  const kinds = batch.map((e) => e.e);
  const ats = batch.map((e) => e.at);
  const texts = batch.map((e) => e.text);
  await c.query('BEGIN');
  try {
    const ins = await c.query<{ journal_seq: string }>(
      `INSERT INTO journal_entries (appliance_id, journal_seq, kind, at, entry)
       SELECT $1, b.seq, b.kind, b.at, b.entry::jsonb
         FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::text[]) AS b(seq, kind, at, entry)
       ON CONFLICT DO NOTHING
       RETURNING journal_seq`,
      [applianceId, seqs, kinds, ats, texts],
    );
    const fresh = ins.rows.map((r) => Number(r.journal_seq));
    if (fresh.length < batch.length) {
      const diff = await c.query<{ first: string | null }>(
        `SELECT min(j.journal_seq) AS first
           FROM journal_entries j
           JOIN unnest($2::bigint[], $3::text[]) AS b(seq, entry)
             ON j.appliance_id = $1 AND j.journal_seq = b.seq
          WHERE j.entry <> b.entry::jsonb`,
        [applianceId, seqs, texts],
      );
      if (diff.rows[0].first !== null) throw new IdentityConflict(Number(diff.rows[0].first));
    }
    if (fresh.length) {
      const isNew = new Set(fresh);
      const rows = batch.filter((e) => isNew.has(e.q));
      const params = [
        applianceId,
        rows.map((e) => e.q),
        rows.map((e) => e.e),
        rows.map((e) => e.at),
        rows.map((e) => e.text),
      ];
      for (const sql of DERIVE) await c.query(sql, params);
    }
    await c.query(
      `UPDATE appliances SET last_seq = greatest(last_seq, $2), last_shipped_at = now(),
                             last_seen = now()
        WHERE appliance_id = $1`,
      [applianceId, seqs[seqs.length - 1]],
    );
    await c.query('COMMIT');
    return fresh.length;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** The central catalog in one consistent snapshot, as local products. */
export async function readCatalog(
  c: ClientBase,
): Promise<{ version: number; products: PulledProduct[]; categories: PulledCategory[] }> {
  await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const v = await c.query<{ version: string; changed_at: Date }>(
      'SELECT version, changed_at FROM catalog_version WHERE id = 1',
    );
    const r = await c.query<{
      product_id: string;
      barcode: string | null;
      name: string;
      category: string | null;
      rate: string;
      price_cents: number;
      active: boolean;
      updated_at: Date;
    }>(
      `SELECT p.product_id, p.barcode, p.name, c.name AS category, v.rate_percent AS rate,
              p.price_cents, p.active, p.updated_at
         FROM catalog_products p
         JOIN catalog_vat_rates v USING (vat_code)
         LEFT JOIN catalog_categories c USING (category_id)
        ORDER BY p.product_id`,
    );
    const cats = await c.query<PulledCategory>(
      'SELECT name, color FROM catalog_categories ORDER BY category_id',
    );
    await c.query('COMMIT');
    return {
      version: Number(v.rows[0]?.version ?? 0),
      products: r.rows.map((p) => ({
        id: p.product_id,
        barcode: p.barcode,
        name: p.name,
        category: p.category,
        vat_rate: Number(p.rate),
        price_cents: p.price_cents,
        active: p.active,
        created_at: p.updated_at.toISOString(),
        updated_at: p.updated_at.toISOString(),
      })),
      categories: cats.rows,
    };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** The centre's catalog version alone (the periodic check). */
export async function catalogVersion(c: ClientBase): Promise<number> {
  const v = await c.query<{ version: string }>('SELECT version FROM catalog_version WHERE id = 1');
  return Number(v.rows[0]?.version ?? 0);
}
