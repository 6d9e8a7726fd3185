// `dendrite decode eeg`: train a decoder on EEG recordings and test it on held-out runs, or
// apply a saved one (--load) to new recordings. Reads EDF/BDF files (or a BIDS data set),
// matches channels by name, band-passes, windows the mapped events, trains the chosen model,
// prints per-class trial counts, per-epoch lines, the test metrics with the confusion matrix
// and a binomial test against chance, and writes results.json (every setting, per-trial
// predictions and probabilities), a self-contained report.html and, with --save, the model.

import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArgumentError } from '../errors.js';
import { numberList, numberOption, parseCommandLine, type NumberCheck } from './args.js';
import { checkOutDir, makeRunDir } from './out_dir.js';
import { readEdf } from '../io/edf/index.js';
import { Raw } from '../neuro/raw.js';
import { Annotations } from '../neuro/annotations.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { readBidsEeg } from '../node/bids.js';
import { scoreFold, type FoldResult } from '../decode/eeg_eval.js';
import { applyDecoder, checkModel, modelDefaults, trainDecoder, type DecodeSettings, type Trained, type TrainedDecoder } from '../decode/eeg_decoder.js';
import { eegModels } from '../models/registry.js';
import { loadDecoder, saveDecoder } from '../node/eeg_model.js';
import { eegResultsJson, renameDecoderEvents } from '../decode/eeg_results.js';
import { htmlReport } from '../report/decode_report.js';
import { RunLog } from '../node/run_log.js';

export const DECODE_HELP = `usage: dendrite decode eeg --train A.edf,B.edf --test C.edf --events T1=hands,T2=feet [options]
       dendrite decode eeg <bids-root> --test-run 3 --events left=0,right=1 [options]
       dendrite decode eeg --load MODEL_DIR --test C.edf[,D.edf]

options:
  --model NAME      csp-lda | csp-slda | ${[...eegModels.keys()].join(' | ')} (default shallow)
                    csp-lda:  CSP (4 components, log power) + plain LDA (sklearn's default
                              solver 'svd'), as MNE's motor-imagery example
                    csp-slda: CSP + shrinkage LDA (solver 'lsqr', Ledoit-Wolf shrinkage)
  --events MAP      event description=class name pairs, comma-separated (required to train);
                    every class must have trials in the training and the test recordings
  --band LO,HI      band-pass in Hz (default: 7,30 for CSP, 4,38 for deep models)
  --tmin S --tmax S window after each event onset in seconds (default: 1 and 2 for CSP,
                    0 and 4 for deep models)
  --epochs N        training epochs (default: the model's own; 60, EEGNet 150)
  --seed N          random seed (default 0)
  --no-augment      train without data augmentation
  --cropped         cropped training (shallow, deep4): dense predictions over every crop of the
                    window, CroppedLoss, trial prediction = mean over its crops
  --save DIR        write the trained model to DIR: model.safetensors (CSP filters and LDA
                    coefficients, or the net's state dict) and config.json (model, channels,
                    sampling rate, band, window, event mapping, preprocessing)
  --load DIR        apply a model saved with --save to the --test recordings (their channels
                    are matched by name); --events may rename events onto its classes
  --out DIR         where <time>/results.json and report.html go (default ./reports)

Test recordings' channels are matched to the training channels by name; a missing channel or
another sampling rate is an error. The output gives the per-class trial counts, accuracy,
balanced accuracy, kappa, the confusion matrix, chance (the most frequent test class's share)
and the one-sided exact binomial p-value of the correct count against chance.
`;

function num(v: string | undefined, name: string, def: number, check: NumberCheck = {}): number {
  return numberOption('decode eeg', name, v, def, check);
}

function loadEdf(path: string): Raw {
  return Raw.fromRecording(readEdf(readBytes(path), path));
}

export function decodeEegCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): FoldResult {
  const { values, positionals } = parseCommandLine('decode eeg', {
    args: argv,
    allowPositionals: true,
    options: {
      train: { type: 'string' }, test: { type: 'string' }, 'test-run': { type: 'string' }, events: { type: 'string' },
      model: { type: 'string' }, band: { type: 'string' }, tmin: { type: 'string' }, tmax: { type: 'string' },
      epochs: { type: 'string' }, seed: { type: 'string' }, 'no-augment': { type: 'boolean' }, cropped: { type: 'boolean' }, out: { type: 'string' },
      save: { type: 'string' }, load: { type: 'string' },
    },
    strict: true,
  });
  return runDecodeEeg(values, positionals, log);
}

type Values = Record<string, string | boolean | undefined>;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** --events 'T1=hands,T2=feet' → mapping and class names in order of first appearance. */
function parseEvents(spec: string): { mapping: Record<string, number>; classNames: string[] } {
  const classNames: string[] = [];
  const mapping: Record<string, number> = {};
  for (const pair of spec.split(',')) {
    const [desc, cls] = pair.split('=');
    if (!desc || !cls) throw new ArgumentError(`decode eeg: --events entry '${pair}' must look like description=class`);
    if (desc in mapping) throw new ArgumentError(`decode eeg: --events maps '${desc}' twice`);
    if (!classNames.includes(cls)) classNames.push(cls);
    mapping[desc] = classNames.indexOf(cls);
  }
  return { mapping, classNames };
}

