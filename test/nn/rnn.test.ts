// RNN, LSTM, GRU and their cells: every recurrent case of test/golden/layers.json (PyTorch 1.13,
// written by scripts/golden/make_golden.py) forward and backward, float64 gradchecks, parameter
// names and counts as PyTorch's, shapes and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { add, cat, flatten, gradcheck, manualSeed, mul, randn, select, ShapeError, DTypeError, sum, tensor, tidy, type Tensor } from '../../src/index.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type Module } from '../../src/nn/index.js';

// ---- fixtures ------------------------------------------------------------------------------

interface FT {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64';
  data: number[];
}

interface RnnCase {
  name: string;
  module: string;
  ctor: Record<string, unknown>;
  train: boolean;
  params: Record<string, FT>;
  input: FT;
  extra_inputs?: Record<string, FT>;
  output: FT;
  h_n: FT;
  c_n?: FT;
  upstream: FT;
  upstream_h: FT;
  upstream_c?: FT;
  input_grad: FT;
  extra_input_grads?: Record<string, FT>;
  param_grads: Record<string, FT>;
}

const fixture = JSON.parse(readFileSync(resolve(process.cwd(), 'test', 'golden', 'layers.json'), 'utf8')) as { cases: (RnnCase & { module: string })[] };
const CASES = fixture.cases.filter((c) => c.module === 'RNN' || c.module === 'LSTM' || c.module === 'GRU');

/** A dendrite tensor from a fixture tensor (int64 → int32). */
function toTensor(ft: FT, requiresGrad = false): Tensor {
  const dtype = ft.dtype === 'int64' ? 'int32' : ft.dtype;
  const t = tensor(Float64Array.from(ft.data), { shape: ft.shape, dtype });
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

const ATOL = 1e-6;
const RTOL = 1e-5;

function assertClose(where: string, actual: Tensor | null, expected: FT): void {
  assert.ok(actual !== null, `${where}: got null, expected shape (${expected.shape.join(', ')})`);
  assert.deepEqual([...actual.shape], expected.shape, `${where}: shape`);
  const got = actual.dataSync();
  for (let i = 0; i < got.length; i++) {
    const e = expected.dtype === 'float32' ? Math.fround(expected.data[i]!) : expected.data[i]!;
    const a = got[i]!;
    if (!(Math.abs(a - e) <= ATOL + RTOL * Math.abs(e))) {
      assert.fail(`${where}: element ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e).toExponential(2)})`);
    }
  }
}

type AnyRnn = RNN | LSTM | GRU;

function build(c: RnnCase): AnyRnn {
  const k = c.ctor;
  const opts = {
    ...(k['num_layers'] !== undefined ? { numLayers: k['num_layers'] as number } : {}),
    ...(k['bias'] !== undefined ? { bias: k['bias'] as boolean } : {}),
    ...(k['batch_first'] !== undefined ? { batchFirst: k['batch_first'] as boolean } : {}),
    ...(k['dropout'] !== undefined ? { dropout: k['dropout'] as number } : {}),
    ...(k['bidirectional'] !== undefined ? { bidirectional: k['bidirectional'] as boolean } : {}),
  };
  const I = k['input_size'] as number;
  const H = k['hidden_size'] as number;
  if (c.module === 'LSTM') return new LSTM(I, H, opts);
  if (c.module === 'GRU') return new GRU(I, H, opts);
  return new RNN(I, H, { ...opts, nonlinearity: k['nonlinearity'] as 'tanh' | 'relu' });
}

test('layers.json holds the 48 recurrent cases (RNN tanh/relu, LSTM, GRU × 12)', () => {
  assert.equal(CASES.length, 48);
  for (const m of ['RNN', 'LSTM', 'GRU']) assert.ok(CASES.some((c) => c.module === m));
});

for (const c of CASES) {
  test(`golden ${c.name}`, () => {
    tidy(() => {
      const m = build(c);
      m.train(c.train);
      // state dict keys and their order are PyTorch's
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.params));
      m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, toTensor(v)])));

      const x = toTensor(c.input, true);
      const h0 = c.extra_inputs?.['h0'] ? toTensor(c.extra_inputs['h0'], true) : null;
      const c0 = c.extra_inputs?.['c0'] ? toTensor(c.extra_inputs['c0'], true) : null;
      let out: Tensor;
      let hn: Tensor;
      let cn: Tensor | null = null;
      if (m instanceof LSTM) {
        [out, [hn, cn]] = m.call(x, h0 && c0 ? [h0, c0] : null);
      } else {
        [out, hn] = (m as RNN | GRU).call(x, h0);
      }
      assertClose(`${c.name} output`, out, c.output);
      assertClose(`${c.name} h_n`, hn, c.h_n);
      if (c.c_n) assertClose(`${c.name} c_n`, cn, c.c_n);

      let loss = add(sum(mul(out, toTensor(c.upstream))), sum(mul(hn, toTensor(c.upstream_h))));
      if (c.upstream_c) loss = add(loss, sum(mul(cn!, toTensor(c.upstream_c))));
      loss.backward();

      assertClose(`${c.name} input grad`, x.grad, c.input_grad);
      if (c.extra_input_grads?.['h0']) assertClose(`${c.name} h0 grad`, h0!.grad, c.extra_input_grads['h0']);
      if (c.extra_input_grads?.['c0']) assertClose(`${c.name} c0 grad`, c0!.grad, c.extra_input_grads['c0']);
      const named = Object.fromEntries(m.namedParameters());
      assert.deepEqual(Object.keys(named), Object.keys(c.param_grads));
      for (const [k, g] of Object.entries(c.param_grads)) assertClose(`${c.name} grad ${k}`, named[k]!.grad, g);
    });
  });
}

