// Choosing the ridge penalty on validation against sklearn's RidgeCV with the same predefined
// split (scripts/golden/spike_robust_reference.py): the validation R² of every alpha on the
// grid, the chosen alpha, and the refitted weights; the cascade's choice against the same
// loop over Ridge + np.polyfit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseRidgeAlpha, meanR2, RIDGE_ALPHAS } from '../../../src/decode/estimators/ridge_alpha.js';
import { WienerFilter } from '../../../src/decode/estimators/wiener.js';
import { WienerCascade } from '../../../src/decode/estimators/wiener_cascade.js';
import { matrix } from '../../../src/decode/estimators/types.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { chewie, close, corrupt, everyNth, robust, rowRange, skipChewie, synthetic } from './golden.js';

test('the default grid is sklearn-style logspace: 10^-3 … 10^5, four per decade', () => {
  close(RIDGE_ALPHAS, robust.meta.alphas, 1e-15, 'grid');
});

test('chewie_demo: the alpha chosen on the last 20 % of the training bins and the refit match RidgeCV (clean and with silent/duplicated units)', { skip: skipChewie }, () => {
  const { Str, Ste, Vtr } = chewie();
  for (const [name, r, tr, te] of [['clean', robust.ridge_clean, Str, Ste], ['corrupted', robust.ridge_corrupted, corrupt(Str), corrupt(Ste)]] as const) {
    const cut = r.fit_bins;
    assert.equal(cut, Math.round(0.8 * tr.rows));
    const c = chooseRidgeAlpha(rowRange(tr, 0, cut), rowRange(Vtr, 0, cut), rowRange(tr, cut, tr.rows), rowRange(Vtr, cut, tr.rows));
    close(c.validR2, r.valid_r2, 1e-10, `${name}: validation R² per alpha`);
    close([c.alpha], [r.alpha], 1e-15, `${name}: alpha`);
    close([Math.max(...c.validR2)], [r.best_score], 1e-10, `${name}: best score`);
    const w = new WienerFilter({ alpha: c.alpha }).fit(tr, Vtr);
    close(w.coef!.data, r.coef, 1e-9, `${name}: coef`);
    close(w.intercept!, r.intercept, 1e-9, `${name}: intercept`);
    close(everyNth(w.predict(te), 10), r.pred_every_10th, 1e-9, `${name}: predictions`);
  }
});

test('chewie_demo: the cascade\'s alpha chosen on its own validation R² matches Ridge + np.polyfit', { skip: skipChewie }, () => {
  const { Str, Ste, Vtr } = chewie();
  const cut = robust.ridge_clean.fit_bins;
  const c = chooseRidgeAlpha(rowRange(Str, 0, cut), rowRange(Vtr, 0, cut), rowRange(Str, cut, Str.rows), rowRange(Vtr, cut, Str.rows), { degree: 3 });
  close(c.validR2, robust.cascade_clean.valid_r2, 1e-8, 'validation R² per alpha');
  close([c.alpha], [robust.cascade_clean.alpha], 1e-15, 'alpha');
  const m = new WienerCascade({ alpha: c.alpha, degree: 3 }).fit(Str, Vtr);
  close(everyNth(m.predict(Ste), 10), robust.cascade_clean.pred_every_10th, 1e-8, 'predictions');
});

test('meanR2 is sklearn\'s uniform average, constant targets scoring 1 when exact and 0 otherwise; bad grids are refused', () => {
  const t = matrix([1, 5, 2, 5, 3, 5], 3, 2);
  assert.equal(meanR2(t, matrix([1, 5, 2, 5, 3, 5], 3, 2)), 1);
  assert.equal(meanR2(t, matrix([1, 4, 2, 5, 3, 5], 3, 2)), 0.5); // col 0 exact, col 1 constant but missed
  assert.ok(Math.abs(meanR2(matrix([1, 2, 3], 3, 1), matrix([2, 2, 2], 3, 1)) - 0) < 1e-15);
  const X = matrix([1, 2, 3, 4, 5, 6], 6, 1), Y = matrix([1, 2, 3, 4, 5, 7], 6, 1);
  assert.throws(() => chooseRidgeAlpha(X, Y, X, Y, { alphas: [] }), (e: unknown) => e instanceof ArgumentError && /grid is empty/.test(e.message));
  assert.throws(() => chooseRidgeAlpha(X, Y, X, Y, { alphas: [1, 0] }), (e: unknown) => e instanceof ArgumentError && /finite and > 0, got 0/.test(e.message));
  assert.throws(() => chooseRidgeAlpha(X, Y, matrix([1, 2], 1, 2), matrix([1], 1, 1)), ShapeError);
  assert.throws(() => chooseRidgeAlpha(X, Y, X, matrix([1, 2, 3, 4, 5, NaN], 6, 1)), ArgumentError);
  // the first best wins: on exact data a smaller penalty is never worse
  assert.equal(chooseRidgeAlpha(X, X, X, X, { alphas: [1e-3, 1e3] }).alpha, 1e-3);
});

test('WienerFilter.fitPath gives each alpha\'s fit exactly (one pass over the data); WienerCascade.fitPolynomials completes a given linear stage as fit does', () => {
  const { Ztr, Ytr, Zte } = synthetic();
  const alphas = [0, 0.5, 10, 1e4];
  const path = WienerFilter.fitPath(Ztr, Ytr, alphas);
  alphas.forEach((alpha, i) => {
    const one = new WienerFilter({ alpha }).fit(Ztr, Ytr);
    assert.equal(path[i]!.alpha, alpha);
    assert.deepEqual(Array.from(path[i]!.coef!.data), Array.from(one.coef!.data), `alpha ${alpha}`);
    assert.deepEqual(Array.from(path[i]!.intercept!), Array.from(one.intercept!), `alpha ${alpha}`);
  });
  const c = new WienerCascade({ alpha: 10, degree: 2 });
  c.linear.coef = path[2]!.coef;
  c.linear.intercept = path[2]!.intercept;
  const whole = new WienerCascade({ alpha: 10, degree: 2 }).fit(Ztr, Ytr);
  assert.deepEqual(Array.from(c.fitPolynomials(Ztr, Ytr).predict(Zte).data), Array.from(whole.predict(Zte).data));
  assert.throws(() => new WienerCascade().fitPolynomials(Ztr, Ytr), (e: unknown) => e instanceof ArgumentError && /fitPolynomials: not fitted/.test(e.message));
});
