// `dendrite decode spikes`: decode movement or position from binned spike counts in a MATLAB
// .mat file (decode/spike_pipeline.ts does the work). Parses the options, prints the settings, a
// line per trained epoch, a metric table per output dimension and the fit and latency figures,
// and writes results.json (settings, bin counts, what was chosen on validation or dropped,
// per-bin predictions) and a self-contained report.html (true vs predicted trajectories as
// inline SVG) into <out>/<time>/.

import { join, resolve } from 'node:path';
import { ArgumentError } from '../errors.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { writeSavedModel } from '../node/saved_model.js';
import { encodeSpikeDecoder } from '../decode/spike_model_io.js';
import {
  DEEP_SPIKE_DECODERS as DEEP, fitSpikeDecoding, LATENCY_CALLS, LATENCY_WARMUP, planSpikeDecoding, readSpikeMat, resolveSpikeSettings, SPIKE_DECODERS,
  spikeReport, spikeResultsJson, type SpikeDecoderName, type SpikeDecoding, type SpikeDecodingOptions,
} from '../decode/spike_pipeline.js';
import { spikeReportHtml } from '../report/spike_report.js';
import { parseCommandLine, parseNumber, type NumberCheck } from './args.js';
import { checkOutDir, makeRunDir } from './out_dir.js';
import { RunLog } from '../node/run_log.js';

export { SPIKE_DECODERS, type SpikeDecoderName } from '../decode/spike_pipeline.js';
export type { SpikeDecodeBins, SpikeDecodeConfig, SpikeDecodeMetric, SpikeKalmanReport } from '../decode/spike_pipeline.js';

export const DECODE_SPIKES_HELP = `usage: dendrite decode spikes FILE.mat --decoder ${SPIKE_DECODERS.join('|')} [options]

Decodes kinematics (bins × D) from binned spike counts (bins × units) in a MATLAB v5/v7 .mat file,
prints R², Pearson r and RMSE per output dimension, the fit time and the per-bin prediction
latency, and writes <out>/<time>/results.json and report.html (true vs predicted test trajectories).
Rows are time bins; a matrix stored the other way round (units × bins) is transposed when that
makes the row counts of counts and kinematics agree.

data:
  --spikes VAR         spike counts variable (default Ytr when the file has Ytr and Xtr)
  --target VAR         kinematics variable (default Xtr, with Ytr)
  --test-spikes VAR    separate test set: counts ...
  --test-target VAR    ... and kinematics (default Yte and Xte when present)
  --test-fraction F    otherwise the last F of the bins, contiguous in time, are the test set
                       (default 0.2; giving it also overrides Yte/Xte)
  --bins-before N      bins of spike history before the current bin (default 0 for
                       wiener/cascade, 6 for rnn/gru/lstm/dense; kalman uses none)
  --bins-after N       bins after the current bin (default 0); rows whose history leaves the
                       data are dropped from training and test sets

scoring (the same test bins for every decoder):
  --score-before N     score only test bins with N bins before them in the test data (default
                       6, the longest default history of any decoder; raised to --bins-before
                       when that is longer: give the same value to the runs you compare)
  --score-after N      ... and N bins after them (default 0, raised to --bins-after)

decoders:
  wiener               ridge regression on the (flattened) history; the penalty is chosen on
                       validation unless --alpha fixes it
  cascade              Wiener filter + per-output polynomial of --degree
  kalman               Kalman filter (centred neural data and kinematics; starts at the
                       training mean, no test labels used). Units silent in the training bins
                       are dropped; a rank-deficient noise covariance (duplicated or collinear
                       units) is pseudo-inverted; both are reported
  rnn | gru | lstm     recurrent network over the history bins, linear readout
  dense                feed-forward network over the flattened history

options:
  --alpha A            fixed ridge penalty for wiener/cascade (default: chosen from 1e-3 … 1e5,
                       4 per decade, by the R² on the last 20 % of the training bins, then
                       refitted on all of them, as sklearn's RidgeCV with that split)
  --degree N           cascade polynomial degree (default 3)
  --hidden N           hidden units of rnn/gru/lstm/dense (default 100)
  --epochs N           training epochs (default 10; the maximum with --patience)
  --patience N         early stopping: the last 20 % of the training bins (contiguous) become a
                       validation block; stop when its MSE has not improved for N epochs and
                       keep the best epoch's weights (rnn/gru/lstm/dense); the epoch is
                       printed and saved
  --lr X               Adam learning rate (default 0.001)
  --dropout P          dropout before the readout (default 0.25)
  --batch-size N       training batch size (default 32)
  --seed N             random seed (default 0)
  --out DIR            where <time>/results.json and report.html go (default ./reports)
  --save DIR           write the fitted decoder (wiener, kalman) to DIR: model.safetensors and
                       config.json (units, outputs, history, bin width), for \`stream decode\`;
                       needs --bins-after 0 (a stream has no future bins)
  --bin-width S        seconds per bin, recorded with --save so a stream at another rate is
                       refused (default: not recorded)
`;