// ---- gradcheck (float64) ---------------------------------------------------------------------

function f64(shape: number[], scale = 1): Tensor {
  const t = randn(shape, { dtype: 'float64' });
  const s = mul(t, scale);
  return tensor(s.dataSync() as Float64Array, { shape, dtype: 'float64', requiresGrad: true });
}

const flat = (ts: Tensor[]): Tensor => cat(ts.map((t) => flatten(t)), 0);

test('gradcheck: 2-layer bidirectional LSTM (float64) w.r.t. input, h0, c0 and every parameter', () => {
  tidy(() => {
    manualSeed(1);
    const m = new LSTM(2, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    const x = f64([3, 2, 2]);
    const h0 = f64([4, 2, 2], 0.5);
    const c0 = f64([4, 2, 2], 0.5);
    const fn = () => {
      const [o, [h, c]] = m.call(x, [h0, c0]);
      return flat([o, h, c]);
    };
    assert.ok(gradcheck(fn, [x, h0, c0, ...m.parameters()]));
  });
});

test('gradcheck: batch-first GRU, 2 layers, no h0 (float64)', () => {
  tidy(() => {
    manualSeed(2);
    const m = new GRU(3, 2, { numLayers: 2, batchFirst: true, dtype: 'float64' });
    const x = f64([2, 3, 3]);
    const fn = () => {
      const [o, h] = m.call(x);
      return flat([o, h]);
    };
    assert.ok(gradcheck(fn, [x, ...m.parameters()]));
  });
});

test('gradcheck: bidirectional tanh RNN, unbatched, no bias (float64)', () => {
  tidy(() => {
    manualSeed(3);
    const m = new RNN(2, 3, { bidirectional: true, bias: false, dtype: 'float64' });
    const x = f64([4, 2]);
    const h0 = f64([2, 3], 0.5);
    const fn = () => {
      const [o, h] = m.call(x, h0);
      return flat([o, h]);
    };
    assert.ok(gradcheck(fn, [x, h0, ...m.parameters()]));
  });
});

test('gradcheck: LSTMCell, GRUCell, RNNCell (float64)', () => {
  tidy(() => {
    manualSeed(4);
    const x = f64([2, 3]);
    const h = f64([2, 2], 0.5);
    const c = f64([2, 2], 0.5);
    const lc = new LSTMCell(3, 2, { dtype: 'float64' });
    assert.ok(gradcheck(() => flat(lc.call(x, [h, c])), [x, h, c, ...lc.parameters()]));
    const gc = new GRUCell(3, 2, { dtype: 'float64' });
    assert.ok(gradcheck(() => gc.call(x, h), [x, h, ...gc.parameters()]));
    const rc = new RNNCell(3, 2, { dtype: 'float64' });
    assert.ok(gradcheck(() => rc.call(x, h), [x, h, ...rc.parameters()]));
  });
});

// ---- parameters ---------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const count = (m: Module<any[], unknown>) => m.parameters().reduce((a, p) => a + p.numel, 0);

test('parameter counts equal PyTorch 1.13', () => {
  // sum(p.numel() for p in m.parameters()) from torch 1.13
  assert.equal(count(new LSTM(10, 20, { numLayers: 2, bidirectional: true })), 15040);
  assert.equal(count(new GRU(10, 20)), 1920);
  assert.equal(count(new RNN(10, 20, { bias: false, numLayers: 3 })), 2200);
  assert.equal(count(new LSTMCell(10, 20)), 2560);
  assert.equal(count(new GRUCell(7, 5)), 210);
  assert.equal(count(new RNNCell(7, 5)), 70);
});

test('parameter names, shapes and order are PyTorch’s', () => {
  const m = new GRU(3, 4, { numLayers: 2, bidirectional: true });
  const sd = m.stateDict();
  assert.deepEqual(
    Object.entries(sd).map(([k, v]) => `${k}:${v.shape.join('x')}`),
    [
      'weight_ih_l0:12x3', 'weight_hh_l0:12x4', 'bias_ih_l0:12', 'bias_hh_l0:12',
      'weight_ih_l0_reverse:12x3', 'weight_hh_l0_reverse:12x4', 'bias_ih_l0_reverse:12', 'bias_hh_l0_reverse:12',
      'weight_ih_l1:12x8', 'weight_hh_l1:12x4', 'bias_ih_l1:12', 'bias_hh_l1:12',
      'weight_ih_l1_reverse:12x8', 'weight_hh_l1_reverse:12x4', 'bias_ih_l1_reverse:12', 'bias_hh_l1_reverse:12',
    ],
  );
  assert.deepEqual(Object.keys(new LSTMCell(3, 4).stateDict()), ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  assert.deepEqual(Object.keys(new RNNCell(3, 4, { bias: false }).stateDict()), ['weight_ih', 'weight_hh']);
  assert.equal(m.allWeights.length, 4);
});

test('init is uniform in ±1/√hidden for every parameter', () => {
  manualSeed(0);
  const H = 16;
  const m = new LSTM(5, H, { numLayers: 2 });
  const k = 1 / Math.sqrt(H);
  for (const [name, p] of m.namedParameters()) {
    const d = p.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of d) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.ok(lo >= -k && hi <= k, `${name} in [${lo}, ${hi}]`);
    assert.ok(hi - lo > k, `${name} spreads over the range`);
  }
});

// ---- shapes ---------------------------------------------------------------------------------------

test('shapes: time-major, batchFirst, bidirectional, multi-layer, unbatched', () => {
  tidy(() => {
    const T = 5;
    const B = 3;
    const x = randn([T, B, 4]);
    const lstm = new LSTM(4, 6, { numLayers: 3, bidirectional: true });
    const [o, [h, c]] = lstm.call(x);
    assert.deepEqual(o.shape, [T, B, 12]);
    assert.deepEqual(h.shape, [6, B, 6]);
    assert.deepEqual(c.shape, [6, B, 6]);

    const gru = new GRU(4, 6, { batchFirst: true });
    const [og, hg] = gru.call(randn([B, T, 4]));
    assert.deepEqual(og.shape, [B, T, 6]);
    assert.deepEqual(hg.shape, [1, B, 6]);

    const rnn = new RNN(4, 6, { numLayers: 2, nonlinearity: 'relu', batchFirst: true });
    const [ou, hu] = rnn.call(randn([T, 4]), randn([2, 6])); // unbatched ignores batchFirst
    assert.deepEqual(ou.shape, [T, 6]);
    assert.deepEqual(hu.shape, [2, 6]);

    const [ol, [hl, cl]] = new LSTM(4, 6, { bidirectional: true }).call(randn([T, 4]));
    assert.deepEqual(ol.shape, [T, 12]);
    assert.deepEqual(hl.shape, [2, 6]);
    assert.deepEqual(cl.shape, [2, 6]);
  });
});

test('batchFirst gives the transposed result of time-major on the same weights', () => {
  tidy(() => {
    const a = new GRU(3, 4, { bidirectional: true });
    const b = new GRU(3, 4, { bidirectional: true, batchFirst: true });
    b.loadStateDict(a.stateDict());
    const x = randn([5, 2, 3]);
    const [oa, ha] = a.call(x);
    const [ob, hb] = b.call(x.transpose(0, 1));
    assert.deepEqual([...ob.transpose(0, 1).dataSync()], [...oa.dataSync()]);
    assert.deepEqual([...hb.dataSync()], [...ha.dataSync()]);
  });
});

test('the bidirectional halves: forward half at the last step and reverse half at step 0 are h_n', () => {
  tidy(() => {
    const m = new LSTM(3, 4, { bidirectional: true });
    const [o, [h]] = m.call(randn([6, 2, 3]));
    assert.deepEqual([...select(o, 0, 5).dataSync()].filter((_, i) => i % 8 < 4), [...select(h, 0, 0).dataSync()]);
    assert.deepEqual([...select(o, 0, 0).dataSync()].filter((_, i) => i % 8 >= 4), [...select(h, 0, 1).dataSync()]);
  });
});

test('cells step by step reproduce the one-layer sequence modules', () => {
  tidy(() => {
    const T = 4;
    const x = randn([T, 2, 3]);
    const close = (a: Tensor, b: Tensor) => {
      const p = a.dataSync();
      const q = b.dataSync();
      assert.equal(p.length, q.length);
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i]! - q[i]!) < 1e-6, `${p[i]} vs ${q[i]}`);
    };
    // LSTM
    const lstm = new LSTM(3, 5);
    const lc = new LSTMCell(3, 5);
    lc.loadStateDict(Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, v]) => [k.replace('_l0', ''), v])));
    const [ol, [hl, cl]] = lstm.call(x);
    let hc: [Tensor, Tensor] | null = null;
    for (let t = 0; t < T; t++) {
      hc = lc.call(select(x, 0, t), hc);
      close(hc[0], select(ol, 0, t));
    }
    close(hc![0], hl);
    close(hc![1], cl);
    // GRU and RNN
    for (const [seq, cell] of [
      [new GRU(3, 5), new GRUCell(3, 5)],
      [new RNN(3, 5, { nonlinearity: 'relu' }), new RNNCell(3, 5, { nonlinearity: 'relu' })],
    ] as const) {
      cell.loadStateDict(Object.fromEntries(Object.entries(seq.stateDict()).map(([k, v]) => [k.replace('_l0', ''), v])));
      const [o, hn] = seq.call(x);
      let h: Tensor | null = null;
      for (let t = 0; t < T; t++) {
        h = cell.call(select(x, 0, t), h);
        close(h, select(o, 0, t));
      }
      close(h!, hn);
    }
    // unbatched cell input
    const g = new GRUCell(3, 5);
    assert.deepEqual(g.call(randn([3])).shape, [5]);
    const [h1, c1] = new LSTMCell(3, 5).call(randn([3]), [randn([5]), randn([5])]);
    assert.deepEqual([h1.shape, c1.shape], [[5], [5]]);
  });
});