interface Recordings {
  train: Raw[];
  test: Raw[];
  trainNames: string[];
  testNames: string[];
  source: string;
}

function openRecordings(values: Values, positionals: string[], needTrain: boolean): Recordings {
  const bidsRoot = positionals[0];
  if (bidsRoot !== undefined && existsSync(bidsRoot) && statSync(bidsRoot).isDirectory()) {
    const testRun = str(values['test-run']);
    if (!testRun) throw new ArgumentError('decode eeg: a BIDS folder needs --test-run (the run held out for testing)');
    const recs = readBidsEeg(bidsRoot);
    if (recs.length === 0) throw new ArgumentError(`decode eeg: no EEG recordings found in ${bidsRoot}`);
    const open = (r: (typeof recs)[number]) => {
      const raw = Raw.fromRecording(r.open());
      // events.tsv, where present, is the BIDS source of truth for events
      const ann = r.annotations();
      if (ann.length) raw.annotations = Annotations.fromList(ann);
      return raw;
    };
    const test = recs.filter((r) => r.entities.run === testRun);
    const train = needTrain ? recs.filter((r) => r.entities.run !== testRun) : [];
    if (test.length === 0) throw new ArgumentError(`decode eeg: no recording of run ${testRun} in ${bidsRoot} (runs: ${[...new Set(recs.map((r) => r.entities.run))].join(', ')})`);
    const name = (r: (typeof recs)[number]) => join(bidsRoot, r.path);
    return { train: train.map(open), test: test.map(open), trainNames: train.map(name), testNames: test.map(name), source: `${bidsRoot} (test run ${testRun})` };
  }
  const trainSpec = str(values['train']);
  const testSpec = str(values['test']);
  if (needTrain && (!trainSpec || !testSpec)) throw new ArgumentError('decode eeg: give --train and --test EDF/BDF files, or a BIDS folder');
  if (!testSpec) throw new ArgumentError('decode eeg: --load needs --test EDF/BDF files (or a BIDS folder and --test-run)');
  const trainNames = needTrain ? trainSpec!.split(',') : [];
  const testNames = testSpec.split(',');
  return {
    train: trainNames.map(loadEdf), test: testNames.map(loadEdf), trainNames, testNames,
    source: needTrain ? `train ${trainSpec}; test ${testSpec}` : `test ${testSpec}`,
  };
}

/** The run being logged, once the arguments have been checked (a refused command leaves no folder). */
interface RunState {
  run: RunLog | null;
}

function runDecodeEeg(values: Values, positionals: string[], log: (s: string) => void): FoldResult {
  const state: RunState = { run: null };
  try {
    const r = decodeInRun(values, positionals, log, state);
    state.run?.done();
    return r;
  } catch (e) {
    state.run?.fail(e);
    throw e;
  }
}

