/**
 * /kiosk/dual's rules (kiosk-ui/src/lib/dual.ts): where the two frames go, which till page it
 * frames (this origin only), and which messages name the customer display's terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_TILL_PATH,
  dualLayout,
  terminalFromMessage,
  tillUrl,
  TERMINAL_MESSAGE,
} from '../../kiosk-ui/src/lib/dual.js';

const ORIGIN = 'http://localhost:8080';

test('dualLayout: side by side, top-aligned, in the given order', () => {
  assert.deepEqual(dualLayout(new URLSearchParams('till=800x480&display=1024x600')), {
    till: { x: 0, y: 0, width: 800, height: 480 },
    display: { x: 800, y: 0, width: 1024, height: 600 },
  });
  assert.deepEqual(
    dualLayout(new URLSearchParams('till=600x1024&display=800x480&order=display,till')),
    {
      display: { x: 0, y: 0, width: 800, height: 480 },
      till: { x: 800, y: 0, width: 600, height: 1024 },
    },
  );
  for (const q of [
    'till=800x480',
    'display=800x480',
    'till=0x480&display=800x480',
    'till=800x480&display=8OOx480',
    'till=800x480px&display=800x480',
    'till=-800x480&display=800x480',
  ])
    assert.equal(dualLayout(new URLSearchParams(q)), null, q);
});

test('tillUrl: a path on this origin, never another site', () => {
  assert.equal(tillUrl('/pos?kiosk=1', ORIGIN), '/pos?kiosk=1');
  assert.equal(
    tillUrl('/api/internal/first-boot-token/page?kiosk=1', ORIGIN),
    '/api/internal/first-boot-token/page?kiosk=1',
  );
  for (const bad of [
    null,
    '',
    'pos',
    '//evil.example/pos',
    '/\\evil.example',
    'http://evil.example/pos',
    'javascript:alert(1)',
    'http://localhost:8080/pos',
  ])
    assert.equal(tillUrl(bad, ORIGIN), DEFAULT_TILL_PATH, String(bad));
});

test('terminalFromMessage: only the till frame, this origin, a valid id', () => {
  const till = {};
  const ok = { type: TERMINAL_MESSAGE, terminal_id: 'kiosk' };
  assert.equal(
    terminalFromMessage({ origin: ORIGIN, source: till, data: ok }, ORIGIN, till),
    'kiosk',
  );
  assert.equal(
    terminalFromMessage({ origin: 'http://evil.example', source: till, data: ok }, ORIGIN, till),
    null,
  );
  assert.equal(terminalFromMessage({ origin: ORIGIN, source: {}, data: ok }, ORIGIN, till), null);
  assert.equal(terminalFromMessage({ origin: ORIGIN, source: null, data: ok }, ORIGIN, null), null);
  for (const data of [
    null,
    'kiosk',
    { type: 'other', terminal_id: 'kiosk' },
    { type: TERMINAL_MESSAGE, terminal_id: '../admin' },
    { type: TERMINAL_MESSAGE, terminal_id: 7 },
  ])
    assert.equal(terminalFromMessage({ origin: ORIGIN, source: till, data }, ORIGIN, till), null);
});
