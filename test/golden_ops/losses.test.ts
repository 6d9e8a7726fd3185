// Golden tests against PyTorch for test/golden/losses.json: one test per fixture case.
// Targets, class weights and pos_weight are inputs with requires_grad false (int64 targets
// become int32 tensors).

import { test } from 'node:test';
import * as D from '../../src/index.js';
import { goldenBackends, onBackend, assertClose, bool, loadFixture, num, opts, runCase, str, toTensor, TOL, type FixtureTensor, type Kwargs, type OpCase, type OpTable } from './helpers.js';

const reduction = (kw: Kwargs): D.Reduction | undefined => str(kw, 'reduction') as D.Reduction | undefined;

const LOSSES: OpTable = {
  cross_entropy: {
    tol: 'loss',
    fn: ([x, t, w], kw) =>
      D.crossEntropy(x!, t!, opts<D.CrossEntropyOptions>({
        weight: w,
        ignoreIndex: num(kw, 'ignore_index'),
        reduction: reduction(kw),
        labelSmoothing: num(kw, 'label_smoothing'),
      })),
  },
  nll_loss: {
    tol: 'loss',
    fn: ([x, t, w], kw) => D.nllLoss(x!, t!, opts<D.NllOptions>({ weight: w, ignoreIndex: num(kw, 'ignore_index'), reduction: reduction(kw) })),
  },
  mse_loss: { tol: 'loss', fn: ([x, t], kw) => D.mseLoss(x!, t!, opts<{ reduction?: D.Reduction }>({ reduction: reduction(kw) })) },
  l1_loss: { tol: 'loss', fn: ([x, t], kw) => D.l1Loss(x!, t!, opts<{ reduction?: D.Reduction }>({ reduction: reduction(kw) })) },
  binary_cross_entropy_with_logits: {
    tol: 'loss',
    // the optional third input is either `weight` or `pos_weight` (see input_names)
    fn: ([x, t, w], kw, c) =>
      D.binaryCrossEntropyWithLogits(x!, t!, opts<D.BceOptions>({
        weight: c.input_names?.[2] === 'weight' ? w : undefined,
        posWeight: c.input_names?.[2] === 'pos_weight' ? w : undefined,
        reduction: reduction(kw),
      })),
  },
  poisson_nll_loss: {
    tol: 'loss',
    fn: ([x, t], kw) =>
      D.poissonNllLoss(x!, t!, opts<D.PoissonNllOptions>({ logInput: bool(kw, 'log_input'), full: bool(kw, 'full'), eps: num(kw, 'eps'), reduction: reduction(kw) })),
  },
};

const fixture = loadFixture<OpCase>('losses.json');
for (const be of goldenBackends()) {
  for (const c of fixture.cases) test(c.name + be.suffix, (t) => onBackend(be.name, () => runCase(t, c, LOSSES)));
}

// pos_weight against PyTorch's own expression (aten binary_cross_entropy_with_logits), in float64:
//   m = max(−x, 0);  lw = 1 + (pw − 1)·y;  loss = (1 − y)·x + lw·(log(e^−m + e^(−x−m)) + m)
// and its gradient d/dx = (1 − y) − lw·σ(−x), on the fixture's inputs.
test('binary_cross_entropy_with_logits pos_weight matches the PyTorch formula', () => {
  const c = fixture.cases.find((k) => k.name === 'bce_logits_pos_weight_none')!;
  const [xf, yf, pf] = c.inputs as [FixtureTensor, FixtureTensor, FixtureTensor];
  const C = pf.shape[0]!;
  const want: number[] = [];
  const wantGrad: number[] = [];
  xf.data.forEach((xv, i) => {
    const x = Math.fround(xv);
    const y = Math.fround(yf.data[i]!);
    const pw = Math.fround(pf.data[i % C]!);
    const m = Math.max(-x, 0);
    const lw = 1 + (pw - 1) * y;
    want.push((1 - y) * x + lw * (Math.log(Math.exp(-m) + Math.exp(-x - m)) + m));
    wantGrad.push((1 - y) - lw / (1 + Math.exp(x)));
  });
  const x = toTensor(xf, true);
  const out = D.binaryCrossEntropyWithLogits(x, toTensor(yf), { posWeight: toTensor(pf), reduction: 'none' });
  assertClose('bce pos_weight', 'output', out, { shape: xf.shape, dtype: 'float32', data: want }, TOL.loss);
  out.backward(D.onesLike(out));
  assertClose('bce pos_weight', 'grad of input', x.grad, { shape: xf.shape, dtype: 'float32', data: wantGrad }, TOL.loss);
});
