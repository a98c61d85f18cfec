import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PollController } from '../../kiosk-ui/src/lib/poll.js';

/** The part of a Lit element a controller talks to: it registers and gets told connect/disconnect. */
function fakeHost(): ReactiveControllerHost & { controllers: ReactiveController[] } {
  const controllers: ReactiveController[] = [];
  return {
    controllers,
    addController: (c) => void controllers.push(c),
    removeController: () => undefined,
    requestUpdate: () => undefined,
    updateComplete: Promise.resolve(true),
  };
}

test('PollController: loads on connect, then every interval, and stops on disconnect', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const host = fakeHost();
    let loads = 0;
    const poll = new PollController(host, 1000, async () => void loads++);
    assert.deepEqual(host.controllers, [poll], 'registers itself with its element');
    assert.equal(loads, 0, 'nothing before the element is on the page');

    poll.hostConnected();
    await Promise.resolve();
    assert.equal(loads, 1, 'the first load is at once');
    mock.timers.tick(999);
    assert.equal(loads, 1);
    mock.timers.tick(1);
    await Promise.resolve();
    assert.equal(loads, 2);
    for (let i = 0; i < 2; i++) {
      mock.timers.tick(1000);
      await Promise.resolve();
    }
    assert.equal(loads, 4);

    poll.hostDisconnected();
    mock.timers.tick(10_000);
    await Promise.resolve();
    assert.equal(loads, 4, 'no load once the element is off the page');
  } finally {
    mock.timers.reset();
  }
});

test('PollController: a load still waiting for its answer is not started again', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    let started = 0;
    let answer: () => void = () => undefined;
    const poll = new PollController(fakeHost(), 1000, () => {
      started++;
      return new Promise<void>((resolve) => (answer = resolve));
    });
    poll.hostConnected();
    mock.timers.tick(3000);
    assert.equal(started, 1, 'three ticks while the first load hangs start nothing');
    answer();
    await new Promise((r) => setImmediate(r));
    mock.timers.tick(1000);
    assert.equal(started, 2, 'the next tick after the answer loads again');
    poll.hostDisconnected();
  } finally {
    mock.timers.reset();
  }
});

test('PollController: a failing load does not stop the polling', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    let calls = 0;
    const logged = mock.method(console, 'error', () => undefined);
    const poll = new PollController(fakeHost(), 500, async () => {
      calls++;
      throw new Error('daemon away');
    });
    poll.hostConnected();
    await new Promise((r) => setImmediate(r));
    mock.timers.tick(500);
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 2);
    assert.equal(logged.mock.callCount(), 2, 'each failure goes to the console');
    poll.hostDisconnected();
    logged.mock.restore();
  } finally {
    mock.timers.reset();
  }
});
