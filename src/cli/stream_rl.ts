// `dendrite stream rl`: reward-driven decoders learning the closed-loop cursor task from seeded
// random weights — the actor-critic RL decoder, DQN and PPO — with the simulated user's tuning
// fitted on a recording's training bins; learning curves per agent and reward, the frozen agents'
// trajectories and acquisition times, results.json and report.html.

import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { loadChewie } from '../datasets/spikes.js';
import { CenterOutEnv, fitLinearTuning } from '../stream/sim/index.js';
import { AGENT_KINDS, meanCurve, runAgentExperiment, summariseRow, type AgentKind, type ExperimentRow, type FeatureSet, type RewardKind, type RowSummary } from '../stream/sim/agents/index.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { esc, lineChart, type Series } from '../report/svg.js';
import { histogramSvg } from '../report/histogram.js';
import { trajectoriesSvg } from '../report/trajectories.js';
import { numberOption, parseCommandLine } from './args.js';
import { makeRunDir } from './out_dir.js';

export const STREAM_RL_HELP = `usage: dendrite stream rl <recording.mat> [options]

Reward-driven decoders learn the closed-loop centre-out cursor task from seeded random weights.
The simulated user's units are tuned to velocity as fitted on the recording's training bins (a
chewie_demo-style .mat: X_train/y_train). Each agent picks one of 8 directions at speed 10 or stop
every 50 ms bin, learns online for --episodes episodes of --trials trials, then runs one more
episode frozen (greedy) on unseen seeds.

agents:
  actor-critic   Pohlmeyer et al. 2014's RL-BMI (softmax actor, linear critic, TD error)
  dqn            DQN with replay, target network, Double DQN, n-step returns, Huber loss
  ppo            PPO-clip, categorical policy, GAE(λ), entropy bonus, gradient clipping

options:
  --agent A        actor-critic | dqn | ppo | all (default all)
  --reward R       acquisition (the task's own: 1 per acquired target) | progress (adds the
                   shaping term +1 per bin closer to the target, −1 otherwise) | both (default both)
  --features F     counts (spike counts only, as a BMI decoder sees; default) | counts+cursor
                   (also the cursor's offset to the target, from the task display)
  --episodes N     training episodes per session (default 5)
  --trials N       trials per episode (default 40)
  --sessions N     seeded sessions per agent and reward (default 1)
  --seed N         first seed (default 0)
  --distance D     target distance (default 10)
  --radius R       target radius (default 1.5)
  --hold N         bins to hold inside the target (default 10)
  --block N        trials per learning-curve point (default 8)
  --out DIR        where <time>/results.json and report.html go (default ./reports)
`;

export interface StreamRlResult { dir: string; rows: ExperimentRow[]; summary: RowSummary[] }

const COLORS: Record<AgentKind, string> = { 'actor-critic': '#2c7fb8', dqn: '#d95f0e', ppo: '#31a354' };
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

