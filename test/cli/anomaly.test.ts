// `dendrite anomaly bonn` (the module; main.ts wires the command): the classical rows on the
// real archives equal the scipy/sklearn reference on the same folds; results.json and
// report.html hold the table, ROC curves, score distributions, example segments and the
// confusion matrix; bad options are ArgumentErrors naming the option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalyCli, ANOMALY_HELP } from '../../src/cli/anomaly.js';
import { BONN_SETS } from '../../src/datasets/bonn.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const dir = dataPath('eeg', 'bonn');
const ref = JSON.parse(readFileSync('test/golden/bonn/reference.json', 'utf8')) as { fold_of: number[]; dendrite_folds: { auroc_s: number; auroc_nf: number; balanced_accuracy: number } };

test('anomaly bonn --model mahalanobis: the reference figures, results.json and report.html', (t) => {
  if (skipMissing(t, ...BONN_SETS.map((s) => `${dir}/${s}.zip`))) return;
  const out = mkdtempSync(join(tmpdir(), 'anomaly-'));
  try {
    const lines: string[] = [];
    const r = anomalyCli(['bonn', '--data', dir, '--model', 'mahalanobis', '--out', out], (s) => lines.push(s));
    assert.match(lines.join('\n'), /^mahalanobis\s+1\.000\s+0\.987\s+—/m);
    assert.match(lines.join('\n'), /^logistic\s+—\s+—\s+0\.953/m);
    const j = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8')) as { foldOf: number[]; results: { name: string; auroc?: Record<string, { mean: number }>; balancedAccuracy?: number; confusion?: number[][]; scores?: Record<string, number> }[] };
    assert.deepEqual(j.foldOf, ref.fold_of);
    const [m, lr] = j.results;
    assert.ok(Math.abs(m!.auroc!['N+F vs Z+O']!.mean - ref.dendrite_folds.auroc_nf) < 1e-12);
    assert.ok(Math.abs(m!.auroc!['S vs Z+O']!.mean - ref.dendrite_folds.auroc_s) < 1e-12);
    assert.ok(Math.abs(lr!.balancedAccuracy! - ref.dendrite_folds.balanced_accuracy) < 1e-12);
    assert.equal(Object.keys(m!.scores!).length, 500);
    assert.equal(lr!.confusion!.flat().reduce((a, b) => a + b, 0), 500);
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    for (const s of ['<h2>ROC curves</h2>', 'S vs Z+O (AUROC 1.000)', '<h2>Score distributions per set</h2>', '<h2>Example segments</h2>', '<h2>Confusion matrices</h2>', '(set Z) — mahalanobis', '(set S) — mahalanobis']) assert.ok(html.includes(s), s);
    assert.equal((html.match(/<svg/g) ?? []).length, 1 + 1 + 5 + 1); // ROC, histogram, 5 examples, confusion
    assert.deepEqual(readdirSync(r.dir).sort(), ['config.json', 'metrics.jsonl', 'report.html', 'results.json', 'status.json']);
    const status = JSON.parse(readFileSync(join(r.dir, 'status.json'), 'utf8'));
    assert.equal(status.status, 'done');
    assert.deepEqual(status.best, { name: 'AUROC S vs Z+O', value: m!.auroc!['S vs Z+O']!.mean });
  } finally {
    rmSync(out, { recursive: true });
  }
});

test('anomaly: bad targets and options are ArgumentErrors naming them', () => {
  const bad = (args: string[], re: RegExp) => assert.throws(() => anomalyCli(args, () => {}), (e: Error) => e instanceof ArgumentError && re.test(e.message));
  bad(['chb-mit'], /anomaly: unknown data set 'chb-mit' \(available: bonn\)/);
  bad(['bonn', '--model', 'vae'], /--model 'vae' is not one of mahalanobis, autoencoder, cnn, all/);
  bad(['bonn', '--folds', '1'], /--folds must be >= 2, got 1/);
  bad(['bonn', '--epochs', '0'], /--epochs must be >= 1, got 0/);
  bad(['bonn', '--bogus'], /unknown option '--bogus'/);
  assert.throws(() => anomalyCli(['bonn', '--data', join(tmpdir(), 'no-such-bonn-dir')], () => {}), /Z\.zip does not exist/);
  assert.match(ANOMALY_HELP, /^usage: dendrite anomaly bonn/);
});
