// RingBuffer (capacity, overwrite/refuse, dropped counter, timestamp order) and LatencyHistogram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, RingBuffer, Timed } from '../../src/stream/runtime/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const rows = (from: number, n: number, c: number) => Float64Array.from({ length: n * c }, (_, i) => from * c + i);
const times = (from: number, n: number) => Float64Array.from({ length: n }, (_, i) => (from + i) / 100);

test('ring buffer keeps samples in order across wrap-around', () => {
  const rb = new RingBuffer(3, 5);
  assert.equal(rb.push(rows(0, 4, 3), times(0, 4)), 4);
  assert.deepEqual(Array.from(rb.pop(3).data), Array.from(rows(0, 3, 3)));
  assert.equal(rb.push(rows(4, 4, 3), times(4, 4)), 4); // wraps: slots 4,0,1,2
  const out = rb.pop();
  assert.deepEqual(Array.from(out.data), [...rows(3, 1, 3), ...rows(4, 4, 3)]);
  assert.deepEqual(Array.from(out.timestamps), Array.from(times(3, 5)));
  assert.equal(rb.size, 0);
  assert.equal(rb.dropped, 0);
});

test("overwrite drops the oldest samples and counts them; refuse drops the newest", () => {
  const ow = new RingBuffer(2, 4, { policy: 'overwrite' });
  ow.push(rows(0, 3, 2), times(0, 3));
  assert.equal(ow.push(rows(3, 3, 2), times(3, 3)), 3);
  assert.equal(ow.dropped, 2);
  assert.deepEqual(Array.from(ow.peek().timestamps), Array.from(times(2, 4)));
  assert.equal(ow.push(rows(6, 10, 2), times(6, 10)), 4); // larger than capacity: only its last 4
  assert.equal(ow.dropped, 2 + 4 + 6);
  assert.deepEqual(Array.from(ow.pop().data), Array.from(rows(12, 4, 2)));

  const rf = new RingBuffer(2, 4, { policy: 'refuse' });
  rf.push(rows(0, 3, 2), times(0, 3));
  assert.equal(rf.push(rows(3, 3, 2), times(3, 3)), 1);
  assert.equal(rf.dropped, 2);
  assert.deepEqual(Array.from(rf.pop().timestamps), Array.from(times(0, 4)));
  assert.equal(rf.size, 0);
});

test('bad capacities, channel mismatches and non-monotonic timestamps are typed errors', () => {
  assert.throws(() => new RingBuffer(2, 0), (e) => e instanceof ArgumentError && /capacity.*0/.test(e.message));
  assert.throws(() => new RingBuffer(2, 2.5), ArgumentError);
  assert.throws(() => new RingBuffer(0, 4), ArgumentError);
  assert.throws(() => new RingBuffer(2, 4, { policy: 'drop' as 'refuse' }), ArgumentError);
  const rb = new RingBuffer(2, 4);
  assert.throws(() => rb.push(new Float64Array(5), times(0, 2)), (e) => e instanceof ShapeError && /2 channels, got 5/.test(e.message));
  rb.push(rows(0, 2, 2), [1, 2]);
  assert.throws(() => rb.push(rows(0, 1, 2), [2]), (e) => e instanceof ArgumentError && /2 after 2/.test(e.message));
  assert.throws(() => rb.push(rows(0, 2, 2), [3, 2.5]), ArgumentError);
  assert.throws(() => rb.push(rows(0, 1, 2), [NaN]), ArgumentError);
  assert.equal(rb.size, 2); // a refused chunk stores nothing
});

test('latency histogram: quantiles bound the exact ones within one bin, max exact, late counted', () => {
  const h = new LatencyHistogram({ budgetMs: 1 });
  const vals: number[] = [];
  let s = 12345;
  for (let i = 0; i < 10000; i++) { s = (s * 1103515245 + 12345) % 2 ** 31; vals.push(0.01 + 2 * (s / 2 ** 31) ** 3); }
  for (const v of vals) h.record(v);
  const sorted = [...vals].sort((a, b) => a - b);
  const exact = (q: number) => sorted[Math.ceil(q * sorted.length) - 1]!;
  const width = 10 ** (1 / 20);
  for (const q of [0.5, 0.99]) {
    const est = h.quantile(q);
    assert.ok(est >= exact(q) && est <= exact(q) * width, `q${q}: ${est} vs exact ${exact(q)}`);
  }
  assert.equal(h.max, sorted[sorted.length - 1]);
  assert.equal(h.late, vals.filter((v) => v > 1).length);
  assert.ok(h.late > 0);
  assert.equal(h.counts.length, 162); // fixed: 8 decades × 20 bins + under/overflow
  const sum = h.summary();
  assert.equal(sum.count, 10000);
  // bin edges: a value exactly on an edge goes to the bin it starts
  const e = new LatencyHistogram({ minMs: 1, maxMs: 100, perDecade: 1 });
  e.record(10);
  assert.equal(e.counts[2], 1);
  e.record(1e6);
  assert.equal(e.counts[3], 1);
  assert.equal(e.quantile(1), 1e6);
  assert.throws(() => e.record(-1), ArgumentError);
  assert.throws(() => e.record(NaN), ArgumentError);
  assert.throws(() => new LatencyHistogram({ minMs: 0 }), ArgumentError);
});

test('Timed records one latency per call', () => {
  const t = new Timed({ name: 'sum', process: (x: number[]) => x.reduce((a, b) => a + b, 0) }, { budgetMs: 1e9 });
  for (let i = 0; i < 5; i++) assert.equal(t.process([1, 2, i]), 3 + i);
  assert.equal(t.latency.count, 5);
  assert.equal(t.latency.late, 0);
  assert.ok(t.latency.max >= 0 && Number.isFinite(t.latency.quantile(0.99)));
});
