// The actor-critic RL decoder (after Pohlmeyer et al. 2014, rl_decoder.ts) behind the Agent
// interface: it takes the shared feature vector (already z-scored, so its own normalisation is
// off) and learns by one TD step per observed transition.

import { RlDecoder, type RlDecoderOptions } from '../rl_decoder.js';
import { ActionSet, type Agent } from './agent.js';

export class ActorCriticAgent implements Agent {
  readonly name = 'actor-critic';
  readonly actions: ActionSet;
  readonly decoder: RlDecoder;
  private pending: { reward: number; next: Float64Array | null } | null = null;

  constructor(readonly nInputs: number, seed: number, opts: Omit<RlDecoderOptions, 'normalise'> = {}) {
    this.decoder = new RlDecoder(nInputs, seed, { ...opts, normalise: false });
    this.actions = new ActionSet(opts.nDirections ?? 8, [this.decoder.speed]);
  }

  act(x: Float64Array, explore = true): number {
    if (explore) return this.decoder.act(x);
    const p = this.decoder.policy(x);
    let a = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[a]!) a = k;
    return a;
  }

  observe(reward: number, next: Float64Array, terminal: boolean): void {
    this.pending = { reward, next: terminal ? null : next };
  }

  /** One TD step on the last transition; returns the squared TD error. */
  update(): number | null {
    if (this.pending === null) return null;
    const { reward, next } = this.pending;
    this.pending = null;
    const delta = this.decoder.learn(reward, next);
    return delta * delta;
  }
}
