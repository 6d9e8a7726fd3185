// The deep spike decoders (RNN/GRU/LSTM over spike history, dense net over flattened history):
// they learn a known history-dependent mapping on synthetic counts, a seed reproduces a fit bit
// for bit, the nets run through the nn path, and bad input gets typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { Generator } from '../../../src/tensor/random.js';
import { randn } from '../../../src/tensor/creation.js';
import { RecurrentDecoder, DenseDecoder, RecurrentDecoderNet } from '../../../src/decode/estimators/neural_decoder.js';
import { sequences, type Matrix, type Sequences } from '../../../src/decode/estimators/types.js';
import { r2Score } from '../../../src/decode/regression_metrics.js';

// counts of F neurons; the target at each sample is a fixed linear readout of the last L bins
function task(n: number, L: number, F: number, seed: number): { X: Sequences; Y: Matrix } {
  const g = new Generator(seed);
  const T = n + L;
  const counts = Float64Array.from({ length: T * F }, () => Math.floor(4 * g.random()));
  const w = Float64Array.from({ length: L * F }, (_, i) => Math.sin(i * 1.7));
  const x = new Float64Array(n * L * F);
  const y = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < L * F; j++) {
      x[s * L * F + j] = counts[s * F + j]!;
      y[s] += w[j]! * counts[s * F + j]!;
    }
  }
  return { X: sequences(x, n, L, F), Y: { data: y, rows: n, cols: 1 } };
}

const flat = (s: Sequences): Matrix => ({ data: s.data, rows: s.n, cols: s.steps * s.features });

test('GRU, LSTM and dense decoders learn a history-dependent readout (held-out R² > 0.9)', () => {
  const tr = task(600, 3, 4, 1);
  const te = task(200, 3, 4, 2);
  for (const cell of ['gru', 'lstm'] as const) {
    const m = new RecurrentDecoder({ cell, hiddenSize: 32, epochs: 25, lr: 1e-2, seed: 0 }).fit(tr.X, tr.Y);
    const r2 = r2Score(te.Y, m.predict(te.X))[0]!;
    assert.ok(r2 > 0.9, `${cell}: R² ${r2}`);
  }
  const d = new DenseDecoder({ units: [32], epochs: 25, lr: 1e-2 }).fit(flat(tr.X), tr.Y);
  const r2 = r2Score(te.Y, d.predict(flat(te.X)))[0]!;
  assert.ok(r2 > 0.9, `dense: R² ${r2}`);
});

test('a seed reproduces the fit exactly; the net is a plain nn Module', () => {
  const tr = task(100, 2, 3, 3);
  const fit = () => new RecurrentDecoder({ cell: 'rnn', hiddenSize: 8, epochs: 2, seed: 7, dropout: 0.2 }).fit(tr.X, tr.Y).predict(tr.X).data;
  assert.deepEqual(fit(), fit());
  // predictOne (the closed-loop form) gives predict's row
  const m = new RecurrentDecoder({ cell: 'gru', hiddenSize: 8, epochs: 1, seed: 7 }).fit(tr.X, tr.Y);
  const all = m.predict(tr.X).data;
  const w = 2 * 3;
  for (const r of [0, 17, 99]) assert.ok(Math.abs(m.predictOne(tr.X.data.subarray(r * w, (r + 1) * w))[0]! - all[r]!) < 1e-6);
  assert.throws(() => m.predictOne(new Float64Array(5)), ShapeError);
  const net = new RecurrentDecoderNet('lstm', 5, 6, 2);
  assert.deepEqual(net.call(randn([3, 4, 5])).shape, [3, 2]);
  assert.deepEqual(Object.keys(net.stateDict()), ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'fc.weight', 'fc.bias']);
});

test('bad input: unfitted, NaN history rows, wrong widths and options', () => {
  const tr = task(20, 2, 3, 4);
  const m = new RecurrentDecoder({ hiddenSize: 4, epochs: 1 });
  assert.throws(() => m.predict(tr.X), /not fitted/);
  const nan = sequences(tr.X.data.map((v, i) => (i === 5 ? NaN : v)), 20, 2, 3);
  assert.throws(() => m.fit(nan, tr.Y), (e: Error) => e instanceof ArgumentError && /NaN edge rows/.test(e.message));
  assert.throws(() => m.fit(tr.X, { data: new Float64Array(19), rows: 19, cols: 1 }), ShapeError);
  m.fit(tr.X, tr.Y);
  assert.throws(() => m.predict(sequences(new Float64Array(20 * 2 * 4), 20, 2, 4)), /fitted on 6 input values/);
  assert.throws(() => new RecurrentDecoder({ cell: 'tcn' as never }), ArgumentError);
  assert.throws(() => new DenseDecoder({ units: [0] }), ArgumentError);
  assert.throws(() => new DenseDecoder({ epochs: 0 }), ArgumentError);
});

test('early stopping on a validation set keeps the best epoch', () => {
  const tr = task(200, 2, 3, 5);
  const va = task(80, 2, 3, 6);
  const seen: number[] = [];
  const m = new RecurrentDecoder({ cell: 'gru', hiddenSize: 8, epochs: 40, lr: 3e-2, patience: 3, seed: 1, onEpoch: (_e, _l, v) => seen.push(v!) });
  m.fit(tr.X, tr.Y, [va.X, va.Y]);
  const best = Math.min(...seen);
  assert.equal(seen[m.bestEpoch - 1], best);
  assert.ok(seen.length <= 40 && seen.length - m.bestEpoch <= 3, `stopped after ${seen.length} epochs, best ${m.bestEpoch}`);
  // the fitted net is the best epoch's: its validation MSE is the minimum seen
  const p = m.predict(va.X).data;
  let mse = 0;
  for (let i = 0; i < p.length; i++) mse += (p[i]! - va.Y.data[i]!) ** 2 / p.length;
  assert.ok(Math.abs(mse - best) <= 1e-9 * Math.max(1, best), `restored MSE ${mse}, best ${best}`);
  assert.throws(() => new DenseDecoder({ patience: 2 }).fit(flat(tr.X), tr.Y), /patience needs a validation set/);
  assert.throws(() => new DenseDecoder({ patience: 0 }), ArgumentError);
  // a validation set that does not fit the training set is refused before any training
  const wide = task(20, 2, 4, 7);
  assert.throws(() => new RecurrentDecoder({ hiddenSize: 4, epochs: 1, patience: 1 }).fit(tr.X, tr.Y, [wide.X, wide.Y]), /validation X has 8 input values per sample, X has 6/);
  assert.throws(() => new RecurrentDecoder({ hiddenSize: 4, epochs: 1 }).fit(tr.X, tr.Y, [va.X, tr.Y]), /validation Y is \(200, 1\), expected \(80, 1\)/);
});
