// Point-process generators: reproducible for a seed, and their statistics within stated bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../../src/errors.js';
import { Generator } from '../../../src/tensor/random.js';
import { binSpikes, cv, fanoFactor, gammaProcess, homogeneousPoisson, inhomogeneousPoisson, isi, psth } from '../../../src/neuro/spikes/index.js';

test('homogeneousPoisson: same seed, same train; rate, ISI CV and Fano factor of a Poisson process', () => {
  const a = homogeneousPoisson(20, 0, 500, new Generator(7));
  const b = homogeneousPoisson(20, 0, 500, new Generator(7));
  assert.deepEqual(a.times, b.times);
  assert.notDeepEqual(a.times, homogeneousPoisson(20, 0, 500, new Generator(8)).times);
  // 10 000 expected spikes: Poisson sd 100, so ±4 sd = ±400
  assert.ok(Math.abs(a.length - 10000) < 400, `count ${a.length}`);
  // CV of exponential ISIs is 1; its sampling sd at n = 1e4 is ~0.01
  assert.ok(Math.abs(cv(a) - 1) < 0.05, `cv ${cv(a)}`);
  assert.ok(a.times[0]! >= 0 && a.times[a.length - 1]! < 500);
  const trials = Array.from({ length: 400 }, (_, k) => homogeneousPoisson(10, 0, 2, new Generator(1000 + k)));
  // counts ~ Poisson(20): Fano factor 1, sampling sd ~ sqrt(2/399) ≈ 0.07
  assert.ok(Math.abs(fanoFactor(trials) - 1) < 0.3, `fano ${fanoFactor(trials)}`);
  assert.equal(homogeneousPoisson(0, 0, 1).length, 0);
  assert.throws(() => homogeneousPoisson(-1, 0, 1), ArgumentError);
  assert.throws(() => homogeneousPoisson(1, 1, 0), /must be a finite time after/);
});

test('gammaProcess: mean rate and ISI CV = 1/sqrt(shape)', () => {
  for (const shape of [0.5, 1, 3, 10]) {
    const st = gammaProcess(shape, 25, 0, 400, new Generator(11));
    const rate = st.length / 400;
    assert.ok(Math.abs(rate - 25) < 1.5, `shape ${shape}: rate ${rate}`);
    const c = cv(isi(st));
    assert.ok(Math.abs(c - 1 / Math.sqrt(shape)) < 0.06 / Math.sqrt(shape) + 0.02, `shape ${shape}: cv ${c}`);
  }
  assert.deepEqual(gammaProcess(3, 5, 0, 10, new Generator(3)).times, gammaProcess(3, 5, 0, 10, new Generator(3)).times);
  assert.throws(() => gammaProcess(0, 5, 0, 1), /shape must be a positive/);
});

test('inhomogeneousPoisson: the PSTH follows the rate signal', () => {
  // 0.5 s at 5 Hz then 0.5 s at 45 Hz, 1 ms samples, 400 trials
  const rate = Float64Array.from({ length: 1000 }, (_, i) => (i < 500 ? 5 : 45));
  const trials = Array.from({ length: 400 }, (_, k) => inhomogeneousPoisson(rate, 0.001, { rng: new Generator(50 + k) }));
  assert.equal(trials[0]!.tStop, 1);
  const h = psth(trials, { binSize: 0.5, output: 'rate' });
  // expected counts 1000 and 9000 over the trials: ±4 Poisson sd
  assert.ok(Math.abs(h.values[0]! - 5) < (4 * Math.sqrt(1000)) / 200, `first half ${h.values[0]} Hz`);
  assert.ok(Math.abs(h.values[1]! - 45) < (4 * Math.sqrt(9000)) / 200, `second half ${h.values[1]} Hz`);
  const b = binSpikes(inhomogeneousPoisson(rate, 0.001, { tStart: 2, rng: new Generator(1) }), { binSize: 0.5 });
  assert.equal(b.tStart, 2);
  assert.throws(() => inhomogeneousPoisson([1, -1], 0.001), /rates must be finite and >= 0/);
  assert.throws(() => inhomogeneousPoisson([1, NaN], 0.001), ArgumentError);
  assert.throws(() => inhomogeneousPoisson([], 0.001), /empty/);
  assert.throws(() => inhomogeneousPoisson([1], 0), /samplingPeriod/);
  assert.equal(inhomogeneousPoisson([0, 0], 0.1).length, 0);
});
