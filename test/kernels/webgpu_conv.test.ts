// Convolution on webgpu (implicit GEMM: windows gathered as they are multiplied) against the JS
// reference backend: outputs and the input, weight and bias gradients of conv2d, conv2dRelu,
// conv1d and convTranspose2d over a grid of shapes — LeNet's two layers, ShallowFBCSPNet's
// temporal, spatial, combined and classifier convs, stride, asymmetric padding, 'same',
// dilation, groups, depthwise, one output row or column (EEGNet's spatial conv, a kernel over
// the whole image: taps folded into rows; not where 'same' hangs a 2-tap kernel past a 1-wide
// axis, whose folded store would write into the next plane), batch 1, sizes that straddle the
// 16/32/64-row and 16..128-column tiles and the 16-deep K slices, a weight gradient split over
// many partial sums. Each value
// must lie within float32 rounding of the reference: |got − want| ≤ TOL · Σ|terms|, the sum of
// magnitudes of the products it adds (the same convolution over |x|, |w|, |dy| on the
// reference). And no column buffer: im2col, col2im and the ReLU pass are never called on webgpu.
// Runs on Mesa's lavapipe where there is no GPU (see webgpu_env.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, setBackend } from '../../src/kernels/index.js';
import { conv1d, conv2d, conv2dRelu, convTranspose2d, full, Generator, mul, sum, tensor, tidy, type Conv2dOptions, type Tensor } from '../../src/index.js';
import type { ConvTransposeOptions } from '../../src/ops/conv_transpose.js';
import { skipWithoutGpu, onWebGpu } from './webgpu_env.js';

// observed worst |got − want| / Σ|terms| on lavapipe: 2.8e-7 (2.4·2^-23), over every case below
const TOL = 4 * 2 ** -23;

interface Case {
  name: string;
  x: number[];
  w: number[];
  opts?: Conv2dOptions;
  bias?: boolean;
  relu?: boolean;
  /** The network's input: no input gradient (as in training; keeps lavapipe's time down). */
  first?: boolean;
  conv1d?: { stride?: number; padding?: number; dilation?: number; groups?: number };
  /** convTranspose2d (w: (C_in, C_out/groups, kh, kw)): its forward and weight gradient are the kernels' adjoint passes. */
  transpose?: ConvTransposeOptions;
}

