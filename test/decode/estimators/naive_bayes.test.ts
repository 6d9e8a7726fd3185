// PoissonNaiveBayes against the same model written in numpy, GaussianNaiveBayes against sklearn
// 1.2 GaussianNB (scripts/golden/spike_decoders_reference.py), on a synthetic 3-class set and on
// Dataset1.mat (143 M1/PMd neurons, 158 reaches, 8 directions) with the reference's 5 folds.
// Dataset1 holds rates (Hz), not counts: the Poisson model takes them as expected counts over
// 1 s. Tolerance 1e-12 relative on rates, log-likelihoods and probabilities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GaussianNaiveBayes, PoissonNaiveBayes } from '../../../src/decode/estimators/naive_bayes.js';
import { matrix, type Matrix } from '../../../src/decode/estimators/types.js';
import { readMat } from '../../../src/io/mat/index.js';
import { accuracyScore } from '../../../src/decode/metrics.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { REACH, close, matVar, ref, skipReach } from './golden.js';

const nb = ref.synthetic.naive_bayes;
const F = nb.n_features;
const X = matrix(nb.X, nb.X.length / F, F);
const Xte = matrix(nb.X_test, nb.X_test.length / F, F);

test('Poisson naive Bayes: floored class rates, log-likelihoods, probabilities, labels', () => {
  const m = new PoissonNaiveBayes().fit(X, nb.y);
  assert.deepEqual(m.classes, [0, 1, 2]);
  close(m.rates!.data, nb.poisson.rates, 1e-12, 'rates');
  assert.equal(m.rates!.data[2 * F + 3], 1e-3); // silent in class 2: floored
  close(m.jointLogLikelihood(Xte).data, nb.poisson.jll!, 1e-12, 'joint log-likelihood');
  close(m.predictProba(Xte).data, nb.poisson.proba, 1e-12, 'probabilities');
  assert.deepEqual(Array.from(m.predict(Xte)), nb.poisson.pred);
});

test('Gaussian naive Bayes matches sklearn GaussianNB', () => {
  const m = new GaussianNaiveBayes().fit(X, nb.y);
  close(m.theta!.data, nb.gaussian.theta, 1e-12, 'theta_');
  close(m.variance!.data, nb.gaussian.var, 1e-12, 'var_');
  close([m.epsilon], [nb.gaussian.epsilon], 1e-12, 'epsilon_');
  close(m.jointLogLikelihood(Xte).data, nb.gaussian.jll!, 1e-12, 'joint log-likelihood');
  close(m.predictProba(Xte).data, nb.gaussian.proba, 1e-12, 'probabilities');
  assert.deepEqual(Array.from(m.predict(Xte)), nb.gaussian.pred);
});

test('Dataset1: 8-way reach direction, 5-fold CV (Poisson NB 0.82, Gaussian NB 0.67)', { skip: skipReach }, () => {
  const vars = readMat(new Uint8Array(readFileSync(REACH)), 'Dataset1.mat');
  const R = matVar(vars, 'R'); // (143 neurons, 158 trials)
  const dir = Array.from(matVar(vars, 'direction').data);
  const [U, T] = [R.rows, R.cols];
  const trial = (i: number) => Array.from({ length: U }, (_, j) => R.data[j * T + i]!);
  const pick = (keep: (i: number) => boolean): [Matrix, number[], number[]] => {
    const idx = dir.map((_, i) => i).filter(keep);
    return [matrix(idx.flatMap(trial), idx.length, U), idx.map((i) => dir[i]!), idx];
  };
  for (const [name, make] of [['poisson', () => new PoissonNaiveBayes()], ['gaussian', () => new GaussianNaiveBayes()]] as const) {
    const r = ref.reach[name];
    const pred = new Array<number>(T);
    const proba = new Float64Array(T * 8);
    for (let k = 0; k < 5; k++) {
      const [Xtr, ytr] = pick((i) => ref.reach.fold[i] !== k);
      const [Xts, yts, idx] = pick((i) => ref.reach.fold[i] === k);
      const m = make().fit(Xtr, ytr);
      assert.deepEqual(m.classes, [1, 2, 3, 4, 5, 6, 7, 8]);
      const p = m.predict(Xts);
      const q = m.predictProba(Xts);
      idx.forEach((i, a) => { pred[i] = p[a]!; proba.set(q.data.subarray(a * 8, a * 8 + 8), i * 8); });
      close([accuracyScore(yts, Array.from(p))], [r.fold_accuracy![k]!], 1e-15, `${name} fold ${k} accuracy`);
    }
    assert.deepEqual(pred, r.pred, `${name} predictions`);
    close(proba, r.proba, 1e-12, `${name} probabilities`);
    close([accuracyScore(dir, pred)], [r.accuracy!], 1e-15, `${name} accuracy`);
  }
  assert.ok(Math.abs(ref.reach.poisson.accuracy! - 0.8228) < 1e-4 && Math.abs(ref.reach.gaussian.accuracy! - 0.6709) < 1e-4);
});

test('priors and bad input: typed errors', () => {
  const flat = new PoissonNaiveBayes({ priors: [0.2, 0.3, 0.5] }).fit(X, nb.y);
  close(flat.classLogPrior!, [0.2, 0.3, 0.5].map(Math.log), 1e-15, 'given priors');
  assert.throws(() => new PoissonNaiveBayes({ priors: [0.5, 0.5] }).fit(X, nb.y), (e: unknown) => e instanceof ArgumentError && /2 priors for 3 classes/.test(e.message));
  assert.throws(() => new GaussianNaiveBayes({ priors: [0.5, 0.3, 0.3] }).fit(X, nb.y), /sum to 1/);
  assert.throws(() => new PoissonNaiveBayes().predict(Xte), (e: unknown) => e instanceof ArgumentError && /PoissonNaiveBayes\.predict: not fitted/.test(e.message));
  assert.throws(() => new PoissonNaiveBayes().fit(X, nb.y.slice(1)), (e: unknown) => e instanceof ShapeError && /X has 30 samples .* y has 29/.test(e.message));
  assert.throws(() => new PoissonNaiveBayes().fit(X, nb.y.map((v) => v + 0.5)), (e: unknown) => e instanceof ArgumentError && /y\[0\] = 0\.5; labels must be integers/.test(e.message));
  assert.throws(() => new PoissonNaiveBayes().fit(matrix(X.data.map((v, i) => (i === 5 ? -1 : v)), X.rows, F), nb.y), /X\[1, 1\] = -1; Poisson counts must be >= 0/);
  assert.throws(() => new GaussianNaiveBayes().fit(matrix(X.data.map((v, i) => (i === 5 ? NaN : v)), X.rows, F), nb.y), /X\[1, 1\] is NaN/);
  assert.throws(() => new PoissonNaiveBayes({ minRate: 0 }), ArgumentError);
  const m = new GaussianNaiveBayes().fit(X, nb.y);
  assert.throws(() => m.predict(matrix([1, 2, 3], 1, 3)), (e: unknown) => e instanceof ShapeError && /fitted on 4 features, X has 3/.test(e.message));
  assert.equal(m.score(X, nb.y) > 0.5, true);
});
