// `node dist/bench/closed_loop_sim.js`: the closed-loop cursor simulator's decoder table over
// seeded sessions. The simulated user's tuning is fitted on chewie_demo.mat's training bins; each
// session calibrates a velocity Kalman filter, runs it in the loop, refits it as ReFIT-KF on that
// closed-loop session and runs the refitted filter on a fresh seed. Two calibrations: open-loop
// (the cursor follows the user's intention, as a watched-cursor block) and arm control (the
// filter fitted on the recording's own counts and hand velocities, as Gilja et al.'s baseline).
// Also the Kalman step's latency per 50 ms bin (p50/p99 over every closed-loop step).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadChewie } from '../src/datasets/spikes.js';
import { KalmanFilter } from '../src/decode/estimators/kalman.js';
import { CenterOutEnv, fitLinearTuning, fitVelocityKalman, refitKalman, runSession, type LoopDecoder, type SessionMetrics } from '../src/stream/sim/index.js';

const SESSIONS = 20;
const TRIALS = 40;

function timed(kf: KalmanFilter, lat: number[]): LoopDecoder {
  return {
    reset: () => kf.reset([0, 0]),
    step: (c) => { const t0 = performance.now(); const v = kf.step(c); lat.push(performance.now() - t0); return v; },
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => { const m = mean(xs); return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)); };
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };

export interface ClosedLoopRow { decoder: string; metrics: SessionMetrics[] }

export function main(log: (s: string) => void = console.log): { rows: ClosedLoopRow[]; ratios: Record<string, number>; stepP50Ms: number; stepP99Ms: number } {
  const file = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data', 'spikes/kordinglab-dad/chewie_demo.mat');
  const d = loadChewie(new Uint8Array(readFileSync(file)));
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  const arm = new KalmanFilter({ center: true }).fit(d.spikesTrain, d.velocityTrain);
  const env = new CenterOutEnv(tuning, { trials: TRIALS });
  const rows: ClosedLoopRow[] = ['KF (open-loop calibration)', 'ReFIT-KF (from it)', 'KF (arm control, recording)', 'ReFIT-KF (from it)'].map((decoder) => ({ decoder, metrics: [] }));
  const lat: number[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const open = runSession(new CenterOutEnv(tuning, { trials: 24 }), 'open-loop', 1000 + s);
    const calibrated = [fitVelocityKalman(open.log, open.log.intended), arm];
    calibrated.forEach((kf, k) => {
      const kfRun = runSession(env, timed(kf, lat), 2000 + s);
      const refit = runSession(env, timed(refitKalman(kfRun.log), lat), 3000 + s);
      rows[2 * k]!.metrics.push(kfRun.metrics);
      rows[2 * k + 1]!.metrics.push(refit.metrics);
    });
  }
  const table = [['decoder', 'success', 'acquisition s (mean ± sd over sessions)', 'path efficiency', 'Fitts bits/s', 'Wolpaw ITR bits/min']];
  for (const r of rows) {
    const col = (f: (m: SessionMetrics) => number, p: number) => { const xs = r.metrics.map(f); return `${mean(xs).toFixed(p)} ± ${sd(xs).toFixed(p)}`; };
    table.push([r.decoder, col((m) => m.successRate, 3), col((m) => m.meanAcquisitionTime, 3), col((m) => m.meanPathEfficiency, 3), col((m) => m.fittsThroughput, 2), col((m) => m.itrBitsPerMin, 1)]);
  }
  const w = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  log(`${SESSIONS} seeded sessions × ${TRIALS} centre-out trials (8 targets at 10, radius 1.5, hold 0.5 s, 50 ms bins; user: gain 4/s, max speed 15, delay 2 bins, motor noise 2)`);
  for (const r of table) log(r.map((c, i) => c.padEnd(w[i]!)).join(' | '));
  const acq = (i: number) => mean(rows[i]!.metrics.map((m) => m.meanAcquisitionTime));
  const ratios = { openLoop: acq(1) / acq(0), armControl: acq(3) / acq(2) };
  log(`ReFIT / KF mean acquisition time: open-loop calibration ${ratios.openLoop.toFixed(3)}, arm-control calibration ${ratios.armControl.toFixed(3)} (issue's target ≤ 0.67)`);
  const stepP50Ms = pct(lat, 0.5), stepP99Ms = pct(lat, 0.99);
  log(`Kalman step, 71 units: p50 ${(stepP50Ms * 1000).toFixed(1)} µs, p99 ${(stepP99Ms * 1000).toFixed(1)} µs, max ${(Math.max(...lat) * 1000).toFixed(1)} µs over ${lat.length} steps`);
  return { rows, ratios, stepP50Ms, stepP99Ms };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