const CASES: Case[] = [
  { name: 'LeNet conv1 (1→6, 5×5, pad 2) + ReLU', x: [3, 1, 28, 28], w: [6, 1, 5, 5], opts: { padding: 2 }, relu: true },
  { name: 'LeNet conv2 (6→16, 5×5) + ReLU', x: [3, 6, 14, 14], w: [16, 6, 5, 5], relu: true },
  { name: 'ShallowFBCSPNet temporal conv (25, 1) over (1125, 22)', x: [2, 1, 1125, 22], w: [40, 1, 25, 1], first: true },
  { name: 'temporal conv (1, 25) over (22, 1125)', x: [1, 1, 22, 1125], w: [40, 1, 1, 25] },
  { name: 'ShallowFBCSPNet spatial conv (1, 22), no bias', x: [1, 40, 1101, 22], w: [40, 40, 1, 22], bias: false },
  { name: 'ShallowFBCSPNet combined conv (25, 22)', x: [2, 1, 1125, 22], w: [40, 1, 25, 22], first: true },
  { name: 'classifier over the whole image (69, 1)', x: [3, 40, 69, 1], w: [4, 40, 69, 1] },
  { name: 'stride 2, padding 1', x: [2, 3, 17, 19], w: [5, 3, 3, 3], opts: { stride: 2, padding: 1 } },
  { name: 'stride (3, 2), kernel larger than the stride', x: [2, 2, 16, 15], w: [3, 2, 5, 4], opts: { stride: [3, 2] } },
  { name: 'asymmetric padding (2, 1), 3×5 kernel', x: [1, 4, 9, 11], w: [7, 4, 3, 5], opts: { padding: [2, 1] } },
  { name: "'same' with an even kernel (extra pad bottom/right)", x: [2, 3, 10, 7], w: [4, 3, 4, 2], opts: { padding: 'same' } },
  { name: 'dilation 2, padding 2', x: [2, 3, 13, 12], w: [4, 3, 3, 3], opts: { dilation: 2, padding: 2 } },
  { name: 'groups 2, stride (1, 2)', x: [2, 4, 10, 9], w: [6, 2, 3, 3], opts: { groups: 2, stride: [1, 2], padding: 1 }, relu: true },
  { name: 'groups 3, stride 2, dilation (2, 1)', x: [2, 6, 15, 14], w: [9, 2, 3, 3], opts: { groups: 3, stride: 2, dilation: [2, 1], padding: [2, 1] } },
  { name: 'depthwise (groups = channels)', x: [2, 5, 12, 13], w: [5, 1, 3, 3], opts: { groups: 5, padding: 1 } },
  { name: 'batch 1, 67 outputs and 37×41 positions straddling tiles', x: [1, 5, 37, 41], w: [67, 5, 3, 3] },
  { name: 'batch 1, 33 outputs, K = 17·9 (slices straddle channels)', x: [1, 17, 19, 23], w: [33, 17, 3, 3], opts: { padding: 1 } },
  { name: 'a 1×1 convolution', x: [3, 8, 7, 9], w: [12, 8, 1, 1] },
  { name: 'EEGNet depthwise spatial conv (22, 1), groups 8 (one output row)', x: [2, 8, 22, 50], w: [16, 1, 22, 1], opts: { groups: 8 } },
  { name: 'a 5×6 kernel over the whole 5×6 image (one output position)', x: [3, 4, 5, 6], w: [7, 4, 5, 6] },
  { name: 'one output row, rows past the kernel (stride 3)', x: [2, 3, 9, 5], w: [4, 3, 7, 2], opts: { stride: [3, 1] } },
  { name: 'one output row, dilated taps (2, 1) and one output column', x: [2, 2, 7, 6], w: [3, 2, 4, 6], opts: { dilation: [2, 1] } },
  { name: 'one output column from 3 taps dilated by 2 over 5 columns', x: [2, 3, 6, 5], w: [4, 3, 2, 3], opts: { dilation: 2 } },
  { name: 'one output row with padding (1, 0) around 5 rows', x: [2, 3, 5, 8], w: [4, 3, 7, 3], opts: { padding: [1, 0] } },
  { name: "'same', one input row under a 2-row kernel (no fold: the kernel overhangs the image)", x: [2, 3, 1, 6], w: [4, 3, 2, 3], opts: { padding: 'same' } },
  { name: "'same', one input column under a 2-column kernel (no fold)", x: [2, 3, 6, 1], w: [4, 3, 3, 2], opts: { padding: 'same' } },
  { name: "'same', a 1×1 image under a 2×2 kernel (no fold on either axis)", x: [2, 3, 1, 1], w: [4, 3, 2, 2], opts: { padding: 'same' } },
  { name: 'no images (N = 0): empty output, zero weight gradient', x: [0, 3, 6, 6], w: [4, 3, 3, 3], opts: { padding: 1 } },
  { name: 'conv1d: stride 3, padding 2, dilation 2', x: [2, 3, 50], w: [4, 3, 7], conv1d: { stride: 3, padding: 2, dilation: 2 } },
  { name: 'conv1d: groups 2', x: [3, 4, 29], w: [6, 2, 5], conv1d: { groups: 2, padding: 2 } },
  { name: 'convTranspose2d: stride 2, padding 1, output padding 1', x: [2, 6, 7, 8], w: [6, 4, 3, 3], transpose: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: 'convTranspose2d: groups 2, dilation 2, stride (1, 3)', x: [2, 4, 5, 6], w: [4, 3, 3, 2], transpose: { groups: 2, dilation: 2, stride: [1, 3] } },
];

const gen = new Generator(23);
const rand = (n: number) => Float32Array.from({ length: n }, () => gen.random() * 2 - 1);
const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function convOf(c: Case, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  if (c.transpose) return convTranspose2d(x, w, b, c.transpose);
  if (c.conv1d) return conv1d(x, w, b, c.conv1d);
  return c.relu ? conv2dRelu(x, w, b, c.opts) : conv2d(x, w, b, c.opts);
}

