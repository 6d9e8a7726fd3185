// OnlineFirFilter: the causal FIR of a stream. On the taps of MNE's firwin design it gives the
// offline zero-phase filter's output delayed by the group delay, away from the edges; the output
// does not depend on how the stream is chunked; bad input is a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilter } from '../../src/signal/create_filter.js';
import { filterData } from '../../src/signal/filter_data.js';
import { chainFilters, OnlineEms, OnlineFirFilter } from '../../src/stream/runtime/index.js';
import { exponentialMovingStandardize } from '../../src/signal/standardize.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

function noise(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; });
}

function interleave(chs: Float64Array[]): Float64Array {
  const c = chs.length, n = chs[0]!.length;
  const out = new Float64Array(n * c);
  for (let j = 0; j < c; j++) for (let i = 0; i < n; i++) out[i * c + j] = chs[j]![i]!;
  return out;
}

test('OnlineFirFilter on firwin taps = the zero-phase filterData output delayed by (L − 1) / 2 samples, away from the edges', () => {
  const sf = 160, n = 3000;
  const chs = [noise(n, 1), noise(n, 2), noise(n, 3)];
  const taps = createFilter(null, sf, 7, 30);
  const f = new OnlineFirFilter(taps, 3);
  assert.equal(f.delay, (taps.length - 1) / 2);
  assert.equal(f.delay, 132); // MNE's auto length at 160 Hz, 2 Hz lower transition band
  const y = f.process(interleave(chs));
  const off = filterData(chs, sf, 7, 30);
  const d = f.delay;
  let maxErr = 0, scale = 0;
  for (let j = 0; j < 3; j++) for (let u = d; u + d < n; u++) {
    maxErr = Math.max(maxErr, Math.abs(y[(u + d) * 3 + j]! - off[j]![u]!));
    scale = Math.max(scale, Math.abs(off[j]![u]!));
  }
  assert.ok(maxErr <= 1e-13 * scale * taps.length, `max error ${maxErr} (scale ${scale})`);
});

test('OnlineFirFilter start \'reflect\': from sample d on, the offline zero-phase output from its first sample, edge padding included, whatever the chunking', () => {
  const sf = 160, n = 2000;
  const chs = [noise(n, 6), noise(n, 7)];
  const taps = createFilter(null, sf, 7, 30);
  const off = filterData(chs, sf, 7, 30);
  const x = interleave(chs);
  for (const sizes of [[n], [1, 7, 300], [133, 1]]) {
    const f = new OnlineFirFilter(taps, 2, { start: 'reflect' });
    const d = f.delay;
    const y: number[] = [];
    for (let i = 0, k = 0; i < n; k++) {
      const m = Math.min(sizes[k % sizes.length]!, n - i);
      y.push(...f.process(x.subarray(2 * i, 2 * (i + m))));
      i += m;
    }
    for (let t = 0; t < d; t++) assert.equal(y[2 * t], 0);
    let maxErr = 0;
    for (let j = 0; j < 2; j++) for (let u = 0; u + d < n; u++) maxErr = Math.max(maxErr, Math.abs(y[(u + d) * 2 + j]! - off[j]![u]!));
    assert.ok(maxErr < 1e-14, `chunks ${sizes.join('/')}: max error ${maxErr}`);
  }
  assert.throws(() => new OnlineFirFilter([1, 1], 1, { start: 'reflect' }), (e: unknown) => e instanceof ArgumentError && /odd/.test(e.message));
});

test('OnlineFirFilter: chunks of 1, 7, 300 samples give the whole signal\'s output bit for bit; reset restarts', () => {
  const x = interleave([noise(1000, 4), noise(1000, 5)]);
  const taps = createFilter(null, 100, 1, 20);
  const whole = new OnlineFirFilter(taps, 2).process(x);
  const f = new OnlineFirFilter(taps, 2);
  const parts: number[] = [];
  const sizes = [1, 7, 300];
  for (let i = 0, k = 0; i < 1000; k++) {
    const m = Math.min(sizes[k % 3]!, 1000 - i);
    parts.push(...f.process(x.subarray(2 * i, 2 * (i + m))));
    i += m;
  }
  assert.deepEqual(Float64Array.from(parts), whole);
  f.reset();
  assert.deepEqual(f.process(x), whole);
  assert.equal(f.process(new Float64Array(0)).length, 0);
});

test('OnlineFirFilter: partial samples, bad taps and channel counts are typed errors', () => {
  assert.throws(() => new OnlineFirFilter([1, 2, 3], 2).process(new Float64Array(5)), (e: unknown) => e instanceof ShapeError && /5 values/.test(e.message));
  assert.throws(() => new OnlineFirFilter([1, NaN], 1), (e: unknown) => e instanceof ArgumentError && /NaN/.test(e.message));
  assert.throws(() => new OnlineFirFilter([], 1), ArgumentError);
  assert.throws(() => new OnlineFirFilter([1], 0), (e: unknown) => e instanceof ArgumentError && /nChannels/.test(e.message));
});

test('OnlineEms: scaled, then standardised as exponentialMovingStandardize from sample initBlockSize on, chunk by chunk; skipped samples are 0 and stay out of the statistics', () => {
  const n = 1500;
  const chs = [noise(n, 8), noise(n, 9)].map((r) => r.map((v, i) => 1e-5 * (v + Math.sin(i / 50))));
  const off = exponentialMovingStandardize(chs.map((r) => r.map((v) => v * 1e6)), { factorNew: 1e-3, initBlockSize: 1000 });
  const skip = 5;
  const f = new OnlineEms(2, { scale: 1e6, factorNew: 1e-3, skip });
  const x = interleave(chs.map((r) => Float64Array.from([...new Array<number>(skip).fill(123), ...r])));
  const y: number[] = [];
  for (let i = 0, k = 0; i < n + skip; k++) { const m = Math.min([3, 250, 1][k % 3]!, n + skip - i); y.push(...f.process(x.subarray(2 * i, 2 * (i + m)))); i += m; }
  for (let i = 0; i < 2 * skip; i++) assert.equal(y[i], 0);
  for (let j = 0; j < 2; j++) for (let u = 1000; u < n; u++) assert.ok(Math.abs(y[(u + skip) * 2 + j]! - off[j]![u]!) < 1e-12, `channel ${j} sample ${u}`);
  assert.throws(() => new OnlineEms(2, { skip: -1 }), ArgumentError);
  assert.throws(() => chainFilters(new OnlineEms(2), new OnlineEms(3)), ShapeError);
});
