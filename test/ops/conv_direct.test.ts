// conv2d over one input channel with a kernel spanning the full width (EEG temporal/spatial
// convs over (B, 1, T, C)) reads its im2col columns in place. It must equal the same
// convolution written with the width as channels, which takes the im2col path.
// Stride-1 convolutions with few taps (C·kh·kw ≤ 64) sum windows directly (Backend.convDirect);
// they must equal the im2col path, reached by padding the channels with zeros past 64 taps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randn, conv2d, permute, manualSeed, gradcheck, cat, zeros } from '../../src/index.js';

function close(a: ArrayLike<number>, b: ArrayLike<number>, label: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= 1e-4 * (1 + Math.abs(b[i]!)))) assert.fail(`${label}[${i}]: ${a[i]} vs ${b[i]}`);
}

for (const [N, H, W, O, kh, sh] of [[3, 40, 7, 5, 6, 1], [2, 33, 4, 3, 5, 2], [1, 9, 1, 2, 9, 1]] as const) {
  test(`direct-column conv2d (N=${N}, H=${H}, W=${W}, kh=${kh}, stride ${sh}) equals the im2col path, values and gradients`, () => {
    manualSeed(N * 100 + H);
    const x = randn([N, 1, H, W], { requiresGrad: true });
    const w = randn([O, 1, kh, W], { requiresGrad: true });
    const b = randn([O], { requiresGrad: true });
    const up = randn([N, O, Math.floor((H - kh) / sh) + 1, 1]);
    const y = conv2d(x, w, b, { stride: [sh, 1] });
    y.backward(up);
    // width as channels: (N, W, H, 1) with weight (O, W, kh, 1)
    const x2 = permute(x.detach(), [0, 3, 2, 1]).contiguous().requiresGrad_();
    const w2 = permute(w.detach(), [0, 3, 2, 1]).contiguous().requiresGrad_();
    const b2 = b.detach().clone().requiresGrad_();
    const y2 = conv2d(x2, w2, b2, { stride: [sh, 1] });
    y2.backward(up);
    close(y.dataSync(), y2.dataSync(), 'output');
    close(x.grad!.dataSync(), permute(x2.grad!, [0, 3, 2, 1]).contiguous().dataSync(), 'input grad');
    close(w.grad!.dataSync(), permute(w2.grad!, [0, 3, 2, 1]).contiguous().dataSync(), 'weight grad');
    close(b.grad!.dataSync(), b2.grad!.dataSync(), 'bias grad');
  });
}

test('direct-column conv2d passes gradcheck in float64', () => {
  const x = randn([2, 1, 8, 3], { dtype: 'float64', requiresGrad: true });
  const w = randn([2, 1, 3, 3], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((a, c) => conv2d(a!, c!, null, { stride: [2, 1] }), [x, w]));
});

test('(k, 1) convolutions over one-column images equal the (1, k) convolution of the same data', () => {
  manualSeed(5);
  // (N, C, H, 1) with a (k, 1) kernel, stride/padding/dilation along H, vs the transposed layout
  const x = randn([2, 3, 23, 1], { requiresGrad: true });
  const w = randn([4, 3, 5, 1], { requiresGrad: true });
  const up = randn([2, 4, 12, 1]);
  const y = conv2d(x, w, null, { stride: [2, 1], padding: [2, 0], dilation: [1, 1] });
  y.backward(up);
  const xt = x.detach().reshape(2, 3, 1, 23).requiresGrad_();
  const wt = w.detach().reshape(4, 3, 1, 5).requiresGrad_();
  const yt = conv2d(xt, wt, null, { stride: [1, 2], padding: [0, 2] });
  yt.backward(up.reshape(2, 4, 1, 12));
  close(y.dataSync(), yt.dataSync(), 'output');
  close(x.grad!.dataSync(), xt.grad!.dataSync(), 'input grad');
  close(w.grad!.dataSync(), wt.grad!.dataSync(), 'weight grad');
});

for (const [N, C, H, W, O, kh, kw, pad] of [
  [10, 1, 28, 28, 6, 5, 5, [2, 2]], // LeNet's first layer, more images than one gradient chunk
  [3, 2, 9, 13, 7, 3, 5, [1, 2]],
  [2, 1, 1, 50, 8, 1, 12, [0, 6]], // a (1, k) temporal kernel with kx past one 5-tap block
  [2, 1, 40, 1, 5, 9, 1, [4, 0]], // a (k, 1) kernel down a one-column image
  [17, 3, 6, 7, 13, 2, 3, [0, 0]],
] as const) {
  test(`direct conv2d (N=${N}, C=${C}, ${H}×${W}, O=${O}, ${kh}×${kw}, pad ${pad}) equals the im2col path, values and gradients`, () => {
    manualSeed(N * 31 + O);
    const x = randn([N, C, H, W], { requiresGrad: true });
    const w = randn([O, C, kh, kw], { requiresGrad: true });
    const b = randn([O], { requiresGrad: true });
    const y = conv2d(x, w, b, { padding: pad });
    const up = randn([...y.shape]);
    y.backward(up);
    // zero channels up to more than 64 taps: same convolution, im2col path
    const extra = Math.ceil(65 / (kh * kw));
    const x2 = cat([x.detach(), zeros([N, extra, H, W])], 1).requiresGrad_();
    const w2 = cat([w.detach(), zeros([O, extra, kh, kw])], 1).requiresGrad_();
    const b2 = b.detach().clone().requiresGrad_();
    const y2 = conv2d(x2, w2, b2, { padding: pad });
    y2.backward(up);
    close(y.dataSync(), y2.dataSync(), 'output');
    close(x.grad!.dataSync(), x2.grad!.narrow(1, 0, C).contiguous().dataSync(), 'input grad');
    close(w.grad!.dataSync(), w2.grad!.narrow(1, 0, C).contiguous().dataSync(), 'weight grad');
    close(b.grad!.dataSync(), b2.grad!.dataSync(), 'bias grad');
  });
}

