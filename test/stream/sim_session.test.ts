// Decoders in the loop on a user whose tuning is fitted on the real chewie recording; ReFIT's
// intention correction on a hand-made log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadChewie } from '../../src/datasets/spikes.js';
import { lstsq } from '../../src/linalg/lstsq.js';
import { CenterOutEnv, fitLinearTuning, fitVelocityKalman, kalmanDecoder, refitIntentions, refitKalman, runSession, type SessionLog } from '../../src/stream/sim/index.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const CHEWIE = dataPath('spikes', 'kordinglab-dad', 'chewie_demo.mat');

test('ReFIT intentions: decoded velocity rotated at the target with its speed, zero inside it', () => {
  const log: SessionLog = {
    counts: [], intended: [],
    decoded: [[3, 4], [0, -2], [1, 1], [2, 0]],
    position: [[0, 0], [10, 0], [9.5, 0.5], [10, 5]],
    target: [[10, 0], [0, 10], [10, 0], [10, 5]],
    inTarget: [false, false, true, false],
  };
  const r = refitIntentions(log);
  const close = (a: readonly number[], b: readonly number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-12, `${a} vs ${b}`));
  close(r[0]!, [5, 0]); // speed 5 toward +x
  close(r[1]!, [-2 / Math.SQRT2, 2 / Math.SQRT2]); // speed 2 toward (-10, 10)
  close(r[2]!, [0, 0]); // holding
  close(r[3]!, [0, 0]); // on the target centre: no direction
});

test('chewie-tuned user: the Kalman filter fitted on open-loop data acquires targets; ReFIT too', (t) => {
  if (skipMissing(t, CHEWIE)) return;
  const d = loadChewie(new Uint8Array(readFileSync(CHEWIE)));
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  assert.equal(tuning.nUnits, 71);
  // the tuning is the least-squares fit of the training counts on [1, vx, vy]
  const n = d.velocityTrain.rows;
  const A = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) A.set([1, d.velocityTrain.data[2 * i]!, d.velocityTrain.data[2 * i + 1]!], 3 * i);
  const B = lstsq({ data: A, rows: n, cols: 3 }, d.spikesTrain).data;
  for (const j of [0, 17, 70]) {
    if (tuning.silent[j]) continue;
    assert.ok(Math.abs(tuning.baseline[j]! - B[j]!) < 1e-9 && Math.abs(tuning.weights[2 * j + 1]! - B[142 + j]!) < 1e-9, `unit ${j}`);
  }
  const env = new CenterOutEnv(tuning, { trials: 24 });
  const open = runSession(env, 'open-loop', 1);
  assert.equal(open.metrics.successRate, 1, 'the intention itself always acquires');
  const kf = fitVelocityKalman(open.log, open.log.intended);
  const closed = runSession(env, kalmanDecoder(kf), 2);
  assert.equal(closed.trials.length, 24);
  assert.ok(closed.metrics.successRate >= 0.95, `KF success ${closed.metrics.successRate}`);
  assert.ok(closed.metrics.meanAcquisitionTime < 1.5, `KF acquisition ${closed.metrics.meanAcquisitionTime} s`);
  assert.ok(closed.metrics.meanPathEfficiency > 0.8, `KF efficiency ${closed.metrics.meanPathEfficiency}`);
  // a decoder with the velocity sign flipped cannot acquire anything
  const flipped = runSession(env, { reset: () => kf.reset([0, 0]), step: (c) => kf.step(c).map((v) => -v) }, 2);
  assert.equal(flipped.metrics.successRate, 0);
  const refit = refitKalman(closed.log);
  const again = runSession(env, kalmanDecoder(refit), 3);
  assert.ok(again.metrics.successRate >= 0.95, `ReFIT success ${again.metrics.successRate}`);
  // seeded: the same session twice is the same
  assert.deepEqual(runSession(env, kalmanDecoder(kf), 2).metrics, closed.metrics);
  assert.throws(() => runSession(env, { reset: () => undefined, step: () => [1, 2, 3] }, 0), ArgumentError);
});
