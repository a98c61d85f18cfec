import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addIp,
  rowErrorFromField,
  rowsForSave,
  sameRows,
} from '../../kiosk-ui/src/lib/whitelist.js';

test('rowErrorFromField maps the daemon field onto a row', () => {
  assert.deepEqual(rowErrorFromField('allowed_ips[2].ip', 'bad'), {
    index: 2,
    field: 'ip',
    message: 'bad',
  });
  assert.deepEqual(rowErrorFromField('allowed_ips[0]', 'x'), {
    index: 0,
    field: 'row',
    message: 'x',
  });
  assert.equal(rowErrorFromField('allowed_ips', 'too many'), null);
  assert.equal(rowErrorFromField(undefined, 'x'), null);
});

test('rowsForSave trims, drops blank rows and remembers screen positions', () => {
  const r = rowsForSave([
    { ip: ' 10.0.0.1 ', name: ' Tresen ' },
    { ip: '', name: '' },
    { ip: 'bad', name: '' },
  ]);
  assert.deepEqual(r.rows, [
    { ip: '10.0.0.1', name: 'Tresen' },
    { ip: 'bad', name: '' },
  ]);
  assert.deepEqual(r.index, [0, 2]);
});

test('addIp adds the address once, filling a blank row first', () => {
  assert.deepEqual(addIp([], '10.0.0.9', ''), [{ ip: '10.0.0.9', name: '' }]);
  const rows = [{ ip: '10.0.0.9', name: 'A' }];
  assert.equal(addIp(rows, '10.0.0.9', ''), rows);
  assert.deepEqual(addIp([{ ip: '', name: '' }], '10.0.0.9', ''), [{ ip: '10.0.0.9', name: '' }]);
});

test('sameRows ignores blank rows and surrounding spaces', () => {
  assert.ok(
    sameRows(
      [
        { ip: '1.2.3.4 ', name: 'a' },
        { ip: '', name: '' },
      ],
      [{ ip: '1.2.3.4', name: 'a' }],
    ),
  );
  assert.ok(!sameRows([{ ip: '1.2.3.4', name: 'a' }], []));
});
