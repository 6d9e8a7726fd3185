// What each data-parallel replica builds, described by plain data so a worker thread can build
// the same thing: the model (a registry name and its config, or a factory module), the
// optimizer (a name and its options) and the loss (a name). Built here on every replica alike.

import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { ArgumentError, DTypeError } from '../../errors.js';
import { noGrad } from '../../autograd/grad_mode.js';
import type { Tensor } from '../../tensor/tensor.js';
import { crossEntropy, l1Loss, mseLoss } from '../../ops/loss.js';
import { Module } from '../../nn/module.js';
import { Adadelta, Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '../../optim/index.js';
import { LeNet } from '../../models/lenet.js';
import { eegModels } from '../../models/registry.js';

/**
 * The model every replica builds:
 * - `{ name: 'lenet', config: { numClasses? } }`;
 * - `{ name: <an EEG model of models/registry's eegModels: shallow, deep4, eegnet>, config: { nChans, nOutputs, nTimes, sfreq? } }`
 *   (sfreq 250 when absent; EEGNet's max-norm constraint runs after every step on every replica);
 * - `{ module: <absolute path or file: URL of an ES module>, export?: <name, default 'default'>, config? }`: the export is
 *   called as `factory(config, { replica, replicas })` and returns a Module (or a promise of one).
 */
export type ModelSpec =
  | { name: string; config?: Record<string, unknown> }
  | { module: string; export?: string; config?: Record<string, unknown> };

/** `{ name: 'sgd' | 'adam' | 'adamw' | 'adadelta' | 'adagrad' | 'rmsprop', ...that optimizer's options }`. */
export type OptimizerSpec = { name: string } & Record<string, unknown>;

/** Losses by name: the mean over the shard, so shard losses weighted by shard size give the batch's. */
export type LossName = 'crossEntropy' | 'mse' | 'l1';

export const LOSSES: Record<LossName, (out: Tensor, y: Tensor) => Tensor> = {
  crossEntropy: (a, b) => crossEntropy(a, b),
  mse: (a, b) => mseLoss(a, b),
  l1: (a, b) => l1Loss(a, b),
};

const OPTIMIZERS: Record<string, (params: Tensor[], o: Record<string, unknown>) => Optimizer<{ lr: number }>> = {
  sgd: (p, o) => new SGD(p, o) as unknown as Optimizer<{ lr: number }>,
  adam: (p, o) => new Adam(p, o) as unknown as Optimizer<{ lr: number }>,
  adamw: (p, o) => new AdamW(p, o) as unknown as Optimizer<{ lr: number }>,
  adadelta: (p, o) => new Adadelta(p, o) as unknown as Optimizer<{ lr: number }>,
  adagrad: (p, o) => new Adagrad(p, o) as unknown as Optimizer<{ lr: number }>,
  rmsprop: (p, o) => new RMSprop(p, o) as unknown as Optimizer<{ lr: number }>,
};

/** One replica's model, optimizer, loss and per-step constraint. */
export interface Replica {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  loss: (out: Tensor, y: Tensor) => Tensor;
  afterStep: (() => void) | null;
}

const op = 'DataParallel';

/** Checks a spec's shape on the calling thread, before any worker starts. */
export function checkSpecs(model: ModelSpec, optimizer: OptimizerSpec, loss: string): void {
  if ('module' in model) {
    if (typeof model.module !== 'string' || !(model.module.startsWith('file:') || isAbsolute(model.module))) {
      throw new ArgumentError(`${op}: model.module must be an absolute path or a file: URL (workers resolve it on their own), got ${JSON.stringify(model.module)}`);
    }
  } else if (model.name !== 'lenet' && !eegModels.has(model.name)) {
    throw new ArgumentError(`${op}: unknown model '${model.name}' (known: lenet, ${[...eegModels.keys()].join(', ')}; or give { module: path })`);
  }
  if (!(optimizer.name in OPTIMIZERS)) throw new ArgumentError(`${op}: unknown optimizer '${optimizer.name}' (known: ${Object.keys(OPTIMIZERS).join(', ')})`);
  if (!(loss in LOSSES)) throw new ArgumentError(`${op}: unknown loss '${loss}' (known: ${Object.keys(LOSSES).join(', ')})`);
}

function num(config: Record<string, unknown>, k: string, name: string): number {
  const v = config[k];
  if (typeof v !== 'number') throw new ArgumentError(`${op}: model '${name}' needs config.${k} (a number), got ${JSON.stringify(v)}`);
  return v;
}

async function buildModel(spec: ModelSpec, replica: number, replicas: number): Promise<{ model: Module; afterStep: ((m: Module) => void) | null }> {
  const config = spec.config ?? {};
  if ('module' in spec) {
    const url = spec.module.startsWith('file:') ? spec.module : pathToFileURL(spec.module).href;
    const mod = (await import(url)) as Record<string, unknown>;
    const key = spec.export ?? 'default';
    const factory = mod[key];
    if (typeof factory !== 'function') throw new ArgumentError(`${op}: ${spec.module} has no function export '${key}'`);
    const model = (await (factory as (c: unknown, ctx: unknown) => unknown)(config, { replica, replicas })) as unknown;
    if (!(model instanceof Module)) throw new ArgumentError(`${op}: ${spec.module}'s '${key}' did not return a Module (it must build it with the same dendrite build)`);
    return { model, afterStep: null };
  }
  if (spec.name === 'lenet') return { model: new LeNet(typeof config['numClasses'] === 'number' ? config['numClasses'] : 10), afterStep: null };
  const e = eegModels.get(spec.name)!;
  const sfreq = typeof config['sfreq'] === 'number' ? config['sfreq'] : 250;
  const model = e.make(num(config, 'nChans', spec.name), num(config, 'nOutputs', spec.name), num(config, 'nTimes', spec.name), sfreq);
  return { model, afterStep: e.afterStep ?? null };
}

/** Builds replica `replica`'s model, optimizer and loss from the specs. */
export async function buildReplica(spec: { model: ModelSpec; optimizer: OptimizerSpec; loss: LossName }, replica: number, replicas: number): Promise<Replica> {
  const { model, afterStep } = await buildModel(spec.model, replica, replicas);
  for (const [k, p] of model.namedParameters()) {
    if (p.dtype !== 'float32') throw new DTypeError(`${op}: parameter ${k} is ${p.dtype}; data-parallel training all-reduces float32 gradients`);
  }
  const { name, ...opts } = spec.optimizer;
  const optimizer = OPTIMIZERS[name]!(model.parameters(), opts);
  return { model, optimizer, loss: LOSSES[spec.loss], afterStep: afterStep ? () => noGrad(() => afterStep(model)) : null };
}
