/**
 * The real native modules on whatever machine runs the tests: loading must never crash the
 * process, whether or not there is a USB bus (this CI machine has none).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNodeHid } from '../../daemon/scanners/node-hid-backend.js';
import { usbHotplug } from '../../daemon/scanners/hotplug.js';
import { classify } from '../../daemon/scanners/device.js';

test('loadNodeHid(): node-hid loads lazily and enumerates (an empty list without USB)', async () => {
  const backend = await loadNodeHid();
  assert.equal(backend.name, 'node-hid');
  const list = await backend.devices();
  assert.ok(Array.isArray(list));
  for (const d of list) {
    assert.equal(typeof d.path, 'string');
    assert.equal(typeof d.vendorId, 'number');
    classify(d); // every listed collection can be classified without throwing
  }
  await assert.rejects(backend.open('/dev/hidraw-does-not-exist'));
});

test('usbHotplug(): starts or says why not, and stops cleanly, without an uncaught error', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  try {
    const hp = usbHotplug();
    const r = await hp.start(() => {});
    if (!r.available) assert.match(r.message ?? '', /^USB hotplug unavailable \(.+\)$/);
    // Let any timer-thrown native error surface before checking.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await hp.stop();
    await hp.stop(); // idempotent
    assert.deepEqual(uncaught, []);
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
});