/** A run's results, and the folder holding results.json and report.html. */
export type SpikeDecodeResult = SpikeDecoding & { dir: string };

const op = 'decode spikes';

type Values = Record<string, string | boolean | undefined>;

/** The numeric options: CLI name, option field, and the check parseNumber applies. */
const NUMBERS: [string, keyof SpikeDecodingOptions, NumberCheck][] = [
  ['bins-before', 'binsBefore', { integer: true, min: 0 }], ['bins-after', 'binsAfter', { integer: true, min: 0 }],
  ['score-before', 'scoreBefore', { integer: true, min: 0 }], ['score-after', 'scoreAfter', { integer: true, min: 0 }],
  ['alpha', 'alpha', { min: 0 }], ['degree', 'degree', { integer: true, min: 0 }],
  ['hidden', 'hidden', { integer: true, min: 1 }], ['epochs', 'epochs', { integer: true, min: 1 }],
  ['lr', 'lr', { minExclusive: 0 }], ['dropout', 'dropout', { min: 0, maxExclusive: 1 }],
  ['batch-size', 'batchSize', { integer: true, min: 1 }], ['seed', 'seed', { integer: true, min: 0 }],
  ['patience', 'patience', { integer: true, min: 1 }], ['test-fraction', 'testFraction', { minExclusive: 0, maxExclusive: 1 }],
];

export function decodeSpikesCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): SpikeDecodeResult {
  const state: { run: RunLog | null } = { run: null };
  try {
    const r = decodeSpikesInRun(argv, log, state);
    state.run?.done();
    return r;
  } catch (e) {
    state.run?.fail(e);
    throw e;
  }
}

