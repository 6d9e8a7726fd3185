// `dendrite stream sim`: the closed-loop cursor simulator on a recording — the simulated user's
// tuning fitted on the recording's training bins, a velocity Kalman filter calibrated on an
// open-loop block, run in the loop, then refitted as ReFIT-KF and run again; seeded sessions,
// a metrics table, report.html (trajectories, acquisition times) and results.json.

import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { loadChewie } from '../datasets/spikes.js';
import { CenterOutEnv, fitLinearTuning, fitVelocityKalman, kalmanDecoder, refitKalman, runSession, type SessionResult } from '../stream/sim/index.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { histogramSvg } from '../report/histogram.js';
import { trajectoriesSvg } from '../report/trajectories.js';
import { numberOption, parseCommandLine } from './args.js';
import { makeRunDir } from './out_dir.js';

export const STREAM_HELP = `usage: dendrite stream sim <recording.mat> [options]

Closed-loop centre-out cursor task with a simulated user whose units are tuned to velocity as
fitted on the recording's training bins (a chewie_demo-style .mat: X_train/y_train counts and
velocities). Each session: an open-loop calibration block, the velocity Kalman filter in the
loop, then ReFIT-KF (refitted on that session's intention-corrected velocities) on a new seed.

options:
  --sessions N     seeded sessions (default 5)
  --trials N       centre-out trials per closed-loop session (default 40)
  --seed N         first seed (default 0)
  --out DIR        where <time>/results.json and report.html go (default ./reports)
`;

export interface StreamSimResult { dir: string; rows: { decoder: string; sessions: SessionResult['metrics'][] }[] }

export function streamCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): StreamSimResult {
  const [sub, ...rest] = argv;
  if (sub !== 'sim') throw new ArgumentError(`stream: unknown command '${sub ?? ''}' (available: sim)`);
  const op = 'stream sim';
  const { values, positionals } = parseCommandLine(op, {
    args: rest, allowPositionals: true, strict: true,
    options: { sessions: { type: 'string' }, trials: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  });
  const file = positionals[0];
  if (file === undefined) throw new ArgumentError(`${op}: give a recording (.mat with X_train/y_train), e.g. ../shared/data/spikes/kordinglab-dad/chewie_demo.mat`);
  const sessions = numberOption(op, 'sessions', values.sessions, 5, { integer: true, min: 1, max: 200 });
  const trials = numberOption(op, 'trials', values.trials, 40, { integer: true, min: 1, max: 10_000 });
  const seed = numberOption(op, 'seed', values.seed, 0, { integer: true, min: 0 });
  const dir = makeRunDir(op, values.out ?? 'reports');
  const d = loadChewie(readBytes(file), file);
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  const env = new CenterOutEnv(tuning, { trials });
  const rows = [{ decoder: 'KF (open-loop calibration)', sessions: [] as SessionResult['metrics'][] }, { decoder: 'ReFIT-KF', sessions: [] as SessionResult['metrics'][] }];
  const shown: SessionResult[] = [];
  for (let s = 0; s < sessions; s++) {
    const open = runSession(new CenterOutEnv(tuning, { trials: 24 }), 'open-loop', seed + 1000 + s);
    const kf = runSession(env, kalmanDecoder(fitVelocityKalman(open.log, open.log.intended)), seed + 2000 + s);
    const refit = runSession(env, kalmanDecoder(refitKalman(kf.log)), seed + 3000 + s);
    rows[0]!.sessions.push(kf.metrics);
    rows[1]!.sessions.push(refit.metrics);
    if (s === 0) shown.push(kf, refit);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const line = (r: (typeof rows)[number]) => `${r.decoder.padEnd(28)} success ${(100 * mean(r.sessions.map((m) => m.successRate))).toFixed(1)} %  acquisition ${mean(r.sessions.map((m) => m.meanAcquisitionTime)).toFixed(3)} s  path efficiency ${mean(r.sessions.map((m) => m.meanPathEfficiency)).toFixed(3)}  Fitts ${mean(r.sessions.map((m) => m.fittsThroughput)).toFixed(2)} bits/s  ITR ${mean(r.sessions.map((m) => m.itrBitsPerMin)).toFixed(1)} bits/min`;
  log(`stream sim: ${sessions} session${sessions > 1 ? 's' : ''} × ${trials} trials, ${tuning.nUnits} units tuned on ${file}`);
  for (const r of rows) log(line(r));
  const targets = Array.from({ length: 8 }, (_, k) => [env.distance * Math.cos((2 * Math.PI * k) / 8), env.distance * Math.sin((2 * Math.PI * k) / 8)] as const);
  const acq = (r: SessionResult) => r.trials.filter((t) => t.success).map((t) => t.acquisitionTime);
  const body = [
    settingsTable([['recording', file], ['sessions', `${sessions} × ${trials} trials (seeds from ${seed})`], ['task', `8 targets at ${env.distance}, radius ${env.targetRadius}`]]),
    `<pre>${rows.map(line).join('\n')}</pre>`,
    '<h2>Trajectories (first session)</h2>',
    `<div style="display:flex;gap:16px">${shown.map((r, i) => trajectoriesSvg({ title: rows[i]!.decoder, targets, targetRadius: env.targetRadius, trials: r.trials })).join('')}</div>`,
    '<h2>Acquisition times (first session)</h2>',
    histogramSvg({ edges: Array.from({ length: 13 }, (_, i) => i * 0.25), series: [{ name: rows[0]!.decoder, color: '#2c7fb8', values: acq(shown[0]!) }, { name: rows[1]!.decoder, color: '#d95f0e', values: acq(shown[1]!) }], xLabel: 'acquisition time (s)', yLabel: 'fraction of trials', width: 560 }),
  ].join('\n');
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify({ file, sessions, trials, seed, rows }, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), htmlPage('Closed-loop cursor simulation', body));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return { dir, rows };
}
