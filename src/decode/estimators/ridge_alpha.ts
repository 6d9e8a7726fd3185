// Choosing the ridge penalty of the Wiener filter and cascade on validation data, as
// sklearn's RidgeCV(alphas, cv=[(fit rows, validation rows)]): each alpha of a grid is fitted on
// the fit rows and scored by the validation R² averaged over outputs (sklearn's r2_score,
// 'uniform_average'); the first best alpha wins. The caller refits on all its training rows.
// A fixed penalty is a poor default: the best one depends on the recording (on chewie_demo α = 1
// gives test R² 0.54 / 0.51, the validated α ≈ 316 gives 0.62 / 0.55).
//   X: (N, F)  N=time bins, F=features     Y: (N, D)  D=outputs

import { ArgumentError, ShapeError } from '../../errors.js';
import { checkMatrix, checkSameRows } from './check.js';
import type { Matrix, Regressor } from './types.js';
import { WienerFilter } from './wiener.js';
import { WienerCascade } from './wiener_cascade.js';

/** 10^-3 … 10^5, four values per decade (33): the default grid. */
export const RIDGE_ALPHAS: readonly number[] = Array.from({ length: 33 }, (_, i) => 10 ** (-3 + i / 4));

export interface RidgeAlphaOptions {
  /** Candidate penalties, each finite and > 0 (default RIDGE_ALPHAS). */
  alphas?: readonly number[];
  /** Score a Wiener cascade with a polynomial of this degree instead of the plain filter. */
  degree?: number;
}

export interface RidgeAlphaChoice {
  alpha: number;
  alphas: number[];
  /** Validation R² (mean over outputs) of each alpha, in grid order. */
  validR2: number[];
}

/** sklearn's r2_score(multioutput='uniform_average'), with its rule for constant targets (1 if exact, else 0). */
export function meanR2(yTrue: Matrix, yPred: Matrix): number {
  const { rows: n, cols: d } = yTrue;
  let total = 0;
  for (let k = 0; k < d; k++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += yTrue.data[i * d + k]!;
    m /= n;
    let ss = 0, se = 0;
    for (let i = 0; i < n; i++) {
      const t = yTrue.data[i * d + k]!;
      ss += (t - m) ** 2;
      se += (t - yPred.data[i * d + k]!) ** 2;
    }
    total += ss === 0 ? (se === 0 ? 1 : 0) : 1 - se / ss;
  }
  return total / d;
}

/** The alpha of the grid with the best validation R² for a model fitted on (X, Y), scored on (Xv, Yv). */
export function chooseRidgeAlpha(X: Matrix, Y: Matrix, Xv: Matrix, Yv: Matrix, opts: RidgeAlphaOptions = {}): RidgeAlphaChoice {
  const op = 'chooseRidgeAlpha';
  checkMatrix(Xv, op, 'validation X');
  checkMatrix(Yv, op, 'validation Y');
  checkSameRows(Xv.rows, Yv.rows, op);
  if (Xv.cols !== X.cols || Yv.cols !== Y.cols) throw new ShapeError(`${op}: validation set is (${Xv.cols} features, ${Yv.cols} outputs), the fit set (${X.cols}, ${Y.cols})`);
  const alphas = [...(opts.alphas ?? RIDGE_ALPHAS)];
  if (alphas.length === 0) throw new ArgumentError(`${op}: the alpha grid is empty`);
  for (const a of alphas) if (!(Number.isFinite(a) && a > 0)) throw new ArgumentError(`${op}: every alpha must be finite and > 0, got ${a}`);
  // one pass over the fit rows for the whole grid (WienerFilter.fitPath), then per alpha
  const filters = WienerFilter.fitPath(X, Y, alphas);
  const validR2: number[] = [];
  let best = 0;
  filters.forEach((f, i) => {
    let m: Regressor = f;
    if (opts.degree !== undefined) {
      const c = new WienerCascade({ alpha: alphas[i]!, degree: opts.degree });
      c.linear.coef = f.coef;
      c.linear.intercept = f.intercept;
      m = c.fitPolynomials(X, Y);
    }
    validR2.push(meanR2(Yv, m.predict(Xv)));
    if (validR2[i]! > validR2[best]!) best = i;
  });
  return { alpha: alphas[best]!, alphas, validR2 };
}
