// The backend conformance suite: every kernel a backend has (its core, its fused kernels or
// their compositions from its core, its conv paths), through the ops that use it, against the
// JS reference backend on random shapes (1-sized, odd, non-multiple-of-4/8). A new backend
// passes it by registering and calling backendConformance with its name
// (backend_conformance.test.ts runs it over every registered backend).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  matmul, transpose, noGrad, optim, gather, indexSelect, prod, argmin, adaptiveAvgPool2d, cast, mean, log,
  setBackend, backend, Generator, tensor, conv2d, conv1d, maxPool2d, avgPool2d, relu, exp, tanh, sigmoid, add, mul, sub, div, sum,
  permute, contiguous, batchNorm, lstmCell, gruCell, softmax, logSoftmax, maxDim, argmax, amin, clamp, leakyRelu, elu, sqrt, abs, maximum, where, gt, lt, le, eq, ne, type Tensor,
} from '../../src/index.js';
import { rnnSequence } from '../../src/ops/rnn_cell.js';

/** Defines the suite's tests for each named backend against `reference`. */
export function backendConformance(candidates: readonly string[], reference = 'js'): void {
  const gen = new Generator(3);
  const ri = (lo: number, hi: number) => lo + Math.floor(gen.random() * (hi - lo + 1));

  /** Runs f under a backend, returning its outputs and the input gradients as plain arrays. */
  function evalOn(name: string, f: (xs: Tensor[]) => Tensor, inputs: Float32Array[], shapes: number[][]): number[][] {
    setBackend(name);
    const xs = inputs.map((d, i) => fromArray(d, shapes[i]!));
    const y = f(xs);
    const out = [[...y.dataSync()]];
    if (y.requiresGrad) {
      y.backward(onesLikeData(y));
      for (const x of xs) out.push(x.grad ? [...x.grad.dataSync()] : []);
    }
    return out;
  }

  function fromArray(d: Float32Array, shape: number[]): Tensor {
    return tensor(d, { shape, requiresGrad: true });
  }
  function onesLikeData(y: Tensor): Tensor {
    // a fixed, non-uniform seed gradient
    return tensor(Float32Array.from({ length: y.numel }, (_, i) => ((i * 7919) % 13) / 13 - 0.4), { shape: [...y.shape] });
  }

  function compare(label: string, f: (xs: Tensor[]) => Tensor, shapes: number[][], tol = 1e-4, names: readonly string[] = candidates): void {
    const inputs = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => gen.random() * 4 - 2));
    const want = evalOn(reference, f, inputs, shapes);
    for (const name of names) {
      const got = evalOn(name, f, inputs, shapes);
      for (let k = 0; k < want.length; k++) {
        assert.equal(got[k]!.length, want[k]!.length);
        for (let i = 0; i < want[k]!.length; i++) {
          const w = want[k]![i]!, g = got[k]![i]!;
          if (!(Math.abs(w - g) <= tol * (1 + Math.abs(w))) && !(Number.isNaN(w) && Number.isNaN(g))) {
            assert.fail(`${label} [${name}] ${k === 0 ? 'output' : `grad ${k - 1}`}[${i}]: ${g}, reference ${w} (shapes ${JSON.stringify(shapes)})`);
          }
        }
      }
    }
    setBackend(reference);
  }

  /** The outputs of f under each candidate and the reference, NaN written as a string. */
  function exact(f: () => Tensor): void {
    const run = (name: string) => {
      setBackend(name);
      return [...f().dataSync()].map((v) => (Number.isNaN(v) ? 'NaN' : v));
    };
    const want = run(reference);
    for (const name of candidates) assert.deepEqual(run(name), want, name);
    setBackend(reference);
  }

  test('conv2d forward and backward (im2col, col2im, sgemm) match the reference', () => {
    for (let t = 0; t < 25; t++) {
      const C = ri(1, 5), G = [1, C][ri(0, 1)]!, O = G * ri(1, 3), kh = ri(1, 4), kw = ri(1, 5);
      const H = ri(kh, 11), W = ri(kw, 13), N = ri(1, 3);
      const stride = [ri(1, 3), ri(1, 3)] as const;
      const padding = [ri(0, 2), ri(0, 2)] as const;
      const dilation = [ri(1, 2), ri(1, 2)] as const;
      if ((H + 2 * padding[0] - dilation[0] * (kh - 1) - 1) < 0 || (W + 2 * padding[1] - dilation[1] * (kw - 1) - 1) < 0) continue;
      compare(`conv2d #${t}`, ([x, w, b]) => conv2d(x!, w!, b!, { stride, padding, dilation, groups: G }), [[N, C, H, W], [O, C / G, kh, kw], [O]]);
    }
    compare('conv1d same', ([x, w]) => conv1d(x!, w!, null, { padding: 'same' }), [[2, 3, 17], [4, 3, 6]]);
    // kernels covering the whole image (each image one column, read in place)
    compare('whole-image conv2d (classifier)', ([x, w, b]) => conv2d(x!, w!, b!), [[3, 40, 69, 1], [4, 40, 69, 1], [4]]);
    compare('whole-image conv2d (one image, 2-D)', ([x, w, b]) => conv2d(x!, w!, b!), [[1, 3, 5, 7], [19, 3, 5, 7], [19]]);
  });

  test('direct convolution (stride 1, few taps) forward and weight gradient match the reference', () => {
    // LeNet's first layer with more images than one gradient chunk (8), ragged widths, O not a multiple of 6
    compare('direct lenet conv1', ([x, w, b]) => conv2d(x!, w!, b!, { padding: 2 }), [[19, 1, 28, 28], [6, 1, 5, 5], [6]]);
    for (let t = 0; t < 12; t++) {
      const C = ri(1, 2), O = ri(1, 14), kh = ri(1, 4), kw = ri(2, 8), N = ri(1, 10);
      const H = ri(kh, 9), W = ri(kw, 23);
      const padding = [ri(0, 2), ri(0, 3)] as const;
      compare(`direct conv2d #${t}`, ([x, w, b]) => conv2d(x!, w!, b!, { padding }), [[N, C, H, W], [O, C, kh, kw], [O]]);
    }
    // positions-in-lanes weight gradient (kernels ≤ 5 wide, OW a multiple of 4): odd O, C > 1, kw 1 and 3
    compare('direct narrow wgrad (O 7, C 2, 3×3)', ([x, w, b]) => conv2d(x!, w!, b!, { padding: [1, 0] }), [[5, 2, 9, 14], [7, 2, 3, 3], [7]]);
    compare('direct narrow wgrad (O 3, 4×1)', ([x, w]) => conv2d(x!, w!), [[3, 1, 11, 8], [3, 1, 4, 1]]);
    compare('direct conv1d same (even kernel)', ([x, w]) => conv1d(x!, w!, null, { padding: 'same' }), [[3, 1, 70], [8, 1, 16]]);
  });

  test('FFT row convolution (long kernels spanning every column) forward and gradients match the reference', () => {
    const uses = (name: string, N: number, O: number, H: number, W: number, kh: number): boolean => {
      setBackend(name);
      const n = backend().rowConvFftLength?.('float32', N, O, H, W, kh) ?? 0;
      setBackend(reference);
      return n > 0;
    };
    for (const name of candidates) {
      setBackend(name);
      const has = backend().rowConvFft !== undefined;
      setBackend(reference);
      if (!has) continue;
      // ShallowFBCSPNet's combined temporal-spatial layer: two images, and one (split by output groups)
      assert.ok(uses(name, 2, 40, 1125, 22, 25), `the FFT path is chosen for ShallowFBCSPNet on ${name}`);
      compare('fft shallow b2', ([x, w, b]) => conv2d(x!, w!, b!), [[2, 1, 1125, 22], [40, 1, 25, 22], [40]], 1e-4, [name]);
      compare('fft shallow b1 no bias', ([x, w]) => conv2d(x!, w!), [[1, 1, 1125, 22], [40, 1, 25, 22]], 1e-4, [name]);
      let hit = 0;
      for (let t = 0; t < 30 && hit < 10; t++) {
        // ragged outputs (not a multiple of 8), channels (not of 8) and block counts (odd, partial)
        const O = ri(1, 19), W = ri(1, 13), kh = ri(8, 40), N = ri(1, 3);
        const H = kh + ri(60, 500);
        if (!uses(name, N, O, H, W, kh)) continue;
        hit++;
        compare(`fft conv #${t}`, ([x, w, b]) => conv2d(x!, w!, b!), [[N, 1, H, W], [O, 1, kh, W], [O]], 1e-4, [name]);
      }
      assert.ok(hit >= 5, `only ${hit} random shapes took the FFT path on ${name}`);
    }
  });

  test('max pooling forward and backward match the reference', () => {
    for (let t = 0; t < 20; t++) {
      const k = ri(1, 4), H = ri(k, 12), W = ri(k, 12);
      const s = ri(1, 3), p = ri(0, Math.floor(k / 2)), d = ri(1, 2);
      if (H + 2 * p - d * (k - 1) - 1 < 0 || W + 2 * p - d * (k - 1) - 1 < 0) continue;
      compare(`maxPool2d #${t}`, ([x]) => maxPool2d(x!, k, { stride: s, padding: p, dilation: d, ceilMode: t % 2 === 0 }), [[ri(1, 3), ri(1, 4), H, W]]);
    }
  });

  test('2×2 max pooling (the vectorised path) matches the reference, with ties and NaN', () => {
    compare('maxPool2d 2x2 wide', ([x]) => maxPool2d(x!, 2), [[2, 3, 14, 21]]);
    // ties: integer-valued inputs; the first maximum must win in both
    compare('maxPool2d 2x2 ties', ([x]) => maxPool2d(x!.round(), 2), [[1, 2, 8, 16]]);
    const vals = Float32Array.from({ length: 64 }, (_, i) => (i === 9 ? NaN : i % 5));
    exact(() => maxPool2d(tensor(vals, { shape: [1, 1, 4, 16] }), 2));
  });

  test('max pooling down one column (EEG time pooling, the run path) matches the reference, with ties and NaN', () => {
    compare('maxPool2d (3,1)/(3,1)', ([x]) => maxPool2d(x!, [3, 1], { stride: [3, 1] }), [[2, 3, 50, 1]]);
    compare('maxPool2d (4,1)/(2,1) overlapping', ([x]) => maxPool2d(x!, [4, 1], { stride: [2, 1] }), [[1, 2, 31, 1]]);
    compare('maxPool2d (3,1) ties', ([x]) => maxPool2d(x!.round(), [3, 1], { stride: [3, 1] }), [[2, 2, 27, 1]]);
    const vals = Float32Array.from({ length: 24 }, (_, i) => (i === 4 || i === 9 ? NaN : i % 4));
    exact(() => maxPool2d(tensor(vals, { shape: [1, 1, 24, 1] }), [3, 1], { stride: [3, 1] }));
  });

  test('average pooling forward and backward match the reference', () => {
    for (let t = 0; t < 20; t++) {
      const k = ri(1, 4), H = ri(k, 12), W = ri(k, 12);
      const s = ri(1, 3), p = ri(0, Math.floor(k / 2)), kw = ri(1, k);
      compare(`avgPool2d #${t}`, ([x]) => avgPool2d(x!, [k, kw], { stride: s, padding: [p, 0], ceilMode: t % 2 === 0, countIncludePad: t % 3 !== 0 }), [[ri(1, 3), ri(1, 4), H, W]]);
    }
    compare('avgPool2d (75,1)/(15,1) as in ShallowFBCSPNet', ([x]) => avgPool2d(x!, [75, 1], { stride: [15, 1] }), [[2, 3, 200, 1]]);
    // the running-window path: long windows down columns, with padding, ceil mode, 2 columns
    compare('avgPool2d (12,1)/(5,1) pad 6 ceil', ([x]) => avgPool2d(x!, [12, 1], { stride: [5, 1], padding: [6, 0], ceilMode: true }), [[2, 2, 47, 2]]);
    compare('avgPool2d (12,1)/(5,1) pad 6 exclude pad', ([x]) => avgPool2d(x!, [12, 1], { stride: [5, 1], padding: [6, 0], countIncludePad: false }), [[1, 3, 40, 3]]);
    compare('avgPool2d (9,1)/(20,1) (gaps between windows)', ([x]) => avgPool2d(x!, [9, 1], { stride: [20, 1] }), [[2, 2, 65, 1]]);
  });

  test('batch norm (training statistics, apply, backward) matches the reference, one thread and split by channel', () => {
    // small: one thread; (8, 16, 1100) = 140 800 elements: channels split across threads
    for (const shape of [[3, 5, 7], [8, 16, 1100]]) {
      compare(`batchNorm ${shape}`, ([x, w, b]) => batchNorm(x!, null, null, w!, b!, { training: true }), [shape, [shape[1]!], [shape[1]!]], 2e-4);
    }
  });

  test('fused LSTM and GRU cells match the reference, forward and backward', () => {
    for (const [B, H] of [[1, 1], [3, 5], [2, 17]] as const) {
      compare(`lstmCell B${B} H${H}`, ([g, c]) => {
        const [h2, c2] = lstmCell(g!, c!);
        return add(mul(h2, 1.5), c2);
      }, [[B, 4 * H], [B, H]]);
      compare(`gruCell B${B} H${H}`, ([gi, gh, h]) => gruCell(gi!, gh!, h!), [[B, 3 * H], [B, 3 * H], [B, H]]);
    }
  });

  test('elu and its gradient (the eluBackward kernel) match the reference, split across threads', () => {
    compare('elu 70001', ([x]) => elu(x!, 0.7), [[70001]]);
    compare('elu broadcast rows', ([x]) => elu(mul(x!, 3), 1.1), [[3, 5, 9]]);
  });

  test('unary ops match the reference, including lengths not divisible by 4', () => {
    for (const n of [1, 3, 4, 7, 33]) {
      compare(`relu ${n}`, ([x]) => relu(x!), [[n]]);
      compare(`exp ${n}`, ([x]) => exp(x!), [[n]]);
      compare(`tanh ${n}`, ([x]) => tanh(x!), [[n]]);
      compare(`sigmoid ${n}`, ([x]) => sigmoid(x!), [[n]]);
      compare(`clamp ${n}`, ([x]) => clamp(x!, -0.5, 0.7), [[n]]);
      compare(`leakyRelu ${n}`, ([x]) => leakyRelu(x!, 0.1), [[n]]);
      compare(`elu ${n}`, ([x]) => elu(x!, 1.3), [[n]]);
      compare(`sqrt∘abs ${n}`, ([x]) => sqrt(add(abs(x!), 0.1)), [[n]]);
      compare(`scalar ops ${n}`, ([x]) => div(mul(add(x!, 1.5), 3), 7), [[n]]);
    }
  });

  test('broadcasting binary ops, strided copies and sums match the reference', () => {
    const cases: [number[], number[]][] = [[[5], [5]], [[3, 1, 4], [2, 1]], [[2, 3, 5, 7], [1, 3, 1, 1]], [[6, 1], [1, 9]], [[1], [4, 3]], [[2, 3, 4, 5, 6], [5, 1]]];
    for (const [a, b] of cases) {
      compare(`add ${a}+${b}`, ([x, y]) => add(x!, y!), [a, b]);
      compare(`sub ${a}-${b}`, ([x, y]) => sub(x!, y!), [a, b]);
      compare(`mul ${a}*${b}`, ([x, y]) => mul(x!, y!), [a, b]);
      compare(`div ${a}/${b}`, ([x, y]) => div(x!, add(abs(y!), 0.5)), [a, b]);
      compare(`maximum ${a},${b}`, ([x, y]) => maximum(x!, y!), [a, b]);
    }
    for (const [a, b] of cases) {
      // comparisons write int32 0/1; where picks with an int32 condition
      compare(`gt/where ${a},${b}`, ([x, y]) => where(gt(x!, y!), x!, mul(y!, 2)), [a, b]);
      compare(`le/eq/ne ${a},${b}`, ([x, y]) => add(add(le(x!, y!).float(), eq(x!, x!).float()), ne(y!, y!).float()), [a, b]);
      compare(`where scalar branch ${a},${b}`, ([x, y]) => where(lt(x!, 0), y!, 0.5), [a, b]);
    }
    compare('clamp backward', ([x]) => clamp(x!, -0.3, 0.4), [[3, 17]]);
    compare('permute+contiguous', ([x]) => contiguous(permute(x!, [2, 0, 3, 1])), [[3, 5, 2, 7]]);
    for (const dim of [0, 1, 2]) {
      compare(`softmax dim ${dim}`, ([x]) => softmax(x!, dim), [[4, 9, 7]]);
      compare(`logSoftmax dim ${dim}`, ([x]) => logSoftmax(x!, dim), [[4, 9, 7]]);
      compare(`max/argmax dim ${dim}`, ([x]) => add(maxDim(x!, dim).values, argmax(x!, dim).float()), [[4, 9, 7]]);
      compare(`amin dim ${dim}`, ([x]) => amin(x!, dim), [[4, 9, 7]]);
    }
    for (const dims of [[0], [1], [2], [0, 2], [1, 2], null]) {
      compare(`sum over ${JSON.stringify(dims)}`, ([x]) => sum(x!, dims), [[4, 9, 7]], 1e-4);
    }
  });

  test('small-M GEMM paths (row-pair tiles, K-contiguous dot blocks) and the LeNet conv1 shape match the reference', () => {
    // A (M×K) · Bᵀ with both operands contiguous along K: the dot-block path for M 5-16, K ≥ 64
    for (const [M, N, K] of [[5, 1, 64], [6, 25, 784], [7, 3, 67], [8, 2, 130], [6, 9, 100], [5, 4, 63], [13, 7, 100], [16, 150, 100]] as const) {
      compare(`A·Bᵀ ${M}×${N}×${K}`, ([a, b]) => matmul(a!, transpose(b!, 0, 1)), [[M, K], [N, K]]);
    }
    // general path with 1- or 2-row edge tiles (M mod 4 ∈ {1, 2}), full and ragged column tiles
    for (const [M, N, K] of [[6, 784, 25], [5, 17, 9], [9, 16, 31], [2, 40, 7], [10, 8, 3]] as const) {
      compare(`A·B ${M}×${N}×${K}`, ([a, b]) => matmul(a!, b!), [[M, K], [K, N]]);
    }
    // LeNet's first conv: 6 filters 5×5 over 28×28 with padding 2; its weight gradient sums
    // per-image dot blocks over the batch
    compare('conv 1→6 k5 pad 2', ([x, w]) => conv2d(x!, w!, null, { padding: 2 }), [[3, 1, 28, 28], [6, 1, 5, 5]]);
    // with a bias over a batch big enough for the threaded broadcast copy (16·6·784 > 65 536)
    compare('conv 1→6 k5 pad 2 + bias, batch 16', ([x, w, b]) => conv2d(x!, w!, b!, { padding: 2 }), [[16, 1, 28, 28], [6, 1, 5, 5], [6]]);
  });

  test('gather, indexSelect and their scatter-add backward, prod, argmin, adaptive pooling and float64 data match the reference', () => {
    const idx = (n: number, hi: number, shape: number[]) => tensor(Int32Array.from({ length: n }, () => ri(0, hi - 1)), { shape, dtype: 'int32' });
    for (const dim of [0, 1, 2]) {
      const shape = [4, 5, 6];
      const ishape = shape.map((v, d) => (d === dim ? 7 : v));
      const index = idx(ishape.reduce((a, b) => a * b, 1), shape[dim]!, ishape);
      compare(`gather dim ${dim}`, ([x]) => gather(x!, dim, index), [shape]);
      const sel = idx(9, shape[dim]!, [9]);
      compare(`indexSelect dim ${dim}`, ([x]) => indexSelect(x!, dim, sel), [shape]);
      compare(`prod dim ${dim}`, ([x]) => prod(x!, dim), [shape]);
      compare(`argmin dim ${dim}`, ([x]) => add(argmin(x!, dim).float(), 0), [shape]);
    }
    for (const [H, W, OH, OW] of [[7, 9, 3, 4], [5, 5, 5, 5], [10, 3, 4, 1], [6, 1, 4, 1]] as const) {
      compare(`adaptiveAvgPool2d ${H}×${W}→${OH}×${OW}`, ([x]) => adaptiveAvgPool2d(x!, [OH, OW]), [[2, 3, H, W]]);
    }
    // float64: a conv, a batch norm, a softmax and a reduction, cast back to float32 at the end
    compare('float64 conv/batchNorm/logSoftmax/mean', ([x, w, b]) => {
      const y = conv2d(cast(x!, 'float64'), cast(w!, 'float64'), cast(b!, 'float64'), { padding: 1 });
      const z = batchNorm(y, null, null, null, null, { training: true });
      return cast(mean(logSoftmax(z, 1), 2), 'float32');
    }, [[2, 3, 6, 5], [4, 3, 3, 3], [4]], 1e-6);
    compare('float64 elementwise', ([x]) => cast(log(add(exp(cast(x!, 'float64')), 1)), 'float32'), [[3, 11]], 1e-6);
  });

  test('recurrent sequences without gradients (tanh, relu, LSTM, GRU; forward and reverse) match the reference', () => {
    for (const [mode, G] of [['RNN_TANH', 1], ['RNN_RELU', 1], ['LSTM', 4], ['GRU', 3]] as const) {
      for (const [T, B, H] of [[1, 1, 1], [5, 3, 7], [4, 2, 17]] as const) {
        for (const reverse of [false, true]) {
          compare(`rnnSequence ${mode} T${T} B${B} H${H}${reverse ? ' reverse' : ''}`, ([gi, whh, bhh, h0, c0]) => noGrad(() => {
            const r = rnnSequence(mode, gi!, mul(whh!, 0.4), mode === 'GRU' ? bhh! : null, h0!, mode === 'LSTM' ? c0! : null, reverse);
            return r.c ? add(add(r.out, r.h), r.c) : add(r.out, r.h);
          }), [[T, B, G * H], [G * H, H], [G * H], [B, H], [B, H]]);
        }
      }
    }
  });

  test('optimizer steps (SGD with momentum, nesterov, weight decay, maximize; Adam, AdamW, amsgrad) match the reference', () => {
    type Make = (ps: Tensor[]) => optim.Optimizer;
    const makers: [string, Make][] = [
      ['sgd momentum', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 })],
      ['sgd nesterov maximize', (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true, maximize: true })],
      ['sgd plain', (ps) => new optim.SGD(ps, { lr: 0.2 })],
      ['adam amsgrad l2', (ps) => new optim.Adam(ps, { lr: 0.01, weightDecay: 0.1, amsgrad: true })],
      ['adamw', (ps) => new optim.AdamW(ps, { lr: 0.01, betas: [0.8, 0.99] })],
    ];
    /** 5 steps on odd-sized tensors. */
    const run = (name: string, make: Make): number[][] => {
      setBackend(name);
      const g = new Generator(9);
      const sizes = [1, 3, 7, 33];
      const ps = sizes.map((n) => tensor(Float32Array.from({ length: n }, () => g.normal()), { requiresGrad: true }));
      const opt = make(ps);
      for (let s = 0; s < 5; s++) {
        ps.forEach((p, i) => {
          p.grad = tensor(Float32Array.from({ length: sizes[i]! }, () => g.normal()));
        });
        noGrad(() => opt.step());
      }
      return ps.map((p) => [...p.dataSync()]);
    };
    for (const [label, make] of makers) {
      const want = run(reference, make);
      for (const name of candidates) {
        const got = run(name, make);
        want.forEach((w, k) => w.forEach((v, i) => {
          if (!(Math.abs(v - got[k]![i]!) <= 1e-6 * (1 + Math.abs(v)))) assert.fail(`${label} [${name}] param ${k}[${i}]: ${got[k]![i]}, reference ${v}`);
        }));
      }
    }
    setBackend(reference);
  });
}
