import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../daemon/config.js';

const base = { POS_ENV_FILE: '' };

test('loadConfig(): SUMUP_READER_ID must be a SumUp reader id (it becomes part of API paths)', () => {
  assert.equal(loadConfig({ ...base, SUMUP_READER_ID: '' }).sumupReaderId, '');
  const id = 'rdr_3MSAFM23CK82VSTT4BN6RWSQ65';
  assert.equal(loadConfig({ ...base, SUMUP_READER_ID: id }).sumupReaderId, id);
  for (const bad of ['rdr_123', '../readers', `${id}/terminate`, 'rdr_3MSAFM23CK82VSTT4BN6RWSQ6!'])
    assert.throws(() => loadConfig({ ...base, SUMUP_READER_ID: bad }), /SUMUP_READER_ID/);
});

test('loadConfig(): SUMUP_POLL_MS and SUMUP_TIMEOUT_MS are bounded integers', () => {
  const c = loadConfig(base);
  assert.equal(c.sumupPollMs, 3000);
  assert.equal(c.sumupTimeoutMs, 10000);
  assert.throws(() => loadConfig({ ...base, SUMUP_POLL_MS: '0' }), /SUMUP_POLL_MS/);
  assert.throws(() => loadConfig({ ...base, SUMUP_TIMEOUT_MS: '1s' }), /SUMUP_TIMEOUT_MS/);
});
