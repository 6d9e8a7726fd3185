// `dendrite decode eeg` on real EEGMMIDB runs: CSP+LDA reaches MNE's figure on hands vs feet,
// a 2-epoch ShallowFBCSPNet smoke run (and a cropped one) writes results and report; --tmin/--tmax
// reach CSP; every class needs trials; test channels are matched by name; the output has the
// confusion matrix, chance and a binomial p-value (scipy's); results.json holds the settings and
// per-trial predictions; --save / --load give the same predictions; bad inputs fail clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEegCli } from '../../src/cli/decode.js';
import { ArgumentError, FormatError, ShapeError } from '../../src/errors.js';
import { readEdf, writeEdf } from '../../src/io/edf/index.js';
import type { FoldResult } from '../../src/decode/eeg_eval.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const eeg = dataPath('eeg/eegmmidb');
const f = (r: string) => join(eeg, `S001${r}.edf`);
const needs = { skip: skipUnlessData(f('R04'), f('R06'), f('R08'), f('R10'), f('R14')) };
const quiet = () => undefined;

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-decode-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** results.json of the only run under `out`. */
function results(out: string): Record<string, any> {
  const runs = readdirSync(out);
  assert.equal(runs.length, 1);
  return JSON.parse(readFileSync(join(out, runs[0]!, 'results.json'), 'utf8'));
}

/** A copy of an EDF file with its signal channels in another order (or some left out), samples bit-exact. */
function rewriteEdf(src: string, dst: string, order: (names: string[]) => string[], rename: (d: string) => string = (d) => d): void {
  const rec = readEdf(new Uint8Array(readFileSync(src)), src);
  const data = rec.read();
  const h = rec.header;
  const byName = new Map(h.channels.map((c, i) => [c.name, i]));
  writeFileSync(dst, writeEdf({
    patient: h.patient, recording: h.recording, startTime: h.startTime, startOffset: h.startOffset,
    annotations: h.annotations.map((a) => ({ ...a, description: rename(a.description) })),
    channels: order(h.channels.map((c) => c.name)).map((n) => {
      const i = byName.get(n)!;
      const c = h.channels[i]!;
      return { name: c.name, sfreq: c.sfreq, data: data[i]!, unit: c.unit, transducer: c.transducer, prefilter: c.prefilter, physicalMin: c.physicalMin, physicalMax: c.physicalMax, digitalMin: c.digitalMin, digitalMax: c.digitalMax };
    }),
  }));
}

const samePredictions = (a: FoldResult, b: FoldResult) => {
  assert.deepEqual(a.trials.map((t) => [t.onset, t.target, t.pred]), b.trials.map((t) => [t.onset, t.target, t.pred]));
  assert.deepEqual(a.trials.map((t) => t.proba), b.trials.map((t) => t.proba));
};

test('decode eeg: CSP+LDA on hands vs feet (train R06+R10, test R14) and a ShallowFBCSPNet smoke run', needs, () => withTmp((out) => {
  const r = decodeEegCli(['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', 'csp-lda', '--out', out], quiet);
  assert.equal(r.nTest, 15);
  assert.ok(r.accuracy >= 0.85, `CSP+LDA accuracy ${r.accuracy} (MNE's example: ~0.93)`);
  const s = decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--epochs', '2', '--out', out], quiet);
  assert.equal(s.history!.length, 2);
  const cr = decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--epochs', '1', '--cropped', '--out', out], quiet);
  assert.equal(cr.model, 'shallow (cropped)');
  assert.equal(cr.nTest, 15);
  const runs = readdirSync(out);
  assert.equal(runs.length, 3);
  for (const d of runs) {
    assert.deepEqual(readdirSync(join(out, d)).sort(), ['config.json', 'metrics.jsonl', 'report.html', 'results.json', 'status.json']);
    assert.match(readFileSync(join(out, d, 'report.html'), 'utf8'), /<svg/);
  }
}));