function decodeSpikesInRun(argv: string[], log: (s: string) => void, state: { run: RunLog | null }): SpikeDecodeResult {
  const { values, positionals } = parseCommandLine(op, {
    args: argv,
    allowPositionals: true,
    options: {
      decoder: { type: 'string' }, spikes: { type: 'string' }, target: { type: 'string' },
      'test-spikes': { type: 'string' }, 'test-target': { type: 'string' }, 'test-fraction': { type: 'string' },
      'bins-before': { type: 'string' }, 'bins-after': { type: 'string' }, 'score-before': { type: 'string' }, 'score-after': { type: 'string' },
      alpha: { type: 'string' }, degree: { type: 'string' }, hidden: { type: 'string' }, epochs: { type: 'string' },
      lr: { type: 'string' }, dropout: { type: 'string' }, 'batch-size': { type: 'string' }, seed: { type: 'string' }, patience: { type: 'string' },
      out: { type: 'string' }, save: { type: 'string' }, 'bin-width': { type: 'string' },
    },
    strict: true,
  });
  const v = values as Values;
  const out = checkOutDir(op, values.out ?? 'reports');

  // --- decoder and its options (checked before the file is read)
  const decoderArg = values.decoder;
  if (decoderArg === undefined) throw new ArgumentError(`${op}: --decoder is required (${SPIKE_DECODERS.join(', ')})`);
  if (!(SPIKE_DECODERS as readonly string[]).includes(decoderArg)) throw new ArgumentError(`${op}: unknown decoder '${decoderArg}' for --decoder (available: ${SPIKE_DECODERS.join(', ')})`);
  const decoder = decoderArg as SpikeDecoderName;
  const applies: Record<string, readonly SpikeDecoderName[]> = {
    alpha: ['wiener', 'cascade'], degree: ['cascade'],
    hidden: DEEP, epochs: DEEP, lr: DEEP, dropout: DEEP, 'batch-size': DEEP, seed: DEEP, patience: DEEP,
  };
  for (const [name, which] of Object.entries(applies)) {
    if (v[name] !== undefined && !which.includes(decoder)) throw new ArgumentError(`${op}: --${name} applies to ${which.join('/')}, not to --decoder ${decoder}`);
  }
  const options: SpikeDecodingOptions = { decoder };
  for (const [name, key, check] of NUMBERS) {
    const raw = v[name];
    if (typeof raw === 'string') (options as unknown as Record<string, number>)[key] = parseNumber(op, name, raw, check);
  }
  for (const [name, key] of [['spikes', 'spikes'], ['target', 'target'], ['test-spikes', 'testSpikes'], ['test-target', 'testTarget']] as const) {
    const raw = v[name];
    if (typeof raw === 'string') options[key] = raw;
  }
  const settings = resolveSpikeSettings(options);
  // --save: refused before the file is read when the decoder cannot be saved or streamed
  const saveDir = values.save;
  if (saveDir !== undefined) {
    checkOutDir(op, saveDir);
    if (decoder !== 'wiener' && decoder !== 'kalman') throw new ArgumentError(`${op}: --save writes wiener and kalman decoders, not --decoder ${decoder}`);
    if (settings.binsAfter !== 0) throw new ArgumentError(`${op}: --save needs --bins-after 0 (a stream has no future bins), got ${settings.binsAfter}`);
  }
  const bw = v['bin-width'];
  if (bw !== undefined && saveDir === undefined) throw new ArgumentError(`${op}: --bin-width is recorded with --save; give --save DIR too`);
  const binWidth = typeof bw === 'string' ? parseNumber(op, 'bin-width', bw, { minExclusive: 0 }) : null;

  // --- the file and the plan
  if (positionals.length !== 1) throw new ArgumentError(`${op}: give exactly one .mat file, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  const file = positionals[0]!;
  const plan = planSpikeDecoding(readSpikeMat(readBytes(file), file), file, settings);
  // the file is read and fits the plan: the run folder exists from here on, 'running' until it ends
  const run = new RunLog(makeRunDir(op, out), op, { file, options: values }, decoder);
  state.run = run;
  log(`decode spikes: ${file}`);
  for (const [k, s] of plan.settingsRows.slice(1)) log(`  ${k.padEnd(9)}${s}`);

  // --- fit, predict, time
  const r = fitSpikeDecoding(plan, (e) => (run.metric({ epoch: e.epoch, split: 'train', loss: e.trainLoss }), e.validLoss === null ? undefined : run.metric({ epoch: e.epoch, split: 'valid', loss: e.validLoss }), log(`epoch ${String(e.epoch).padStart(3)}  train MSE ${e.trainLoss.toFixed(4)} (centred targets)${e.validLoss === null ? '' : `  valid MSE ${e.validLoss.toFixed(4)}`}`)));
  for (const [k, text] of r.fitLines) log(`  ${k.padEnd(9)}${text}`);

  // --- table
  const w = Math.max(6, ...r.outputs.map((o) => o.length));
  log('');
  log(`${'output'.padEnd(w)}  ${'R²'.padStart(7)}  ${'Pearson r'.padStart(9)}  ${'RMSE'.padStart(10)}`);
  const f = (x: number, d: number, width: number) => (Number.isFinite(x) ? x.toFixed(d) : String(x)).padStart(width);
  for (const m of r.metrics) log(`${m.output.padEnd(w)}  ${f(m.r2, 3, 7)}  ${f(m.pearson, 3, 9)}  ${f(m.rmse, 4, 10)}`);
  log('');
  const b = r.bins;
  const fitText = b.valid === 0 ? `on ${b.fit} bins` : b.refitOnValid ? `on ${b.fit} bins (alpha chosen on the last ${b.valid} of them first)` : `on ${b.fit} bins (${b.valid} more validating, early stopping)`;
  log(`fit ${r.fitSeconds.toFixed(3)} s ${fitText}; latency ${r.latencyUs.toFixed(1)} µs per bin (median of ${LATENCY_CALLS} single-sample ${decoder === 'kalman' ? 'filter steps' : 'predictions'} after ${LATENCY_WARMUP} warm-up calls); scored on ${b.scored} test bins (${b.scoredFrom}–${b.scoredTo - 1} of ${b.testData})`);

  // --- files
  if (saveDir !== undefined) {
    if (!r.fitted) throw new ArgumentError(`${op}: the ${decoder} decoder holds no model to save`);
    const { config, weights } = encodeSpikeDecoder(r.fitted, r.config, r.outputs, binWidth);
    const p = writeSavedModel(resolve(saveDir), config, weights, op);
    log(`saved the model to ${p.weights} and ${p.config}`);
  }
  const dir = run.dir;
  const meanR2 = r.metrics.reduce((a, m) => a + m.r2, 0) / Math.max(1, r.metrics.length);
  run.metric({ split: 'test', r2: meanR2, ...Object.fromEntries(r.metrics.map((m) => [`r2_${m.output}`, m.r2])) });
  run.best('mean R²', meanR2);
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(spikeResultsJson(r), null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), spikeReportHtml(spikeReport(r)));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return { ...r, dir };
}
