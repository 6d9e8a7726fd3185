// `dendrite stream sim`: the closed-loop cursor simulator on a recording — the simulated user's
// tuning fitted on the recording's training bins; per seeded session the standard
// position-velocity Kalman filter calibrated on an observation block, run in the loop, refitted
// as ReFIT-KF on that block, and both run on the same fresh seed (Gilja et al. 2012); a metrics
// table, report.html (trajectories, acquisition-time distributions, metrics) and results.json.

import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { loadChewie } from '../datasets/spikes.js';
import { CenterOutEnv, compareRefit, fitLinearTuning, type CursorTask, type Point, type SessionResult } from '../stream/sim/index.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { histogramSvg } from '../report/histogram.js';
import { esc } from '../report/svg.js';
import { trajectoriesSvg } from '../report/trajectories.js';
import { numberOption, parseCommandLine } from './args.js';
import { makeRunDir } from './out_dir.js';

export const STREAM_HELP = `usage: dendrite stream sim <recording.mat> [options]

Closed-loop cursor task with a simulated user whose units are tuned to velocity as fitted on the
recording's training bins (a chewie_demo-style .mat: X_train/y_train counts and velocities).
Each session: an observation calibration block (the cursor moves along minimum-jerk reaches, the
user's activity follows its own intention), the position-velocity Kalman filter fitted on it and
run in the loop, ReFIT-KF refitted on that closed-loop block (intention-corrected velocities,
position feedback), then both decoders on the same new seed.

options:
  --task T         center-out (8 targets on a circle, default) or random (uniform targets)
  --sessions N     seeded sessions (default 5)
  --trials N       trials per closed-loop block (default 40)
  --seed N         first seed (default 0)
  --out DIR        where <time>/results.json and report.html go (default ./reports)
`;

export interface StreamSimResult { dir: string; rows: { decoder: string; sessions: SessionResult['metrics'][] }[] }

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => { const m = mean(xs); return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)); };
/** Mean ± sd over sessions of a metric, leaving out sessions where it is undefined (no success). */
const stat = (xs: number[], p: number) => { const f = xs.filter(Number.isFinite); return f.length ? `${mean(f).toFixed(p)} ± ${sd(f).toFixed(p)}` : '-'; };

