// `node dist/bench/closed_loop_runtime.js`: decode-step latency of the streaming runtime at
// 50 ms bins on chewie_demo (71 units → 2-D hand velocity): each test bin goes through
// BinHistory and a decoder stage timed by the runtime's latency histogram (p50/p99 are the
// upper edges of 12 %-wide bins). Stages: the Kalman filter (one predict/update per bin) and a
// GRU (predictOne over the last 10 bins). Late = a step longer than the budget: the 50 ms bin
// period, and the 1 ms acceptance target for a decode step. Warm-up pass first, then 5 passes.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadChewie } from '../src/datasets/spikes.js';
import { KalmanFilter } from '../src/decode/estimators/kalman.js';
import { RecurrentDecoder } from '../src/decode/estimators/neural_decoder.js';
import { BinHistory, KalmanStage, LatencyHistogram, PredictOneStage, Timed, type Stage } from '../src/stream/runtime/index.js';

const DATA = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data');
const CHEWIE = resolve(DATA, 'spikes/kordinglab-dad/chewie_demo.mat');
const L = 10;

type M = { data: Float64Array; rows: number; cols: number };
function sequences(x: M): { data: Float64Array; n: number; steps: number; features: number } {
  const f = x.cols, n = x.rows - L + 1;
  const out = new Float64Array(n * L * f);
  for (let t = 0; t < n; t++) out.set(x.data.subarray(t * f, (t + L) * f), t * L * f);
  return { data: out, n, steps: L, features: f };
}

function run(stage: Stage<ArrayLike<number>, Float64Array>, bins: M, history: number, passes: number): { bin: LatencyHistogram; strict: LatencyHistogram } {
  const f = bins.cols;
  const bin = new LatencyHistogram({ budgetMs: 50 });
  const strict = new LatencyHistogram({ budgetMs: 1 });
  for (let p = 0; p < passes; p++) {
    const hist = history > 1 ? new BinHistory(f, history) : null;
    for (let t = 0; t < bins.rows; t++) {
      const b = bins.data.subarray(t * f, (t + 1) * f);
      const t0 = performance.now();
      const row = hist ? hist.push(b) : b;
      if (row) stage.process(row);
      const ms = Math.max(0, performance.now() - t0);
      if (row) { bin.record(ms); strict.record(ms); }
    }
  }
  return { bin, strict };
}

export async function main(): Promise<void> {
  if (!existsSync(CHEWIE)) { console.log(`chewie_demo.mat not found at ${CHEWIE} (set DENDRITE_DATA)`); return; }
  const d = loadChewie(new Uint8Array(readFileSync(CHEWIE)));
  const kf = new KalmanFilter({ center: true }).fit(d.spikesTrain, d.velocityTrain);
  const gru = new RecurrentDecoder({ cell: 'gru', hiddenSize: 128, epochs: 1, seed: 0 })
    .fit(sequences(d.spikesTrain), { data: d.velocityTrain.data.subarray((L - 1) * 2), rows: d.velocityTrain.rows - L + 1, cols: 2 });
  const rows: [string, Stage<ArrayLike<number>, Float64Array>, number][] = [
    ['Kalman (71 units, 2-D state)', new Timed(new KalmanStage(kf)), 1],
    [`GRU (hidden 128, ${L} bins of history)`, new Timed(new PredictOneStage(gru)), L],
  ];
  const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`decode step per 50 ms bin, chewie_demo test set (${d.spikesTest.rows} bins) × 5 passes after a warm-up pass`);
  console.log('| stage | steps | p50 | p99 | max | late > 50 ms | late > 1 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, stage, history] of rows) {
    run(stage, d.spikesTest, history, 1);
    const { bin, strict } = run(stage, d.spikesTest, history, 5);
    const s = bin.summary();
    console.log(`| ${name} | ${s.count} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${s.late} | ${strict.late} |`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