test('decode eeg: csp-lda is plain LDA as in MNE\'s example, csp-slda the shrinkage LDA, each labelled so', needs, () => withTmp((out) => {
  const args = ['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--out', out];
  const plain = decodeEegCli([...args, '--model', 'csp-lda'], quiet);
  const shrunk = decodeEegCli([...args, '--model', 'csp-slda'], quiet);
  assert.equal(plain.model, 'CSP+LDA');
  assert.deepEqual(plain.config.lda, { solver: 'svd', shrinkage: null });
  assert.equal(shrunk.model, 'CSP+shrinkage LDA');
  assert.deepEqual(shrunk.config.lda, { solver: 'lsqr', shrinkage: 'auto' });
  // same CSP features, different classifiers: the probabilities differ
  assert.notDeepEqual(plain.trials.map((t) => t.proba), shrunk.trials.map((t) => t.proba));
}));

test('decode eeg: --tmin/--tmax set the CSP+LDA window (default 1-2 s as MNE\'s example)', needs, () => withTmp((out) => {
  const args = ['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', 'csp-lda', '--out', out];
  const def = decodeEegCli(args, quiet);
  const same = decodeEegCli([...args, '--tmin', '1', '--tmax', '2'], quiet);
  const other = decodeEegCli([...args, '--tmin', '0.5', '--tmax', '3'], quiet);
  assert.deepEqual([def.config.window.tmin, def.config.window.tmax, def.config.nTimes], [1, 2, 160]);
  samePredictions(def, same);
  assert.deepEqual([other.config.window.tmin, other.config.window.tmax, other.config.nTimes], [0.5, 3, 400]);
  assert.notDeepEqual(other.trials.map((t) => t.proba), def.trials.map((t) => t.proba));
  assert.throws(() => decodeEegCli([...args, '--tmin', '2', '--tmax', '1'], quiet), (e: Error) => e instanceof ArgumentError && /--tmin 2 must be below --tmax 1/.test(e.message));
}));

test('decode eeg: a class without trials is an error naming its event and the events the file has', needs, () => {
  // R04 has T0, T1, T2: 'T3' is a typo, its class would have no trials
  assert.throws(() => decodeEegCli(['--train', f('R04'), '--test', f('R08'), '--events', 'T1=fists,T3=feet', '--epochs', '1'], quiet),
    (e: Error) => e instanceof ArgumentError && /no training trials of class 'feet' \(event T3\); the training recordings \(.*S001R04\.edf\) have events T0, T1, T2/.test(e.message));
  // counts as MNE's annotations: R04 and R08 have 8 T1 and 7 T2 each
  const lines: string[] = [];
  withTmp((out) => decodeEegCli(['--train', f('R04'), '--test', f('R08'), '--events', 'T1=left,T2=right', '--model', 'csp-lda', '--out', out], (s) => lines.push(s)));
  assert.ok(lines.includes('trials per class: training left 8, right 7; test left 8, right 7'), lines.join('\n'));
});

test('decode eeg: test channels are matched to the training channels by name; a missing one is an error naming it', needs, () => withTmp((dir) => {
  const reversed = join(dir, 'R14_reversed.edf');
  rewriteEdf(f('R14'), reversed, (n) => [...n].reverse());
  const noC3 = join(dir, 'R14_noC3.edf');
  rewriteEdf(f('R14'), noC3, (n) => n.filter((c) => c !== 'C3..'));
  const out = join(dir, 'out');
  const args = (t: string) => ['--train', `${f('R06')},${f('R10')}`, '--test', t, '--events', 'T1=hands,T2=feet', '--model', 'csp-lda', '--out', out];
  const a = decodeEegCli(args(f('R14')), quiet);
  const b = decodeEegCli(args(reversed), quiet);
  assert.equal(b.accuracy, a.accuracy);
  samePredictions(a, b);
  assert.throws(() => decodeEegCli(args(noC3), quiet), (e: Error) => e instanceof ShapeError && /test recording .*R14_noC3\.edf has no channel 'C3\.\.' of the 64 the decoder uses/.test(e.message));
}));

