import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../daemon/config.js';
import { PairingSecrets } from '../../daemon/scanners/pairing-secret.js';
import { ManualClock } from '../../daemon/clock.js';
import { ROOT } from '../helpers/daemon.js';

const load = (env: Record<string, string>) => loadConfig({ POS_ENV_FILE: '', ...env }, ROOT);

test('SCANNER_PAIRING_BARCODE_MAX_LENGTH must leave 22 characters after the prefix', () => {
  assert.throws(
    () => load({ SCANNER_PAIRING_BARCODE_MAX_LENGTH: '29' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.variable === 'SCANNER_PAIRING_BARCODE_MAX_LENGTH' &&
      /at least 30 with the prefix "POSLINK-"/.test(e.message),
  );
  const c = load({ SCANNER_PAIRING_BARCODE_MAX_LENGTH: '30' });
  // The smallest allowed length still yields codes that verify.
  const secrets = new PairingSecrets({
    prefix: c.scannerPairingPrefix,
    signingSecret: c.scannerPairingSigningSecret,
    maxLength: c.scannerPairingBarcodeMaxLength,
    maxAgeDays: c.scannerPairingMaxAgeDays,
    clock: new ManualClock(),
    handles: {
      handleFor: async () => 1,
      terminalFor: (h) => (h === 1 ? 'kiosk' : null),
      generationOf: () => ({ epoch: 0, generation: 0 }),
    },
  });
  return secrets.issue('kiosk').then((s) => {
    assert.ok(s.secret.length <= 30);
    const v = secrets.verify(s.secret);
    assert.equal(v.ok && v.terminal_id, 'kiosk');
  });
});

test('SCANNER_SIMULATOR: off by default, 1 in demo', () => {
  assert.equal(load({}).scannerSimulator, false);
  assert.equal(load({ SCANNER_SIMULATOR: '1' }).scannerSimulator, true);
  assert.throws(() => load({ SCANNER_SIMULATOR: 'maybe' }), /SCANNER_SIMULATOR/);
});
