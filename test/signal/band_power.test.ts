// Band powers, variance and line length on signals whose answers are known in closed form
// (the Bonn features are checked against scipy in test/decode/anomaly/classical.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandPowers, lineLength, populationVariance } from '../../src/signal/band_power.js';
import { ArgumentError } from '../../src/errors.js';

test('a 10 Hz sine puts its power (A²/2) in the 8-13 Hz band; variance and line length as defined', () => {
  const fs = 256;
  const x = Float64Array.from({ length: 4096 }, (_, i) => 3 * Math.sin((2 * Math.PI * 10 * i) / fs));
  const [lo, alpha, hi] = bandPowers(x, fs, [[1, 8], [8, 13], [13, 60]], { nperseg: 256 });
  assert.ok(Math.abs(alpha! - 4.5) < 0.01, `alpha ${alpha}`);
  assert.ok(lo! < 1e-6 && hi! < 1e-6);
  assert.ok(Math.abs(populationVariance(x) - 4.5) < 1e-9);
  assert.equal(populationVariance([1, 2, 3, 4]), 1.25);
  assert.equal(lineLength([0, 2, -1, -1]), 5 / 3);
  assert.throws(() => lineLength([1]), (e: Error) => e instanceof ArgumentError && /at least 2 samples, got 1/.test(e.message));
  assert.throws(() => bandPowers(x, fs, [[8, 8]]), /band \[8, 8\) is empty/);
});