test('decode eeg: prints trial counts, confusion matrix, chance and the binomial p-value; results.json holds settings and per-trial predictions', needs, () => withTmp((out) => {
  const lines: string[] = [];
  const r = decodeEegCli(['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', 'csp-lda', '--seed', '3', '--out', out], (s) => lines.push(s));
  const text = lines.join('\n');
  // 14 of 15 right, chance 8/15: scipy.stats.binomtest(14, 15, 8/15, alternative='greater')
  const ref = JSON.parse(readFileSync('test/golden/decode/binomtest.json', 'utf8')).cases.find((c: { k: number; n: number; p: number }) => c.k === 14 && c.n === 15 && Math.abs(c.p - 8 / 15) < 1e-15);
  assert.equal(r.nCorrect, 14);
  assert.equal(r.chance, 8 / 15);
  assert.ok(Math.abs(r.pValue - ref.pvalue) <= 1e-12 * ref.pvalue, `p ${r.pValue} vs scipy ${ref.pvalue}`);
  assert.match(text, /trials per class: training hands 14, feet 16; test hands 7, feet 8/);
  assert.match(text, /test accuracy 93\.3 % \(14 of 15 trials; balanced 92\.9 %, kappa 0\.865\)/);
  assert.match(text, /chance 53\.3 % \(most frequent test class\); one-sided exact binomial test against chance: p = 0\.00113/);
  assert.match(text, /confusion matrix \(rows: true class, columns: predicted\):\n\s+hands\s+feet\n\s+hands\s+6\s+1\n\s+feet\s+0\s+8/);
  const j = results(out);
  assert.equal(j.model, 'csp-lda');
  assert.equal(j.label, 'CSP+LDA');
  assert.deepEqual(j.files, { train: [f('R06'), f('R10')], test: [f('R14')] });
  assert.deepEqual(j.mapping, { T1: 0, T2: 1 });
  assert.deepEqual(j.settings.preprocess.band, [7, 30]);
  assert.deepEqual([j.settings.window.tmin, j.settings.window.tmax], [1, 2]);
  assert.equal(j.settings.training.seed, 3);
  assert.match(j.settings.recipe, /7-30 Hz 1-2 s, CSP \(4 components, log power\) \+ LDA \(svd\)/);
  assert.equal(j.settings.chNames.length, 64);
  assert.equal(j.settings.sfreq, 160);
  assert.deepEqual(j.result.confusion, [[6, 1], [0, 8]]);
  assert.equal(j.result.pValue, r.pValue);
  assert.equal(j.trials.length, 15);
  for (const t of j.trials) {
    assert.equal(t.file, f('R14'));
    assert.ok(t.onset > 0);
    const p = t.proba as Record<string, number>;
    assert.ok(Math.abs(p['hands']! + p['feet']! - 1) < 1e-12);
    assert.equal(t.pred, p['feet']! > p['hands']! ? 'feet' : 'hands');
    assert.equal(t.correct, t.pred === t.target);
  }
  assert.equal(j.trials.filter((t: { correct: boolean }) => t.correct).length, 14);
  const deep = decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--epochs', '1', '--seed', '5', '--no-augment', '--out', join(out, 'deep')], quiet);
  const d = results(join(out, 'deep'));
  assert.deepEqual(d.settings.training, { epochs: 1, batchSize: 16, lr: 0.0625 * 0.01, weightDecay: 0, seed: 5, augment: false, optimizer: 'AdamW + cosine annealing' });
  assert.deepEqual(d.settings.preprocess, { pick: 'eeg', band: [4, 38], scale: 1e6, emsFactor: 1e-3 });
  assert.equal(d.history.length, 1);
  assert.deepEqual(d.trials.map((t: { pred: string }) => t.pred), deep.trials.map((t) => ['hands', 'feet'][t.pred]));
}));