function choice<T extends string>(op: string, name: string, raw: string | undefined, allowed: readonly T[], def: T): T {
  if (raw === undefined) return def;
  if (!(allowed as readonly string[]).includes(raw)) throw new ArgumentError(`${op}: --${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  return raw as T;
}

export function streamRlCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): StreamRlResult {
  const op = 'stream rl';
  const s = { type: 'string' } as const;
  const { values, positionals } = parseCommandLine(op, {
    args: argv, allowPositionals: true, strict: true,
    options: { agent: s, reward: s, features: s, episodes: s, trials: s, sessions: s, seed: s, distance: s, radius: s, hold: s, block: s, out: s },
  });
  const file = positionals[0];
  if (file === undefined) throw new ArgumentError(`${op}: give a recording (.mat with X_train/y_train), e.g. ../shared/data/spikes/kordinglab-dad/chewie_demo.mat`);
  if (positionals.length > 1) throw new ArgumentError(`${op}: one recording expected, got ${positionals.length} arguments`);
  const agentArg = choice(op, 'agent', values.agent, [...AGENT_KINDS, 'all'] as const, 'all');
  const rewardArg = choice(op, 'reward', values.reward, ['acquisition', 'progress', 'both'] as const, 'both');
  const features = choice<FeatureSet>(op, 'features', values.features, ['counts', 'counts+cursor'], 'counts');
  const episodes = numberOption(op, 'episodes', values.episodes, 5, { integer: true, min: 1, max: 10_000 });
  const trials = numberOption(op, 'trials', values.trials, 40, { integer: true, min: 1, max: 10_000 });
  const sessions = numberOption(op, 'sessions', values.sessions, 1, { integer: true, min: 1, max: 200 });
  const seed = numberOption(op, 'seed', values.seed, 0, { integer: true, min: 0 });
  const distance = numberOption(op, 'distance', values.distance, 10, { minExclusive: 0, max: 1000 });
  const radius = numberOption(op, 'radius', values.radius, 1.5, { minExclusive: 0, maxExclusive: distance });
  const hold = numberOption(op, 'hold', values.hold, 10, { integer: true, min: 1, max: 199 });
  const block = numberOption(op, 'block', values.block, 8, { integer: true, min: 1, max: 10_000 });
  const agents: AgentKind[] = agentArg === 'all' ? [...AGENT_KINDS] : [agentArg];
  const rewards: RewardKind[] = rewardArg === 'both' ? ['acquisition', 'progress'] : [rewardArg];
  const dir = makeRunDir(op, values.out ?? 'reports');
  const d = loadChewie(readBytes(file), file);
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  const task = { trials, distance, targetRadius: radius, holdBins: hold };
  const env = new CenterOutEnv(tuning, task); // checks the task before any training
  log(`stream rl: ${agents.join(', ')} × ${rewards.join(', ')} reward, ${sessions} session${sessions > 1 ? 's' : ''} × ${episodes * trials} trials, ${tuning.nUnits} units tuned on ${file}, features: ${features}`);
  const rows = runAgentExperiment(tuning, {
    agents, rewards, sessions, episodes, seed, task, features, blockSize: block, finalTrials: Math.min(40, episodes * trials),
    onSession: (row, r) => log(`  ${row.agent} (${row.reward}) session ${row.sessions.length}: last trials ${(100 * r.finalSuccess).toFixed(1)} % success, frozen ${(100 * r.frozen.successRate).toFixed(1)} %, ${r.seconds.toFixed(1)} s`),
  });
  const summary = rows.map(summariseRow);
  const header = `${'agent'.padEnd(13)} ${'reward'.padEnd(12)} ${'final success'.padStart(13)} ${'reached 80 %'.padStart(12)} ${'trials to 80 %'.padStart(14)} ${'frozen success'.padStart(14)} ${'frozen acq. (s)'.padStart(15)}`;
  const line = (r: RowSummary) => `${r.agent.padEnd(13)} ${r.reward.padEnd(12)} ${f3(r.finalSuccess).padStart(13)} ${`${r.reached80}/${r.sessions}`.padStart(12)} ${(Number.isFinite(r.trialsTo80) ? r.trialsTo80.toFixed(1) : '–').padStart(14)} ${f3(r.frozenSuccess).padStart(14)} ${f3(r.frozenAcquisitionTime).padStart(15)}`;
  log(header);
  for (const r of summary) log(line(r));

  const pct = (v: number) => `${(100 * v).toFixed(0)} %`;
  const charts = rewards.map((reward) => {
    const mine = rows.filter((r) => r.reward === reward);
    const curves = mine.map((r) => ({ r, c: meanCurve(r) }));
    const succ: Series[] = curves.map(({ r, c }) => ({ name: r.agent, color: COLORS[r.agent], points: c.trial.map((t, i) => [t + block, c.success[i]!] as const) }));
    const acq: Series[] = curves.map(({ r, c }) => ({ name: r.agent, color: COLORS[r.agent], points: c.trial.map((t, i) => [t + block, Number.isFinite(c.acquisitionTime[i]!) ? c.acquisitionTime[i]! : null] as const) }));
    return `<h3>${esc(reward === 'acquisition' ? 'Acquisition reward only' : 'Acquisition reward + progress shaping')}</h3><div class="row">` +
      lineChart({ series: succ, xLabel: 'trials', yLabel: `success per ${block} trials`, yRange: [0, 1], yFormat: pct, width: 520 }) +
      lineChart({ series: acq, xLabel: 'trials', yLabel: 'mean acquisition time (s)', width: 520 }) + '</div>';
  });
  const targets = Array.from({ length: env.nTargets }, (_, k) => env.targetPosition(k));
  const traj = rows.map((r) => trajectoriesSvg({ title: `${r.agent}, ${r.reward} (frozen, session 1)`, targets, targetRadius: radius, trials: r.sessions[0]!.frozenTrials, size: 260 }));
  const maxT = Math.max(1, ...rows.flatMap((r) => r.sessions.flatMap((x) => x.frozenTrials.filter((t) => t.success).map((t) => t.acquisitionTime))));
  const step = maxT > 6 ? 0.5 : 0.25;
  const edges = Array.from({ length: Math.ceil(maxT / step) + 1 }, (_, i) => i * step);
  const hist = rewards.map((reward) => histogramSvg({
    edges, xLabel: `acquisition time (s), frozen agents, ${reward} reward`, yLabel: 'fraction of trials', width: 560,
    series: rows.filter((r) => r.reward === reward).map((r) => ({ name: r.agent, color: COLORS[r.agent], values: r.sessions.flatMap((x) => x.frozenTrials.filter((t) => t.success).map((t) => t.acquisitionTime)) })),
  }));
  const body = [
    settingsTable([
      ['recording', file], ['units', String(tuning.nUnits)],
      ['task', `${env.nTargets} targets at ${distance}, radius ${radius}, hold ${hold} bins, timeout ${env.timeoutBins} bins of ${env.dt * 1000} ms`],
      ['training', `${sessions} session(s) × ${episodes} episodes × ${trials} trials, seeds from ${seed}`],
      ['features', features === 'counts' ? 'spike counts (running z-score)' : 'spike counts (running z-score) + cursor offset to the target'],
      ['actions', '8 directions at speed 10, and stop'],
    ]),
    `<pre>${esc([header, ...summary.map(line)].join('\n'))}</pre>`,
    '<p>final success: the last 40 training trials; reached 80 %: sessions whose curve had two blocks in a row at ≥ 80 %; frozen: one greedy episode after training on unseen seeds.</p>',
    '<h2>Learning curves (mean over sessions)</h2>', ...charts,
    '<h2>Trajectories of the frozen agents</h2>', `<div class="row">${traj.join('')}</div>`,
    '<h2>Acquisition times of the frozen agents</h2>', `<div class="row">${hist.join('')}</div>`,
  ].join('\n');
  const json = {
    file, seed, sessions, episodes, trials, features, task,
    summary,
    rows: rows.map((r) => ({ agent: r.agent, reward: r.reward, sessions: r.sessions.map(({ frozenTrials: _t, ...rest }) => rest) })),
  };
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(json, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), htmlPage('Reward-driven decoders on the closed-loop cursor task', body));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return { dir, rows, summary };
}
