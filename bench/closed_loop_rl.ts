// `node dist/bench/closed_loop_rl.js`: learning curves of the actor-critic RL decoder (after
// Pohlmeyer et al. 2014) on the closed-loop cursor simulator, from seeded random weights. The
// simulated user's tuning is fitted on chewie_demo.mat's training bins. Each session runs
// EPISODES × TRIALS centre-out trials with the decoder acting and learning every 50 ms bin;
// the curve is the success rate per block of 8 trials (one per target), mean over sessions.
// Rows: the per-step progress critic (Pohlmeyer's binary feedback from the display) on the
// standard task, and the environment's sparse acquisition reward alone on the standard task
// and on an easier one (targets at 5, radius 2.5, hold 3 bins, 600 trials); the untrained
// random weights as the baseline.
// Then the general agents (src/stream/sim/agents) through the shared act/observe/update loop, on
// the standard task from seeded random weights, spike counts only: PPO and DQN with the
// acquisition reward alone (600 trials) and with the progress shaping (200 trials), and the
// actor-critic with the acquisition reward alone over the same 600 trials. Sessions per row:
// DENDRITE_RL_SESSIONS (default 20); DENDRITE_RL_AGENTS=ppo,dqn runs only those agents' rows.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadChewie } from '../src/datasets/spikes.js';
import { CenterOutEnv, fitLinearTuning, RlDecoder, runRlSession, type CenterOutConfig, type RlDecoderOptions, type RlReward } from '../src/stream/sim/index.js';
import { meanCurve, runAgentExperiment, summariseRow, type AgentKind, type RewardKind, type RowSummary } from '../src/stream/sim/agents/index.js';

const SESSIONS = Number(process.env['DENDRITE_RL_SESSIONS'] ?? 20);
const EPISODES = 5;
const TRIALS = 40;
const BLOCK = 8;

export interface RlRow { name: string; curves: number[][]; finalSuccess: number[]; trialsTo80: number[] }

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => { const m = mean(xs); return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)); };

