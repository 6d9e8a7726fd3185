// `dendrite decode eeg`: train a decoder on EEG recordings and test it on held-out runs.
// Reads EDF/BDF files (or a BIDS data set), band-passes, windows the mapped events, trains the
// chosen model, prints per-epoch lines and the test metrics, and writes results.json and a
// self-contained report.html.

import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArgumentError } from '../errors.js';
import { numberList, numberOption, parseCommandLine, type NumberCheck } from './args.js';
import { checkOutDir } from './out_dir.js';
import { readEdf } from '../io/edf/index.js';
import { Raw } from '../neuro/raw.js';
import { Annotations } from '../neuro/annotations.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { readBidsEeg } from '../node/bids.js';
import { eegModels, runFold, type FoldResult } from '../decode/eeg_eval.js';
import { htmlReport } from '../decode/report.js';
import '../models/register_eeg.js';

export const DECODE_HELP = `usage: dendrite decode eeg --train A.edf,B.edf --test C.edf --events T1=hands,T2=feet [options]
       dendrite decode eeg <bids-root> --test-run 3 --events left=0,right=1 [options]

options:
  --model NAME      csp-lda | ${[...eegModels.keys()].join(' | ')} (default shallow)
  --events MAP      event description=class name pairs, comma-separated (required)
  --band LO,HI      band-pass in Hz for deep models (default 4,38; CSP+LDA uses 7,30)
  --tmin S --tmax S window after each event onset in seconds (default 0 and 4)
  --epochs N        training epochs (default: the model's own; 60, EEGNet 150)
  --seed N          random seed (default 0)
  --no-augment      train without data augmentation
  --cropped         cropped training (shallow, deep4): dense predictions over every crop of the
                    window, CroppedLoss, trial prediction = mean over its crops
  --out DIR         where <time>/results.json and report.html go (default ./reports)
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
    },
    strict: true,
  });
  if (values.model !== undefined && values.model !== 'csp-lda' && !eegModels.has(values.model)) throw new ArgumentError(`decode: unknown model '${values.model}' (available: csp-lda, ${[...eegModels.keys()].join(', ')})`);
  checkOutDir('decode eeg', values.out ?? 'reports');
  const nums = {
    tmin: num(values.tmin, 'tmin', 0), tmax: num(values.tmax, 'tmax', 4),
    epochs: values.epochs === undefined ? undefined : num(values.epochs, 'epochs', 60, { integer: true, positive: true }),
    seed: num(values.seed, 'seed', 0, { integer: true }),
  };
  if (!values.events) throw new ArgumentError('decode eeg: --events is required, e.g. --events T1=hands,T2=feet');
  const classNames: string[] = [];
  const mapping: Record<string, number> = {};
  for (const pair of values.events.split(',')) {
    const [desc, cls] = pair.split('=');
    if (!desc || !cls) throw new ArgumentError(`decode eeg: --events entry '${pair}' must look like description=class`);
    if (!classNames.includes(cls)) classNames.push(cls);
    mapping[desc] = classNames.indexOf(cls);
  }
  if (classNames.length < 2) throw new ArgumentError(`decode eeg: --events maps to ${classNames.length} class; at least 2 are needed`);
  const band = values.band ? (numberList('decode eeg', 'band', values.band, { min: 0 }) as [number, number]) : undefined;
  if (band && (band.length !== 2 || !(band[0] < band[1]))) throw new ArgumentError(`decode eeg: --band must be LO,HI with LO < HI, got '${values.band}'`);

  let train: Raw[];
  let test: Raw[];
  let source: string;
  const bidsRoot = positionals[0];
  if (bidsRoot !== undefined && existsSync(bidsRoot) && statSync(bidsRoot).isDirectory()) {
    const testRun = values['test-run'];
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
    test = recs.filter((r) => r.entities.run === testRun).map(open);
    train = recs.filter((r) => r.entities.run !== testRun).map(open);
    if (test.length === 0) throw new ArgumentError(`decode eeg: no recording of run ${testRun} in ${bidsRoot} (runs: ${[...new Set(recs.map((r) => r.entities.run))].join(', ')})`);
    source = `${bidsRoot} (test run ${testRun})`;
  } else {
    if (!values.train || !values.test) throw new ArgumentError('decode eeg: give --train and --test EDF/BDF files, or a BIDS folder');
    train = values.train.split(',').map(loadEdf);
    test = values.test.split(',').map(loadEdf);
    source = `train ${values.train}; test ${values.test}`;
  }
  const model = values.model ?? 'shallow';
  log(`decode eeg: ${model}, classes ${classNames.join(' / ')}, ${train.length} training and ${test.length} test recordings`);
  const result = runFold(model, { name: 'test', train, test }, {
    mapping, classNames, ...(band ? { band } : {}),
    tmin: nums.tmin, tmax: nums.tmax,
    ...(nums.epochs === undefined ? {} : { epochs: nums.epochs }), seed: nums.seed, augment: !values['no-augment'], cropped: values.cropped ?? false,
    onEpoch: (h) => log(`epoch ${String(h.epoch).padStart(3)}  lr ${h.lr.toExponential(2)}  train loss ${h.trainLoss.toFixed(4)}  acc ${(100 * h.trainAccuracy).toFixed(1)} %`),
  });
  log(`test accuracy ${(100 * result.accuracy).toFixed(1)} % (balanced ${(100 * result.balancedAccuracy).toFixed(1)} %, kappa ${result.kappa.toFixed(3)}, chance ${(100 * result.chance).toFixed(1)} %) on ${result.nTest} trials`);
  const dir = resolve(values.out ?? 'reports', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify({ source, model, classNames, mapping, result }, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), htmlReport(`EEG decoding — ${result.model}`, [{ ...result, name: 'test', model: result.model, classNames, curves: result.history ?? [] }], [source]));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return result;
}