function decodeInRun(values: Values, positionals: string[], log: (s: string) => void, state: RunState): FoldResult {
  const t0 = performance.now();
  const startRun = (model: string) => {
    state.run = new RunLog(makeRunDir('decode eeg', outRoot), 'decode eeg', { options: values, positionals }, model);
  };
  // refused before any recording is read: a bad --out or --save folder
  const outRoot = checkOutDir('decode eeg', str(values['out']) ?? 'reports');
  if (str(values['save']) !== undefined) checkOutDir('decode eeg', str(values['save'])!);
  const loadDir = str(values['load']);
  let decoder: TrainedDecoder;
  let trained: Trained | null = null;
  let rec: Recordings;
  const eventsSpec = str(values['events']);
  if (loadDir !== undefined) {
    const fixed = ['train', 'model', 'band', 'tmin', 'tmax', 'epochs', 'seed', 'no-augment', 'cropped', 'save'].filter((k) => values[k] !== undefined);
    if (fixed.length) throw new ArgumentError(`decode eeg: --load applies a saved model as it is; --${fixed.join(', --')} cannot be combined with it`);
    decoder = loadDecoder(loadDir);
    const c = decoder.config;
    if (eventsSpec) {
      // new event names for the saved classes (e.g. another data set's annotations)
      const ev = parseEvents(eventsSpec);
      decoder = renameDecoderEvents(decoder, ev.mapping, ev.classNames, loadDir);
    }
    rec = openRecordings(values, positionals, false);
    startRun(decoder.config.label);
    log(`decode eeg: ${c.label} loaded from ${loadDir} (${c.recipe}), classes ${c.classNames.join(' / ')}, ${rec.test.length} test recording${rec.test.length > 1 ? 's' : ''}`);
  } else {
    if (!eventsSpec) throw new ArgumentError('decode eeg: --events is required, e.g. --events T1=hands,T2=feet');
    const { mapping, classNames } = parseEvents(eventsSpec);
    if (classNames.length < 2) throw new ArgumentError(`decode eeg: --events maps to ${classNames.length} class; at least 2 are needed`);
    const model = str(values['model']) ?? 'shallow';
    checkModel(model);
    const bandSpec = str(values['band']);
    const band = bandSpec ? (numberList('decode eeg', 'band', bandSpec, { min: 0 }) as [number, number]) : undefined;
    if (band && (band.length !== 2 || !(band[0] < band[1]))) throw new ArgumentError(`decode eeg: --band must be LO,HI with LO < HI, got '${bandSpec}'`);
    const def = modelDefaults(model);
    const tmin = values['tmin'] === undefined ? def.tmin : num(str(values['tmin']), 'tmin', def.tmin);
    const tmax = values['tmax'] === undefined ? def.tmax : num(str(values['tmax']), 'tmax', def.tmax);
    if (!(tmin < tmax)) throw new ArgumentError(`decode eeg: --tmin ${tmin} must be below --tmax ${tmax}`);
    const epochs = values['epochs'] === undefined ? undefined : num(str(values['epochs']), 'epochs', 60, { integer: true, positive: true });
    const seed = num(str(values['seed']), 'seed', 0, { integer: true });
    const deepOnly = ['epochs', 'no-augment'].filter((k) => values[k] !== undefined);
    if (!eegModels.has(model) && deepOnly.length) throw new ArgumentError(`decode eeg: --${deepOnly.join(', --')} ${deepOnly.length > 1 ? 'are' : 'is'} for deep models; '${model}' is fitted in closed form`);
    if (values['cropped'] && !eegModels.get(model)?.makeCropped) throw new ArgumentError(`decode eeg: --cropped needs a model with a dense form (shallow, deep4), not '${model}'`);
    rec = openRecordings(values, positionals, true);
    startRun(model);
    log(`decode eeg: ${model}, classes ${classNames.join(' / ')}, ${rec.train.length} training and ${rec.test.length} test recordings`);
    const settings: DecodeSettings = {
      mapping, classNames, band: band ?? def.band, tmin, tmax,
      ...(epochs === undefined ? {} : { epochs }), seed,
      augment: !values['no-augment'], cropped: values['cropped'] === true,
      onEpoch: (h) => (state.run?.metric({ epoch: h.epoch, split: 'train', loss: h.trainLoss, acc: h.trainAccuracy, lr: h.lr }), log(`epoch ${String(h.epoch).padStart(3)}  lr ${h.lr.toExponential(2)}  train loss ${h.trainLoss.toFixed(4)}  acc ${(100 * h.trainAccuracy).toFixed(1)} %`)),
    };
    const t = trainDecoder(model, { raws: rec.train, names: rec.trainNames }, settings);
    decoder = t.decoder;
    trained = t;
  }
  const c = decoder.config;
  const applied = applyDecoder(decoder, { raws: rec.test, names: rec.testNames });
  const counts = (n: number[]) => n.map((v, k) => `${c.classNames[k]} ${v}`).join(', ');
  log(`trials per class: ${trained ? `training ${counts(trained.counts)}; ` : ''}test ${counts(applied.counts)}`);
  const result = scoreFold('test', trained ?? { history: [], nTrain: 0, counts: [] }, c, applied, (performance.now() - t0) / 1000);
  printResult(result, c.classNames, log);
  const saveDir = str(values['save']);
  if (saveDir !== undefined) {
    const p = saveDecoder(resolve(saveDir), decoder);
    log(`saved the model to ${p.weights} and ${p.config}`);
  }
  const run = state.run!;
  const dir = run.dir;
  run.metric({ ...(result.history?.length ? { epoch: result.history.length } : {}), split: 'test', acc: result.accuracy, balancedAccuracy: result.balancedAccuracy, chance: result.chance });
  run.best('test acc', result.accuracy);
  const results = eegResultsJson(result, {
    source: rec.source, train: rec.trainNames, test: rec.testNames,
    ...(loadDir !== undefined ? { loadedFrom: resolve(loadDir) } : {}), ...(saveDir !== undefined ? { savedTo: resolve(saveDir) } : {}),
  });
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), htmlReport(`EEG decoding — ${result.model}`, [{ ...result, name: 'test', model: result.model, classNames: c.classNames, curves: result.history ?? [] }], [rec.source]));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return result;
}

function printResult(r: FoldResult, classNames: string[], log: (s: string) => void): void {
  log(`test accuracy ${(100 * r.accuracy).toFixed(1)} % (${r.nCorrect} of ${r.nTest} trials; balanced ${(100 * r.balancedAccuracy).toFixed(1)} %, kappa ${r.kappa.toFixed(3)})`);
  log(`chance ${(100 * r.chance).toFixed(1)} % (most frequent test class); one-sided exact binomial test against chance: p = ${r.pValue.toPrecision(3)}`);
  log('confusion matrix (rows: true class, columns: predicted):');
  const w = Math.max(6, ...classNames.map((n) => n.length), ...r.confusion.flat().map((v) => String(v).length));
  log(`  ${''.padEnd(w)}  ${classNames.map((n) => n.padStart(w)).join('  ')}`);
  r.confusion.forEach((row, i) => log(`  ${classNames[i]!.padEnd(w)}  ${row.map((v) => String(v).padStart(w)).join('  ')}`));
}
