/**
 * `npm run fleet:migrate`: brings the centre (FLEET_DATABASE_URL, from the environment or the
 * env file like the daemon) to this release's schema, with a role that may create tables
 * (docs/FLEET.md, set-up step 2). Safe to run while appliances ship: migrations take the same
 * advisory lock the daemon takes.
 */
import pg from 'pg';
import { loadConfig } from '../daemon/config.js';
import { migrate, SCHEMA_VERSION } from '../daemon/fleet/schema.js';

const config = loadConfig();
if (!config.fleetDatabaseUrl) {
  console.error('fleet:migrate: set FLEET_DATABASE_URL to the centre (owner role)');
  process.exit(2);
}
const client = new pg.Client({ connectionString: config.fleetDatabaseUrl });
try {
  await client.connect();
  const applied = await migrate(client);
  console.log(
    applied.length
      ? `fleet:migrate: applied version(s) ${applied.join(', ')}; the centre is at version ${SCHEMA_VERSION}`
      : `fleet:migrate: the centre is at version ${SCHEMA_VERSION} already`,
  );
} catch (err) {
  console.error(`fleet:migrate: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
