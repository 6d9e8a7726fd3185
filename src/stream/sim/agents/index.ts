// Reward-driven agents on the cursor task: the shared Agent interface and loop, the actor-critic
// RL decoder, DQN and PPO, and a factory that builds any of them with its defaults.
import { ArgumentError } from '../../../errors.js';
import { ActorCriticAgent } from './actor_critic.js';
import type { Agent } from './agent.js';
import { DqnAgent, type DqnOptions } from './dqn.js';
import { PpoAgent, type PpoOptions } from './ppo.js';
import type { RlDecoderOptions } from '../rl_decoder.js';

export { ActionSet, FeatureMap, learningCurve, trialsToReach, progressReward, runAgentSession, type Agent, type FeatureSet, type RewardKind, type AgentSessionOptions, type AgentSessionResult, type LearningCurve } from './agent.js';
export { ReplayBuffer, type ReplayBatch } from './replay.js';
export { DqnAgent, dqnTargets, huberLoss, type DqnOptions } from './dqn.js';
export { PpoAgent, gae, ppoClipLoss, type PpoOptions } from './ppo.js';
export { ActorCriticAgent } from './actor_critic.js';
export { mlp, forwardRows, copyWeights, type Activation } from './mlp.js';

export type AgentKind = 'actor-critic' | 'dqn' | 'ppo';
export const AGENT_KINDS: readonly AgentKind[] = ['actor-critic', 'dqn', 'ppo'];

export interface AgentOptions {
  'actor-critic'?: Omit<RlDecoderOptions, 'normalise'>;
  dqn?: DqnOptions;
  ppo?: PpoOptions;
}

/** An agent of the given kind on nInputs features, seeded; opts override each kind's defaults. */
export function createAgent(kind: AgentKind, nInputs: number, seed: number, opts: AgentOptions = {}): Agent {
  switch (kind) {
    case 'actor-critic': return new ActorCriticAgent(nInputs, seed, opts['actor-critic'] ?? {});
    case 'dqn': return new DqnAgent(nInputs, seed, opts.dqn ?? {});
    case 'ppo': return new PpoAgent(nInputs, seed, opts.ppo ?? {});
    default: throw new ArgumentError(`createAgent: agent is '${String(kind)}' (${AGENT_KINDS.join(', ')} is needed)`);
  }
}

