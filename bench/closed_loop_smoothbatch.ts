// `node dist/bench/closed_loop_smoothbatch.js`: SmoothBatch CLDA from a decoder rotated by 60°.
// The simulated user's tuning is fitted on chewie_demo.mat's training bins; each seeded session
// calibrates a velocity Kalman filter on an open-loop block, rotates its observation model's
// velocity columns by 60°, and runs 10 simulated minutes of closed-loop control with SmoothBatch
// (batches of 60 s, half-life 60 s). Prints the success rate per batch (mean, min over sessions)
// next to the unrotated and the rotated-but-frozen decoders.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadChewie } from '../src/datasets/spikes.js';
import { AdaptiveKalmanDecoder, CenterOutEnv, fitLinearTuning, fitVelocityKalman, kalmanDecoder, rotateObservation, runSession, runSmoothBatch, type SmoothBatchOptions } from '../src/stream/sim/index.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface SmoothBatchBench { perBatchMean: number[]; perBatchMin: number[]; finalMean: number; unrotated: number; rotatedFrozen: number; sessions: number }

export function main(log: (s: string) => void = console.log, sessions = Number(process.env['SESSIONS'] ?? 20), opts: SmoothBatchOptions = {}): SmoothBatchBench {
  const file = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data', 'spikes/kordinglab-dad/chewie_demo.mat');
  const d = loadChewie(new Uint8Array(readFileSync(file)));
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  const o = { batchSeconds: 60, halfLifeSeconds: 60, durationSeconds: 600, ...opts };
  const perSession: number[][] = [];
  const acqSession: number[][] = [];
  const unrot: number[] = [], frozen: number[] = [];
  for (let s = 0; s < sessions; s++) {
    const open = runSession(new CenterOutEnv(tuning, { trials: 24 }), 'open-loop', 1000 + s);
    const kf = fitVelocityKalman(open.log, open.log.intended);
    const env = new CenterOutEnv(tuning, { trials: 40 });
    unrot.push(runSession(env, kalmanDecoder(kf), 2000 + s).metrics.successRate);
    const rotate = () => { const dec = AdaptiveKalmanDecoder.fromKalman(kf); dec.setObservation(rotateObservation(dec.observation, Math.PI / 3)); return dec; };
    frozen.push(runSession(env, rotate(), 2000 + s).metrics.successRate);
    const r = runSmoothBatch(new CenterOutEnv(tuning, { trials: 100000 }), rotate(), 4000 + s, o);
    perSession.push(r.batches.map((b) => b.successRate));
    acqSession.push(r.batches.map((b) => b.meanAcquisitionTime));
  }
  const nb = Math.min(...perSession.map((p) => p.length));
  const perBatchMean = Array.from({ length: nb }, (_, i) => mean(perSession.map((p) => p[i]!)));
  const perBatchMin = Array.from({ length: nb }, (_, i) => Math.min(...perSession.map((p) => p[i]!)));
  log(`${sessions} seeded sessions, chewie-tuned user, 8 centre-out targets; SmoothBatch batch ${o.batchSeconds} s, half-life ${o.halfLifeSeconds} s, ${o.durationSeconds} s of control`);
  log(`unrotated KF success ${mean(unrot).toFixed(3)}; 60°-rotated KF, frozen: ${mean(frozen).toFixed(3)}`);
  // acquisition time: mean over the sessions that acquired anything in that batch
  const acq = (i: number) => { const xs = acqSession.map((p) => p[i]!).filter(Number.isFinite); return xs.length ? mean(xs).toFixed(2) : '-'; };
  log('batch | ends at s | success mean | success min | acquisition s');
  perBatchMean.forEach((m, i) => log(`${String(i + 1).padStart(5)} | ${String((i + 1) * o.batchSeconds).padStart(9)} | ${m.toFixed(3).padStart(12)} | ${perBatchMin[i]!.toFixed(3).padStart(11)} | ${acq(i)}`));
  const finalMean = perBatchMean[nb - 1]!;
  log(`success in the last batch (within ${o.durationSeconds / 60} simulated minutes): ${finalMean.toFixed(3)} (issue's target ≥ 0.90)`);
  return { perBatchMean, perBatchMin, finalMean, unrotated: mean(unrot), rotatedFrozen: mean(frozen), sessions };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
