// The simulator's task metrics on hand-checked trajectories and numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fittsIndex, fittsThroughput, pathEfficiency, summarise, wolpawBits, wolpawItr, type TrialRecord } from '../../src/stream/sim/index.js';
import { ArgumentError } from '../../src/errors.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('path efficiency: a straight path is 1, an L-shaped 3-4 path is 5/7, a detour back is 0', () => {
  assert.equal(pathEfficiency([[0, 0], [1, 1], [2, 2], [5, 5]]), 1);
  close(pathEfficiency([[0, 0], [3, 0], [3, 4]]), 5 / 7);
  assert.equal(pathEfficiency([[0, 0], [2, 0], [0, 0]]), 0);
  assert.throws(() => pathEfficiency([[0, 0]]), ArgumentError);
  assert.throws(() => pathEfficiency([[0, 0], [0, 0]]), /length 0/);
  assert.throws(() => pathEfficiency([[0, 0], [NaN, 1]]), /point 1/);
});

test('Fitts: ID = log2(1 + D/W); D = 7, W = 1 over 1.5 s is 2 bits/s', () => {
  assert.equal(fittsIndex(7, 1), 3);
  assert.equal(fittsThroughput(7, 1, 1.5), 2);
  close(fittsIndex(10, 3), Math.log2(13 / 3));
  assert.throws(() => fittsThroughput(7, 1, 0), /time must be/);
  assert.throws(() => fittsIndex(7, -1), ArgumentError);
});

test('Wolpaw: log2 N at P = 1, 0 at chance, the formula in between, per minute', () => {
  assert.equal(wolpawBits(8, 1), 3);
  assert.equal(wolpawBits(4, 0.25), 0);
  assert.equal(wolpawBits(4, 0.1), 0);
  close(wolpawBits(2, 0.9), 1 + 0.9 * Math.log2(0.9) + 0.1 * Math.log2(0.1)); // 0.531004…
  close(wolpawBits(2, 0.9), 0.5310044064107188, 1e-15);
  close(wolpawBits(8, 0.75), 3 + 0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25 / 7));
  assert.equal(wolpawItr(8, 1, 2), 90); // 3 bits every 2 s
  assert.throws(() => wolpawBits(1, 1), /nTargets/);
  assert.throws(() => wolpawBits(8, 1.5), /accuracy/);
  assert.throws(() => wolpawItr(8, 1, 0), /secondsPerTrial/);
});

test('summarise: success rate, means over successful trials, ITR over mean duration', () => {
  const trials: TrialRecord[] = [
    { targetIndex: 0, start: [0, 0], target: [7, 0], success: true, acquisitionTime: 1.5, duration: 2, path: [[0, 0], [7, 0]] },
    { targetIndex: 1, start: [0, 0], target: [0, 7], success: true, acquisitionTime: 3, duration: 3.5, path: [[0, 0], [3, 0], [3, 4]] },
    { targetIndex: 2, start: [0, 0], target: [-7, 0], success: false, acquisitionTime: NaN, duration: 4.5, path: [[0, 0], [1, 0]] },
  ];
  const m = summarise(trials, 2, 0.5); // W = 1
  assert.equal(m.trials, 3);
  close(m.successRate, 2 / 3);
  assert.equal(m.meanAcquisitionTime, 2.25);
  close(m.meanPathEfficiency, (1 + 5 / 7) / 2);
  close(m.fittsThroughput, (2 + 1) / 2); // 3 bits in 1.5 s and in 3 s
  close(m.itrBitsPerMin, wolpawBits(2, 2 / 3) * 60 / (10 / 3));
  assert.throws(() => summarise([], 8, 1), /no trials/);
});

test('summarise: Fitts uses each trial its own D (start to target) and W (its width when given)', () => {
  const trials: TrialRecord[] = [
    { targetIndex: 0, start: [1, 1], target: [4, 5], success: true, acquisitionTime: 1, duration: 1.5, path: [[1, 1], [4, 5]], width: 5 }, // D 5, W 5: 1 bit
    { targetIndex: 1, start: [4, 5], target: [4, -2], success: true, acquisitionTime: 2, duration: 2.5, path: [[4, 5], [4, -2]] }, // D 7, W 1: 3 bits
  ];
  const m = summarise(trials, 8, 0.5);
  close(m.fittsThroughput, (1 / 1 + 3 / 2) / 2);
});
