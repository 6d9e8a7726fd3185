// Builds any of the agents by name with its defaults.
import { ArgumentError } from '../../../errors.js';
import type { RlDecoderOptions } from '../rl_decoder.js';
import { ActorCriticAgent } from './actor_critic.js';
import type { Agent } from './agent.js';
import { DqnAgent, type DqnOptions } from './dqn.js';
import { PpoAgent, type PpoOptions } from './ppo.js';

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
