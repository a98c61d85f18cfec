/**
 * Fleet failures in plain words with a stable code: the status endpoint carries both, the
 * admin page translates by the code (kiosk-ui/src/lib/messages/errors-fiscal.ts).
 */
import type { FleetStatus } from '../protocol.js';
import { SchemaError } from './schema.js';
import { IdentityConflict } from './centre.js';

export type FleetErrorCode = NonNullable<FleetStatus['last_error']>['code'];

/** A catalog version in the centre this appliance cannot sell from (the last copy stays). */
export class CatalogInvalid extends Error {}

/** A failure in plain words with a stable code (the admin page translates by the code). */
export function classify(err: unknown): { code: FleetErrorCode; message: string } {
  const e = err as { code?: string; message?: string };
  const msg = e?.message ?? String(err);
  if (err instanceof IdentityConflict) return { code: 'fleet_identity_conflict', message: msg };
  if (err instanceof SchemaError) return { code: err.code, message: msg };
  if (err instanceof CatalogInvalid) return { code: 'fleet_catalog_invalid', message: msg };
  const code = e?.code ?? '';
  if (code === '28P01' || code === '28000')
    return { code: 'fleet_auth_failed', message: 'the centre refused the login: ' + msg };
  if (code === '42501')
    return { code: 'fleet_permission_denied', message: 'the centre refused the write: ' + msg };
  if (code === '53100')
    return { code: 'fleet_centre_full', message: 'the centre has no disk space left: ' + msg };
  // Node's errno, not PostgreSQL's SQLSTATE: the shipping cursor (fleet-cursor.json) could not
  // be written here. The batch is in the centre; it is sent again and skipped there.
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return {
      code: 'fleet_appliance_full',
      message: "this appliance's storage is full, the shipping cursor cannot be saved: " + msg,
    };
  if (
    /CERT|SSL|TLS|self.signed|certificate/i.test(code) ||
    /SSL|certificate|Hostname\/IP does not match/i.test(msg)
  )
    return { code: 'fleet_tls_failed', message: 'the secure connection failed: ' + msg };
  if (
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN/.test(code) ||
    /terminat|timeout|Connection|ECONNREFUSED|shutting down|57P0/.test(msg + code)
  )
    return { code: 'fleet_unreachable', message: 'the centre cannot be reached: ' + msg };
  return { code: 'fleet_error', message: msg };
}