test('dropout between layers acts in training mode only', () => {
  tidy(() => {
    manualSeed(5);
    const m = new LSTM(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([4, 2, 3]);
    m.eval();
    const e1 = m.call(x)[0].dataSync();
    const e2 = m.call(x)[0].dataSync();
    assert.deepEqual([...e1], [...e2]);
    m.train();
    const t1 = m.call(x)[0].dataSync();
    assert.notDeepEqual([...t1], [...e1]);
    // one layer: nothing to drop
    const one = new GRU(3, 4, { dropout: 0.5 });
    const a = one.call(x)[0].dataSync();
    assert.deepEqual([...one.call(x)[0].dataSync()], [...a]);
  });
});

test('gradients reach every parameter through a long sequence', () => {
  tidy(() => {
    const m = new GRU(4, 8, { numLayers: 2, bidirectional: true, batchFirst: true });
    const [o, h] = m.call(randn([2, 200, 4]));
    add(sum(o), sum(h)).backward();
    for (const [k, p] of m.namedParameters()) {
      assert.ok(p.grad !== null, `${k} has a gradient`);
      assert.ok([...p.grad.dataSync()].every(Number.isFinite), `${k} gradient is finite`);
    }
  });
});

// ---- errors ---------------------------------------------------------------------------------------

test('errors name the layer and the shapes', () => {
  const lstm = new LSTM(3, 4, { numLayers: 2 });
  assert.throws(() => lstm.call(randn([5, 2, 7])), (e: unknown) => e instanceof ShapeError && /LSTM/.test(e.message) && /\(5, 2, 7\)/.test(e.message) && /inputSize 3/.test(e.message));
  assert.throws(() => lstm.call(randn([5, 2, 2, 3])), (e: unknown) => e instanceof ShapeError && /LSTM/.test(e.message) && /\(5, 2, 2, 3\)/.test(e.message));
  assert.throws(
    () => lstm.call(randn([5, 2, 3]), [randn([1, 2, 4]), randn([2, 2, 4])]),
    (e: unknown) => e instanceof ShapeError && /LSTM: expected h0 of shape \(2, 2, 4\)/.test(e.message) && /got \(1, 2, 4\)/.test(e.message),
  );
  assert.throws(
    () => lstm.call(randn([5, 2, 3]), [randn([2, 2, 4]), randn([2, 3, 4])]),
    (e: unknown) => e instanceof ShapeError && /c0 of shape \(2, 2, 4\)/.test(e.message),
  );
  const gru = new GRU(3, 4);
  assert.throws(() => gru.call(randn([5, 3]), randn([1, 2, 4])), (e: unknown) => e instanceof ShapeError && /GRU: expected h0 of shape \(1, 4\)/.test(e.message));
  assert.throws(() => gru.call(randn([5, 2, 3], { dtype: 'float64' })), DTypeError);
  const rnn = new RNN(3, 4, { batchFirst: true });
  assert.throws(() => rnn.call(randn([2, 5, 4])), (e: unknown) => e instanceof ShapeError && /RNN:/.test(e.message) && /\(2, 5, 4\)/.test(e.message));
  assert.throws(() => new GRUCell(3, 4).call(randn([2, 5])), (e: unknown) => e instanceof ShapeError && /GRUCell/.test(e.message) && /\(2, 5\)/.test(e.message));
  assert.throws(() => new RNNCell(3, 4).call(randn([2, 3]), randn([3, 4])), (e: unknown) => e instanceof ShapeError && /RNNCell: expected hx of shape \(2, 4\)/.test(e.message));
  assert.throws(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' }), /nonlinearity/);
  assert.throws(() => new LSTM(3, 4, { numLayers: 0 }), /numLayers/);
});