test('decode eeg: --save writes the model, --load applies it to other files with the same predictions', needs, () => withTmp((dir) => {
  const out = join(dir, 'out');
  for (const [model, extra] of [['csp-lda', []], ['csp-slda', []], ['shallow', ['--epochs', '1']], ['shallow', ['--epochs', '1', '--cropped']]] as const) {
    const m = join(dir, `${model}${extra.length > 2 ? '-cropped' : ''}`);
    const trained = decodeEegCli(['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', model, ...extra, '--save', m, '--out', out], quiet);
    assert.deepEqual(readdirSync(m).sort(), ['config.json', 'model.safetensors']);
    const loaded = decodeEegCli(['--load', m, '--test', f('R14'), '--out', out], quiet);
    samePredictions(trained, loaded);
    assert.equal(loaded.model, trained.model);
    // another recording
    const other = decodeEegCli(['--load', m, '--test', f('R10'), '--out', out], quiet);
    assert.equal(other.nTest, 15);
  }
  const cfg = JSON.parse(readFileSync(join(dir, 'csp-lda', 'config.json'), 'utf8'));
  assert.equal(cfg.format, 'dendrite-eeg-decoder');
  assert.deepEqual(cfg.mapping, { T1: 0, T2: 1 });
  assert.deepEqual(cfg.classNames, ['hands', 'feet']);
  assert.equal(cfg.chNames.length, 64);
  // events renamed onto the saved classes
  const renamed = join(dir, 'R14_renamed.edf');
  rewriteEdf(f('R14'), renamed, (n) => [...n].reverse(), (d) => ({ T1: 'left', T2: 'right' })[d] ?? d);
  const base = decodeEegCli(['--load', join(dir, 'csp-lda'), '--test', f('R14'), '--out', out], quiet);
  const ren = decodeEegCli(['--load', join(dir, 'csp-lda'), '--test', renamed, '--events', 'left=hands,right=feet', '--out', out], quiet);
  assert.deepEqual(ren.trials.map((t) => [t.target, t.pred]), base.trials.map((t) => [t.target, t.pred]));
  assert.throws(() => decodeEegCli(['--load', join(dir, 'csp-lda'), '--test', f('R14'), '--events', 'T1=hands,T2=fists'], quiet), (e: Error) => e instanceof ArgumentError && /class 'fists' that the model .* does not have \(its classes: hands, feet\)/.test(e.message));
  assert.throws(() => decodeEegCli(['--load', join(dir, 'csp-lda'), '--test', f('R14'), '--model', 'shallow'], quiet), (e: Error) => e instanceof ArgumentError && /--model cannot be combined/.test(e.message));
  // weights from another save: refused
  writeFileSync(join(dir, 'csp-lda', 'model.safetensors'), readFileSync(join(dir, 'csp-slda', 'model.safetensors')));
  assert.throws(() => decodeEegCli(['--load', join(dir, 'csp-lda'), '--test', f('R14')], quiet), (e: Error) => e instanceof FormatError && /SHA-256 .* differs/.test(e.message));
  assert.throws(() => decodeEegCli(['--load', join(dir, 'nowhere'), '--test', f('R14')], quiet), (e: Error) => e instanceof FormatError && /cannot read the model config/.test(e.message));
}));

test('decode eeg: a BIDS folder (test run held out) trains, saves, and a loaded model applies to its test run', needs, () => withTmp((dir) => {
  const root = join(dir, 'bids');
  const eegDir = join(root, 'sub-01', 'eeg');
  mkdirSync(eegDir, { recursive: true });
  writeFileSync(join(root, 'dataset_description.json'), JSON.stringify({ Name: 'test', BIDSVersion: '1.8.0' }));
  for (const run of ['06', '10', '14']) symlinkSync(f(`R${run}`), join(eegDir, `sub-01_task-mi_run-${run}_eeg.edf`));
  const out = join(dir, 'out');
  const model = join(dir, 'model');
  const r = decodeEegCli([root, '--test-run', '14', '--events', 'T1=hands,T2=feet', '--model', 'csp-lda', '--save', model, '--out', out], quiet);
  const files = decodeEegCli(['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', 'csp-lda', '--out', out], quiet);
  samePredictions(r, files);
  const loaded = decodeEegCli([root, '--test-run', '14', '--load', model, '--out', out], quiet);
  samePredictions(loaded, r);
}));

test('decode eeg: unknown events, mismatched channels and bad options give clear errors', needs, () => {
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'X1=a,X2=b'], quiet), /has none of the events X1, X2; its annotations are T0, T1, T2/);
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14')], quiet), (e: Error) => e instanceof ArgumentError && /--events is required/.test(e.message));
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=a,T2=b', '--model', 'resnet'], quiet), /unknown model 'resnet'/);
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=a,T2=b', '--tmax', '200'], quiet), /too short/);
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=a,T2=b', '--model', 'csp-lda', '--epochs', '5'], quiet), (e: Error) => e instanceof ArgumentError && /--epochs is for deep models; 'csp-lda' is fitted in closed form/.test(e.message));
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=a,T2=b', '--model', 'eegnet', '--cropped'], quiet), (e: Error) => e instanceof ArgumentError && /--cropped needs a model with a dense form \(shallow, deep4\), not 'eegnet'/.test(e.message));
});
