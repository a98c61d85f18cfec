import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hourChart, niceMax } from '../../kiosk-ui/src/lib/chart.js';

test('niceMax rounds up to 1, 2 or 5 × 10^n', () => {
  assert.equal(niceMax(0), 100);
  assert.equal(niceMax(130), 200);
  assert.equal(niceMax(200), 200);
  assert.equal(niceMax(4100), 5000);
  assert.equal(niceMax(7300), 10000);
});

test('hourChart: 24 bars, heights proportional to revenue, empty hours flat', () => {
  const c = hourChart([
    { hour: 9, count: 2, total_cents: 500 },
    { hour: 12, count: 5, total_cents: 1000 },
  ]);
  assert.equal(c.bars.length, 24);
  assert.equal(c.max_cents, 1000);
  const span = c.plot.bottom - c.plot.top;
  assert.equal(c.bars[12].height, span);
  assert.equal(c.bars[9].height, span / 2);
  assert.equal(c.bars[0].height, 0);
  assert.equal(c.bars[9].count, 2);
  assert.ok(c.bars[12].x > c.bars[9].x);
  assert.deepEqual(
    c.ticks.map((t) => t.cents),
    [0, 250, 500, 750, 1000],
  );
});

test('hourChart ignores hours outside 0-23 and sums repeated hours', () => {
  const c = hourChart([
    { hour: 25, count: 1, total_cents: 999 },
    { hour: 3, count: 1, total_cents: 100 },
    { hour: 3, count: 1, total_cents: 100 },
  ]);
  assert.equal(c.bars[3].total_cents, 200);
  assert.equal(c.max_cents, 200);
});