test("direct conv2d with padding 'same' and an even kernel (asymmetric padding) equals the im2col path", () => {
  manualSeed(9);
  const x = randn([2, 1, 5, 33]);
  const w = randn([3, 1, 2, 8]);
  const y = conv2d(x, w, null, { padding: 'same' });
  const y2 = conv2d(cat([x, zeros([2, 5, 5, 33])], 1), cat([w, zeros([3, 5, 2, 8])], 1), null, { padding: 'same' });
  assert.deepEqual(y.shape, [2, 3, 5, 33]);
  close(y.dataSync(), y2.dataSync(), 'output');
});

test('direct conv2d passes gradcheck in float64', () => {
  const x = randn([2, 2, 5, 6], { dtype: 'float64', requiresGrad: true });
  const w = randn([3, 2, 3, 2], { dtype: 'float64', requiresGrad: true });
  const b = randn([3], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((a, c, d) => conv2d(a!, c!, d!, { padding: [1, 1] }), [x, w, b]));
});

test('batch-folded conv2d in several image chunks equals the one-image path, values and gradients', () => {
  // K·L = 72 · 128² > 2^20 floats of columns per image: every image is its own chunk
  manualSeed(21);
  const N = 3;
  const x = randn([N, 8, 130, 130], { requiresGrad: true });
  const w = randn([5, 8, 3, 3], { requiresGrad: true });
  const b = randn([5], { requiresGrad: true });
  const y = conv2d(x, w, b);
  const up = randn([...y.shape]);
  y.backward(up);
  const w1 = w.detach().clone().requiresGrad_();
  const b1 = b.detach().clone().requiresGrad_();
  for (let n = 0; n < N; n++) {
    const xn = x.detach().narrow(0, n, 1).contiguous().requiresGrad_();
    const yn = conv2d(xn, w1, b1);
    yn.backward(up.narrow(0, n, 1).contiguous());
    close(y.narrow(0, n, 1).contiguous().dataSync(), yn.dataSync(), `output ${n}`);
    close(x.grad!.narrow(0, n, 1).contiguous().dataSync(), xn.grad!.dataSync(), `input grad ${n}`);
  }
  // weight and bias gradients sum 3·128² float32 terms per element in another order: compare on
  // the scale of the gradient, not of each element
  for (const [got, want, label] of [[w.grad!, w1.grad!, 'weight grad'], [b.grad!, b1.grad!, 'bias grad']] as const) {
    const g = got.dataSync();
    const h = want.dataSync();
    const scale = Math.max(...Array.from(h, Math.abs));
    for (let i = 0; i < h.length; i++) if (!(Math.abs(g[i]! - h[i]!) <= 1e-5 * scale)) assert.fail(`${label}[${i}]: ${g[i]} vs ${h[i]} (scale ${scale})`);
  }
});

// A kernel covering the whole image (conv classifiers) reads each image in place as one column;
// it must equal the im2col path, reached by padding the image by one row that the stride skips.
for (const [N, C, H, W, O] of [[1, 40, 69, 1, 4], [5, 3, 4, 6, 7], [2, 1, 1, 1, 3]] as const) {
  test(`whole-image conv2d (N=${N}, C=${C}, ${H}×${W}, O=${O}) equals the im2col path, values and gradients`, () => {
    manualSeed(N * 10 + C);
    const x = randn([N, C, H, W], { requiresGrad: true });
    const w = randn([O, C, H, W], { requiresGrad: true });
    const b = randn([O], { requiresGrad: true });
    const up = randn([N, O, 1, 1]);
    const y = conv2d(x, w, b);
    y.backward(up);
    // padded with a zero row at the bottom, stride H + 1: one window, the same taps
    const x2 = cat([x.detach(), zeros([N, C, 1, W])], 2).requiresGrad_();
    const w2 = w.detach().clone().requiresGrad_();
    const b2 = b.detach().clone().requiresGrad_();
    const y2 = conv2d(x2, w2, b2, { stride: [H + 1, 1] });
    y2.backward(up);
    close(y.dataSync(), y2.dataSync(), 'output');
    close(x.grad!.dataSync(), x2.grad!.narrow(2, 0, H).contiguous().dataSync(), 'input grad');
    close(w.grad!.dataSync(), w2.grad!.dataSync(), 'weight grad');
    close(b.grad!.dataSync(), b2.grad!.dataSync(), 'bias grad');
  });
}

test('whole-image conv2d passes gradcheck in float64', () => {
  const x = randn([3, 2, 3, 2], { dtype: 'float64', requiresGrad: true });
  const w = randn([4, 2, 3, 2], { dtype: 'float64', requiresGrad: true });
  const b = randn([4], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((a, c, d) => conv2d(a!, c!, d!), [x, w, b]));
});
