/** Fleet wire types: shipping to the central PostgreSQL (docs/FLEET.md). */
/** GET /api/v1/admin/fleet/status: shipping to the central PostgreSQL (docs/FLEET.md). */
export interface FleetStatus {
  /** FLEET_DATABASE_URL is set. */
  enabled: boolean;
  appliance_id: string | null;
  branch_name: string | null;
  connected: boolean;
  /** Journal entries not yet committed in the centre. */
  pending: number;
  journal_seq: number;
  last_shipped_seq: number;
  last_shipped_at: string | null;
  /** The last failure (cleared by the next shipped batch); the admin page translates `code`. */
  last_error: {
    code:
      | 'fleet_unreachable'
      | 'fleet_auth_failed'
      | 'fleet_tls_failed'
      | 'fleet_permission_denied'
      | 'fleet_centre_full'
      | 'fleet_appliance_full'
      | 'fleet_schema_newer'
      | 'fleet_schema_behind'
      | 'fleet_identity_conflict'
      | 'fleet_catalog_invalid'
      | 'fleet_error';
    message: string;
    at: string;
  } | null;
  schema_version: number | null;
  catalog: {
    mode: 'local' | 'pull';
    version: number | null;
    applied_at: string | null;
    products: number;
  };
}