export function streamCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): StreamSimResult {
  const [sub, ...rest] = argv;
  if (sub !== 'sim') throw new ArgumentError(`stream: unknown command '${sub ?? ''}' (available: sim)`);
  const op = 'stream sim';
  const { values, positionals } = parseCommandLine(op, {
    args: rest, allowPositionals: true, strict: true,
    options: { task: { type: 'string' }, sessions: { type: 'string' }, trials: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  });
  const file = positionals[0];
  if (file === undefined) throw new ArgumentError(`${op}: give a recording (.mat with X_train/y_train), e.g. ../shared/data/spikes/kordinglab-dad/chewie_demo.mat`);
  const task = (values.task ?? 'center-out') as CursorTask;
  if (task !== 'center-out' && task !== 'random') throw new ArgumentError(`${op}: --task is '${values.task}' (center-out or random)`);
  const sessions = numberOption(op, 'sessions', values.sessions, 5, { integer: true, min: 1, max: 200 });
  const trials = numberOption(op, 'trials', values.trials, 40, { integer: true, min: 1, max: 10_000 });
  const seed = numberOption(op, 'seed', values.seed, 0, { integer: true, min: 0 });
  const dir = makeRunDir(op, values.out ?? 'reports');
  const d = loadChewie(readBytes(file), file);
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  const env = new CenterOutEnv(tuning, { task, trials });
  const runs = compareRefit(tuning, { task: { task, trials }, sessions, seed });
  const rows = [
    { decoder: 'KF (observation calibration)', sessions: runs.map((r) => r.kf.metrics) },
    { decoder: 'ReFIT-KF', sessions: runs.map((r) => r.refit.metrics) },
  ];
  const acqMean = (r: (typeof rows)[number]) => mean(r.sessions.map((m) => m.meanAcquisitionTime).filter(Number.isFinite));
  const ratio = acqMean(rows[1]!) / acqMean(rows[0]!);
  const line = (r: (typeof rows)[number]) => `${r.decoder.padEnd(29)} success ${(100 * mean(r.sessions.map((m) => m.successRate))).toFixed(1)} %  acquisition ${acqMean(r).toFixed(3)} s  path efficiency ${mean(r.sessions.map((m) => m.meanPathEfficiency).filter(Number.isFinite)).toFixed(3)}  Fitts ${mean(r.sessions.map((m) => m.fittsThroughput).filter(Number.isFinite)).toFixed(2)} bits/s  ITR ${mean(r.sessions.map((m) => m.itrBitsPerMin)).toFixed(1)} bits/min`;
  log(`stream sim: ${task}, ${sessions} session${sessions > 1 ? 's' : ''} × ${trials} trials, ${tuning.nUnits} units tuned on ${file}`);
  for (const r of rows) log(line(r));
  log(`ReFIT-KF / KF mean acquisition time: ${ratio.toFixed(3)}`);

  const shown = [runs[0]!.kf, runs[0]!.refit];
  const nShown = task === 'random' ? Math.min(12, trials) : trials;
  const targetsOf = (r: SessionResult): Point[] => task === 'random' ? r.trials.slice(0, nShown).map((t) => t.target) : Array.from({ length: env.nTargets }, (_, k) => env.targetPosition(k));
  const extent = env.distance + 2 * env.targetRadius;
  const acq = (k: 'kf' | 'refit') => runs.flatMap((r) => r[k].trials.filter((t) => t.success).map((t) => t.acquisitionTime));
  const maxAcq = Math.max(1, ...acq('kf'), ...acq('refit'));
  const step = maxAcq > 6 ? 0.5 : 0.25;
  const edges = Array.from({ length: Math.ceil(maxAcq / step) + 1 }, (_, i) => i * step);
  const head = ['decoder', 'success', 'acquisition s', 'path efficiency', 'Fitts bits/s', 'Wolpaw ITR bits/min'];
  const table = `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr><td>${esc(r.decoder)}</td>${[
    stat(r.sessions.map((m) => m.successRate), 3), stat(r.sessions.map((m) => m.meanAcquisitionTime), 3), stat(r.sessions.map((m) => m.meanPathEfficiency), 3),
    stat(r.sessions.map((m) => m.fittsThroughput), 2), stat(r.sessions.map((m) => m.itrBitsPerMin), 1),
  ].map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
  const taskText = task === 'random'
    ? `random targets uniform in [-${env.distance}, ${env.distance}]², ≥ ${env.minDistance} from the cursor, radius ${env.targetRadius}`
    : `${env.nTargets} targets at ${env.distance}, radius ${env.targetRadius}`;
  const body = [
    settingsTable([
      ['recording', file], ['task', `${taskText}, hold ${env.holdBins * env.dt} s, ${env.dt * 1000} ms bins`],
      ['sessions', `${sessions} × ${trials} trials (seeds from ${seed}); calibration: 40-trial observation block, minimum-jerk reaches`],
      ['user', `gain ${env.gain}/s, max speed ${env.maxSpeed}, delay ${env.delayBins} bins, motor noise ${env.motorNoise}, holds still on the target`],
    ]),
    '<h2>Metrics (mean ± sd over sessions)</h2>',
    table,
    `<p>ReFIT-KF / KF mean acquisition time: ${ratio.toFixed(3)}</p>`,
    `<h2>Trajectories (first session${task === 'random' ? `, first ${nShown} trials` : ''})</h2>`,
    `<div class="row">${shown.map((r, i) => trajectoriesSvg({ title: rows[i]!.decoder, targets: targetsOf(r), targetRadius: env.targetRadius, trials: r.trials.slice(0, nShown), extent })).join('')}</div>`,
    '<h2>Acquisition times (all sessions, successful trials)</h2>',
    histogramSvg({ edges, series: [{ name: rows[0]!.decoder, color: '#2c7fb8', values: acq('kf') }, { name: rows[1]!.decoder, color: '#d95f0e', values: acq('refit') }], xLabel: 'acquisition time (s)', yLabel: 'fraction of trials', width: 560 }),
  ].join('\n');
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify({ file, task, sessions, trials, seed, ratio, rows }, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), htmlPage('Closed-loop cursor simulation: KF vs ReFIT-KF', body));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return { dir, rows };
}