export function main(log: (s: string) => void = console.log): { rows: RlRow[]; agents: RowSummary[] } {
  const only = process.env['DENDRITE_RL_AGENTS']?.split(',');
  const file = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data', 'spikes/kordinglab-dad/chewie_demo.mat');
  const d = loadChewie(new Uint8Array(readFileSync(file)));
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  const setups: { name: string; reward: RlReward; task: CenterOutConfig; opts: RlDecoderOptions; episodes?: number; learn?: boolean }[] = [
    { name: 'no learning: the random initial weights, standard task (targets at 10, radius 1.5, hold 10 bins)', reward: 'progress', task: {}, opts: {}, learn: false, episodes: 1 },
    { name: 'progress critic, standard task (default actor step 0.5)', reward: 'progress', task: {}, opts: {} },
    { name: 'progress critic, standard task, slower actor (step 0.02)', reward: 'progress', task: {}, opts: { actorLr: 0.02 } },
    { name: 'acquisition reward only, standard task', reward: 'acquisition', task: {}, opts: { gamma: 0.95 } },
    { name: 'acquisition reward only, easier task (targets at 5, radius 2.5, hold 3 bins)', reward: 'acquisition', task: { distance: 5, targetRadius: 2.5, holdBins: 3 }, opts: { gamma: 0.95 }, episodes: 15 },
  ];
  const rows: RlRow[] = [];
  for (const s of only && !only.includes('actor-critic') ? [] : setups) {
    const row: RlRow = { name: s.name, curves: [], finalSuccess: [], trialsTo80: [] };
    for (let k = 0; k < SESSIONS; k++) {
      const env = new CenterOutEnv(tuning, { trials: TRIALS, ...s.task });
      const r = runRlSession(env, new RlDecoder(tuning.nUnits, 500 + k, s.opts), { episodes: s.episodes ?? EPISODES, seed: 7000 + 100 * k, reward: s.reward, blockSize: BLOCK, learn: s.learn ?? true });
      row.curves.push(r.curve);
      row.finalSuccess.push(mean(r.curve.slice(-5))); // the last 40 trials
      const hit = r.curve.findIndex((c, i) => i + 1 < r.curve.length && c >= 0.8 && r.curve[i + 1]! >= 0.8);
      row.trialsTo80.push(hit < 0 ? NaN : (hit + 1) * BLOCK);
    }
    rows.push(row);
  }
  log(`${SESSIONS} seeded sessions × ${EPISODES * TRIALS} trials each (unless noted), decoder from seeded random weights (8 moves at speed 10 + stay, 71 chewie-tuned units, 50 ms bins; user: gain 4/s, max speed 15, delay 2 bins, motor noise 2)`);
  for (const r of rows) {
    const nb = r.curves[0]!.length;
    const curve = Array.from({ length: nb }, (_, b) => mean(r.curves.map((c) => c[b]!)));
    const reached = r.trialsTo80.filter((t) => Number.isFinite(t));
    log(`\n${r.name}: ${r.curves[0]!.length * BLOCK} trials`);
    log(`  success per block of ${BLOCK} trials (mean over sessions): ${curve.map((c) => c.toFixed(2)).join(' ')}`);
    log(`  last 40 trials: ${mean(r.finalSuccess).toFixed(3)} ± ${sd(r.finalSuccess).toFixed(3)}; sessions reaching ≥ 80 % (two blocks in a row): ${reached.length}/${SESSIONS}` +
      (reached.length ? `, after ${mean(reached).toFixed(1)} trials on average (max ${Math.max(...reached)})` : ''));
  }
  log(`\n## general agents through the shared loop (features: spike counts only; actions: 8 directions at speed 10 + stop)`);
  const agentRows: { agent: AgentKind; reward: RewardKind; episodes: number }[] = [
    { agent: 'ppo', reward: 'acquisition', episodes: 15 },
    { agent: 'ppo', reward: 'progress', episodes: 5 },
    { agent: 'dqn', reward: 'acquisition', episodes: 15 },
    { agent: 'dqn', reward: 'progress', episodes: 5 },
    { agent: 'actor-critic', reward: 'acquisition', episodes: 15 },
  ];
  const agents: RowSummary[] = [];
  for (const a of agentRows.filter((r) => !only || only.includes(r.agent))) {
    const t0 = performance.now();
    const [row] = runAgentExperiment(tuning, { agents: [a.agent], rewards: [a.reward], sessions: SESSIONS, episodes: a.episodes, seed: 0, task: { trials: TRIALS }, blockSize: BLOCK });
    const sum = summariseRow(row!);
    agents.push(sum);
    const curve = meanCurve(row!);
    log(`\n${a.agent}, ${a.reward === 'acquisition' ? 'acquisition reward only' : 'acquisition reward + progress shaping'}, standard task: ${a.episodes * TRIALS} trials (${((performance.now() - t0) / 1000 / SESSIONS).toFixed(1)} s per session)`);
    log(`  success per block of ${BLOCK} trials (mean over sessions): ${curve.success.map((c) => c.toFixed(2)).join(' ')}`);
    log(`  last 40 trials: ${sum.finalSuccess.toFixed(3)} ± ${sum.finalSuccessSd.toFixed(3)}; sessions reaching ≥ 80 % (two blocks in a row): ${sum.reached80}/${SESSIONS}` +
      (sum.reached80 ? `, after ${sum.trialsTo80.toFixed(1)} trials on average (max ${Math.max(...row!.sessions.map((x) => x.trialsTo80).filter(Number.isFinite))})` : '') +
      `; frozen greedy episode: ${sum.frozenSuccess.toFixed(3)} success, ${Number.isFinite(sum.frozenAcquisitionTime) ? sum.frozenAcquisitionTime.toFixed(3) : '–'} s acquisition`);
  }
  return { rows, agents };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
