// Seeded learning-curve experiments: each agent kind × reward, over several sessions, each session
// a fresh agent from seeded random weights trained online for `episodes` episodes, then frozen and
// run greedily for one more episode on unseen seeds. Seeds: agent seed + 500 + k, environment
// seed + 7000 + 100k (episodes in order), the frozen episode seed + 900000 + k.

import { ArgumentError } from '../../../errors.js';
import { CenterOutEnv, type CenterOutConfig, type UserConfig } from '../env.js';
import type { SessionMetrics, TrialRecord } from '../metrics.js';
import type { LinearTuning } from '../tuning.js';
import { FeatureMap, runAgentSession, trialsToReach, type FeatureSet, type LearningCurve, type RewardKind } from './agent.js';
import { AGENT_KINDS, createAgent, type AgentKind, type AgentOptions } from './factory.js';

export interface ExperimentOptions {
  agents: readonly AgentKind[];
  rewards: readonly RewardKind[];
  sessions: number;
  episodes: number;
  seed: number;
  task?: CenterOutConfig;
  user?: UserConfig;
  features?: FeatureSet;
  /** Trials per learning-curve point (default 8). */
  blockSize?: number;
  /** Trials at the end of training that give the final success rate (default 40). */
  finalTrials?: number;
  /** Per-kind options; by default the actor-critic uses γ 0 with the progress shaping (Pohlmeyer's one-step critic) and γ 0.95 with the acquisition reward. */
  agentOptions?: (kind: AgentKind, reward: RewardKind) => AgentOptions;
  /** Called after each session. */
  onSession?: (row: ExperimentRow, session: SessionOutcome) => void;
}

export interface SessionOutcome {
  curve: LearningCurve;
  /** Success rate over the last finalTrials trials of training. */
  finalSuccess: number;
  /** Trials until two blocks in a row reach 80 % (NaN when never). */
  trialsTo80: number;
  /** The frozen agent's greedy episode on unseen seeds. */
  frozen: SessionMetrics;
  frozenTrials: TrialRecord[];
  steps: number;
  seconds: number;
}

export interface ExperimentRow {
  agent: AgentKind;
  reward: RewardKind;
  sessions: SessionOutcome[];
}

export function defaultAgentOptions(kind: AgentKind, reward: RewardKind): AgentOptions {
  return kind === 'actor-critic' && reward === 'acquisition' ? { 'actor-critic': { gamma: 0.95 } } : {};
}

export function runAgentExperiment(tuning: LinearTuning, o: ExperimentOptions): ExperimentRow[] {
  const op = 'runAgentExperiment';
  for (const a of o.agents) if (!AGENT_KINDS.includes(a)) throw new ArgumentError(`${op}: agent is '${String(a)}' (${AGENT_KINDS.join(', ')} is needed)`);
  for (const r of o.rewards) if (r !== 'acquisition' && r !== 'progress') throw new ArgumentError(`${op}: reward is '${String(r)}' ('acquisition' or 'progress' is needed)`);
  if (!(Number.isInteger(o.sessions) && o.sessions >= 1)) throw new ArgumentError(`${op}: sessions is ${o.sessions} (an integer >= 1 is needed)`);
  const blockSize = o.blockSize ?? 8;
  const finalTrials = o.finalTrials ?? 40;
  const rows: ExperimentRow[] = [];
  for (const reward of o.rewards) {
    for (const agent of o.agents) {
      const row: ExperimentRow = { agent, reward, sessions: [] };
      for (let k = 0; k < o.sessions; k++) {
        const t0 = performance.now();
        const env = new CenterOutEnv(tuning, o.task ?? {}, o.user ?? {});
        const fm = new FeatureMap(tuning.nUnits, o.features ?? 'counts');
        const ag = createAgent(agent, fm.nInputs, o.seed + 500 + k, (o.agentOptions ?? defaultAgentOptions)(agent, reward));
        const r = runAgentSession(env, ag, fm, { episodes: o.episodes, seed: o.seed + 7000 + 100 * k, reward, blockSize });
        const last = r.trials.slice(-finalTrials);
        const frozen = runAgentSession(env, ag, fm, { episodes: 1, seed: o.seed + 900_000 + k, learn: false, blockSize });
        const s: SessionOutcome = {
          curve: r.curve,
          finalSuccess: last.filter((t) => t.success).length / last.length,
          trialsTo80: trialsToReach(r.curve, blockSize),
          frozen: frozen.metrics,
          frozenTrials: frozen.trials,
          steps: r.steps,
          seconds: (performance.now() - t0) / 1000,
        };
        row.sessions.push(s);
        o.onSession?.(row, s);
      }
      rows.push(row);
    }
  }
  return rows;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Per-block means over sessions of a row's success and acquisition time (NaN-skipping for times). */
export function meanCurve(row: ExperimentRow): LearningCurve {
  const nb = Math.min(...row.sessions.map((s) => s.curve.success.length));
  const c: LearningCurve = { trial: row.sessions[0]!.curve.trial.slice(0, nb), success: [], acquisitionTime: [] };
  for (let b = 0; b < nb; b++) {
    c.success.push(mean(row.sessions.map((s) => s.curve.success[b]!)));
    c.acquisitionTime.push(mean(row.sessions.map((s) => s.curve.acquisitionTime[b]!).filter(Number.isFinite)));
  }
  return c;
}

export interface RowSummary {
  agent: AgentKind;
  reward: RewardKind;
  sessions: number;
  finalSuccess: number;
  finalSuccessSd: number;
  /** Sessions whose curve reached 80 % (two blocks in a row). */
  reached80: number;
  /** Mean trials to 80 % over the sessions that reached it (NaN when none). */
  trialsTo80: number;
  frozenSuccess: number;
  frozenAcquisitionTime: number;
  secondsPerSession: number;
}

export function summariseRow(row: ExperimentRow): RowSummary {
  const f = row.sessions.map((s) => s.finalSuccess);
  const m = mean(f);
  const hit = row.sessions.map((s) => s.trialsTo80).filter(Number.isFinite);
  return {
    agent: row.agent,
    reward: row.reward,
    sessions: row.sessions.length,
    finalSuccess: m,
    finalSuccessSd: Math.sqrt(f.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, f.length - 1)),
    reached80: hit.length,
    trialsTo80: mean(hit),
    frozenSuccess: mean(row.sessions.map((s) => s.frozen.successRate)),
    frozenAcquisitionTime: mean(row.sessions.map((s) => s.frozen.meanAcquisitionTime).filter(Number.isFinite)),
    secondsPerSession: mean(row.sessions.map((s) => s.seconds)),
  };
}