/** y and the gradients of Σ y·gy on the active backend; with `mag`, the Σ|terms| bounds instead. */
async function run(c: Case, xv: Float32Array, wv: Float32Array, bv: Float32Array | null, gv: (shape: readonly number[]) => Float32Array, mag: boolean): Promise<Float32Array[]> {
  const m = (v: Float32Array) => (mag ? v.map(Math.abs) : v);
  // blocks freed with NaN in them, which the next tensors of these sizes reuse: an output element
  // a kernel fails to write shows up (fresh device memory would read as 0)
  for (const t of [c.x, c.x, c.x, c.w, c.w].map((sh) => full(sh, NaN))) t.dispose();
  const x = tensor(m(xv), { shape: c.x, requiresGrad: !c.first });
  const w = tensor(m(wv), { shape: c.w, requiresGrad: true });
  const b = bv ? tensor(m(bv), { shape: [bv.length], requiresGrad: true }) : null;
  // the bound ignores the ReLU: it clips, never adds terms
  const y = tidy(() => {
    const out = mag && c.relu && !c.conv1d ? conv2d(x, w, b, c.opts) : convOf(c, x, w, b);
    const gy = tensor(m(gv(out.shape)), { shape: [...out.shape] });
    sum(mul(out, gy)).backward();
    return out;
  });
  const outs = [y, ...(c.first ? [] : [x.grad!]), w.grad!, ...(b ? [b.grad!] : [])];
  const vals = [];
  for (const t of outs) vals.push(Float32Array.from(await t.data()));
  for (const t of [y, x, w, ...(b ? [b] : [])]) t.dispose();
  return vals;
}

for (const c of CASES) {
  test(`webgpu conv: ${c.name}: output and gradients match the reference`, { timeout: 60_000 }, async (t) => {
    if (await skipWithoutGpu(t)) return;
    const xv = rand(numel(c.x));
    const wv = rand(numel(c.w));
    const bv = c.bias === false ? null : rand(c.transpose ? c.w[1]! * (c.transpose.groups ?? 1) : c.w[0]!);
    let gvals: Float32Array | null = null;
    const gv = (shape: readonly number[]) => (gvals ??= rand(numel(shape)));
    setBackend('js');
    const want = await run(c, xv, wv, bv, gv, false);
    const bound = await run(c, xv, wv, bv, gv, true);
    // no columns: every window is gathered inside the kernels; the ReLU is fused
    const be = await onWebGpu(() => backend());
    const calls: string[] = [];
    const spied = ['im2col', 'col2im', 'unary'] as const;
    const saved = spied.map((k) => be[k]);
    spied.forEach((k, i) => ((be as unknown as Record<string, unknown>)[k] = (...a: unknown[]) => {
      calls.push(k);
      return (saved[i] as (...a: unknown[]) => unknown)(...a);
    }));
    let got: Float32Array[];
    try {
      got = await onWebGpu(() => run(c, xv, wv, bv, gv, false));
    } finally {
      spied.forEach((k, i) => ((be as unknown as Record<string, unknown>)[k] = saved[i]));
    }
    assert.deepEqual(calls, [], `${c.name}: webgpu called ${calls.join(', ')}`);
    const names = ['y', ...(c.first ? [] : ['dx']), 'dw', 'db'];
    for (let k = 0; k < want.length; k++) {
      const a = want[k]!, g = got[k]!, s = bound[k]!;
      assert.equal(g.length, a.length, `${names[k]} length`);
      for (let i = 0; i < a.length; i++) {
        if (!(Math.abs(g[i]! - a[i]!) <= TOL * s[i]!)) {
          assert.fail(`${c.name}: ${names[k]}[${i}] webgpu ${g[i]}, reference ${a[i]} (Σ|terms| ${s[i]})`);
        }
      }
    }
    if (c.relu) assert.ok(want[0]!.some((v) => v === 0) && want[0]!.some((v) => v > 0), 'the ReLU clipped some outputs');
  });
}

test('webgpu conv: a NaN in the input spreads only to the outputs whose windows hold it', async (t) => {
  if (await skipWithoutGpu(t)) return;
  const xv = rand(2 * 3 * 9 * 9);
  xv[1 * 243 + 2 * 81 + 4 * 9 + 4] = NaN; // image 1, channel 2, (4, 4)
  const wv = rand(4 * 3 * 3 * 3);
  const y = await onWebGpu(async () => {
    const x = tensor(xv, { shape: [2, 3, 9, 9] });
    const w = tensor(wv, { shape: [4, 3, 3, 3] });
    const out = conv2d(x, w, null, { stride: 2 });
    const v = await out.data();
    for (const u of [x, w, out]) u.dispose();
    return v;
  });
  // 4×4 outputs: stride-2 windows covering (4, 4) are those at (1..2, 1..2) of image 1
  for (let n = 0; n < 2; n++) for (let o = 0; o < 4; o++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    const hit = n === 1 && i >= 1 && i <= 2 && j >= 1 && j <= 2;
    assert.equal(Number.isNaN(y[((n * 4 + o) * 4 + i) * 4 + j]!), hit, `y[${n}, ${o}, ${i}, ${j}]`);
  }
});
