// Float64 gradcheck (tape gradients vs central differences) for every differentiable op.
// Shapes are tiny so the full Jacobians stay cheap; inputs stay away from kinks (relu at 0,
// clamp bounds, max ties) where a central difference is not a derivative.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { Generator, gradcheck, type Tensor } from '../../src/index.js';

const gen = new Generator(1234);

/** float64 standard normal, requiring grad. */
const rn = (...shape: number[]): Tensor => D.randn(shape, { dtype: 'float64', generator: gen, requiresGrad: true });
/** float64 uniform in [lo, hi), requiring grad. */
function ru(shape: number[], lo: number, hi: number, requiresGrad = true): Tensor {
  const u = D.rand(shape, { dtype: 'float64', generator: gen });
  const x = D.tensor(u.dataSync().map((v) => lo + (hi - lo) * v), { shape, dtype: 'float64' });
  if (requiresGrad) x.requiresGrad = true;
  return x;
}
/** float64 values with |x| in [0.3, 1.5) and random sign: clear of 0 (relu/abs/div kinks). */
function away(...shape: number[]): Tensor {
  const m = D.rand(shape, { dtype: 'float64', generator: gen }).dataSync();
  const s = D.rand(shape, { dtype: 'float64', generator: gen }).dataSync();
  const x = D.tensor(m.map((v, i) => (0.3 + 1.2 * v) * (s[i]! < 0.5 ? -1 : 1)), { shape, dtype: 'float64' });
  x.requiresGrad = true;
  return x;
}
/** Constant (no grad) float64 tensor. */
const c64 = (data: number[], shape: number[]): Tensor => D.tensor(data, { shape, dtype: 'float64' });
const int = (data: number[], shape: number[] = [data.length]): Tensor => D.tensor(data, { shape, dtype: 'int32' });

function gc(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]): void {
  test(name, () => {
    assert.equal(gradcheck(fn, inputs()), true);
  });
}

// ---- elementwise ------------------------------------------------------------------------------
gc('neg', D.neg, () => [rn(2, 3)]);
gc('exp', D.exp, () => [rn(2, 3)]);
gc('log', D.log, () => [ru([2, 3], 0.2, 3)]);
gc('log1p', D.log1p, () => [ru([2, 3], -0.5, 3)]);
gc('expm1', D.expm1, () => [rn(2, 3)]);
gc('sqrt', D.sqrt, () => [ru([2, 3], 0.2, 3)]);
gc('rsqrt', D.rsqrt, () => [ru([2, 3], 0.2, 3)]);
gc('abs', D.abs, () => [away(2, 3)]);
gc('sin', D.sin, () => [rn(2, 3)]);
gc('cos', D.cos, () => [rn(2, 3)]);
gc('tanh', D.tanh, () => [rn(2, 3)]);
gc('sigmoid', D.sigmoid, () => [rn(2, 3)]);
gc('relu', D.relu, () => [away(2, 3)]);
gc('softplus', (x) => D.softplus(x), () => [rn(2, 3)]);
gc('softplus beta 2 threshold 1', (x) => D.softplus(x, 2, 1), () => [c64([-1, -0.5, 0.3, 0.45, 0.6, 1.2], [2, 3]).requiresGrad_()]);
gc('mm', D.mm, () => [rn(2, 3), rn(3, 4)]);
gc('bmm', D.bmm, () => [rn(2, 2, 3), rn(2, 3, 2)]);
gc('elu', (x) => D.elu(x, 0.7), () => [away(2, 3)]);
gc('leakyRelu', (x) => D.leakyRelu(x, 0.2), () => [away(2, 3)]);
gc('reciprocal', D.reciprocal, () => [away(2, 3)]);
gc('square', D.square, () => [rn(2, 3)]);
gc('clamp', (x) => D.clamp(x, -0.25, 0.25), () => [c64([-1, -0.5, -0.1, 0.05, 0.2, 0.7], [2, 3]).requiresGrad_()]);
gc('clamp min only', (x) => D.clamp(x, 0.1), () => [c64([-1, -0.5, -0.1, 0.05, 0.2, 0.7], [2, 3]).requiresGrad_()]);
gc('powScalar 3', (x) => D.pow(x, 3), () => [rn(2, 3)]);
gc('powScalar -1.5', (x) => D.pow(x, -1.5), () => [ru([2, 3], 0.3, 2)]);
gc('pow tensor^tensor broadcast', D.pow, () => [ru([2, 3], 0.3, 2), rn(3)]);
gc('pow number^tensor', (x) => D.pow(2.5, x), () => [rn(2, 3)]);
gc('add broadcast', (a, b) => D.add(a!, b!), () => [rn(3, 1, 2), rn(4, 1)]);
gc('add alpha', (a, b) => D.add(a!, b!, 0.5), () => [rn(2, 3), rn(3)]);
gc('add scalar', (a) => D.add(a, 1.5), () => [rn(2, 3)]);
gc('sub broadcast', (a, b) => D.sub(a!, b!), () => [rn(2, 3), rn(2, 1)]);
gc('sub number - tensor', (a) => D.sub(2, a), () => [rn(2, 3)]);
gc('mul broadcast', D.mul, () => [rn(2, 1, 3), rn(4, 1)]);
gc('mul 0-d', D.mul, () => [rn(), rn(2, 3)]);
gc('div broadcast', D.div, () => [rn(2, 3), away(3)]);
gc('div number / tensor', (a) => D.div(3, a), () => [away(2, 3)]);
gc('maximum', D.maximum, () => [rn(2, 3), rn(3)]);
gc('minimum', D.minimum, () => [rn(2, 3), rn(2, 1)]);
gc('where broadcast', (a, b) => D.where(int([1, 0, 1], [3, 1]), a!, b!), () => [rn(3, 4), rn(4)]);
gc('where tensor/number', (a) => D.where(int([1, 0, 0, 1], [2, 2]), a, 0.5), () => [rn(2, 2)]);
gc('composite: x*sigmoid(x) + log(1+x^2)', (x) => D.add(D.mul(x, D.sigmoid(x)), D.log1p(D.square(x))), () => [rn(3)]);

// ---- reductions ---------------------------------------------------------------------------------
gc('sum all', (x) => D.sum(x), () => [rn(2, 3, 4)]);
gc('sum dims (0, 2) keepdim', (x) => D.sum(x, [0, 2], true), () => [rn(2, 3, 4)]);
gc('mean dim -1', (x) => D.mean(x, -1), () => [rn(2, 3, 4)]);
gc('variance unbiased dim 1', (x) => D.variance(x, 1), () => [rn(2, 3, 4)]);
gc('variance correction 0 dims (0, 2) keepdim', (x) => D.variance(x, [0, 2], { correction: 0, keepdim: true }), () => [rn(2, 3, 4)]);
gc('std all', (x) => D.std(x), () => [rn(2, 3)]);
gc('std dim 0 biased', (x) => D.std(x, 0, { unbiased: false }), () => [rn(3, 4)]);
gc('prod dim 1', (x) => D.prod(x, 1), () => [away(2, 3, 2)]);
gc('prod all', (x) => D.prod(x), () => [away(2, 3)]);
gc('prod with one zero in a row', (x) => D.prod(x, 1), () => [c64([0.5, 0, 1.2, -0.7, 1.3, 0.9], [2, 3]).requiresGrad_()]);
gc('prod with two zeros in a row', (x) => D.prod(x, 1), () => [c64([0, 0, 1.2, -0.7, 1.3, 0.9], [2, 3]).requiresGrad_()]);
gc('amax dims', (x) => D.amax(x, [0, 2]), () => [rn(2, 3, 4)]);
gc('amin dim keepdim', (x) => D.amin(x, 1, true), () => [rn(2, 3, 4)]);
gc('maxDim values', (x) => D.maxDim(x, 1).values, () => [rn(2, 3, 4)]);
gc('minDim values keepdim', (x) => D.minDim(x, -1, true).values, () => [rn(2, 3, 4)]);
gc('logsumexp dim 1', (x) => D.logsumexp(x, 1), () => [rn(2, 3, 4)]);
gc('logsumexp all', (x) => D.logsumexp(x), () => [rn(2, 3)]);

// ---- movement -----------------------------------------------------------------------------------
// each is followed by a multiply with fixed weights so the Jacobian is not a plain 0/1 pattern
gc('reshape', (x) => D.reshape(x, [3, -1]), () => [rn(2, 3, 2)]);
gc('reshape of a permuted (non-contiguous) view', (x) => D.reshape(D.permute(x, [1, 0]), [-1]), () => [rn(2, 3)]);
gc('view', (x) => D.view(x, [6]), () => [rn(2, 3)]);
gc('flatten / unflatten', (x) => D.unflatten(D.flatten(x, 1), 1, [2, 6]), () => [rn(2, 3, 4)]);
gc('permute', (x) => D.permute(x, [2, 0, 1]), () => [rn(2, 3, 4)]);
gc('transpose', (x) => D.transpose(x, 0, -1), () => [rn(2, 3, 4)]);
gc('squeeze / unsqueeze', (x) => D.unsqueeze(D.squeeze(x, 1), 0), () => [rn(2, 1, 3)]);
gc('expand', (x) => D.mul(D.expand(x, [2, 3, 4]), c64([...Array(24).keys()].map((i) => i / 10), [2, 3, 4])), () => [rn(3, 1)]);
gc('slice with step', (x) => D.slice(x, 1, 1, 7, 2), () => [rn(3, 7)]);
gc('slice negative start', (x) => D.slice(x, -1, -3), () => [rn(2, 5)]);
gc('narrow', (x) => D.narrow(x, 0, 1, 2), () => [rn(4, 3)]);
gc('select', (x) => D.select(x, 1, -1), () => [rn(2, 3, 2)]);
gc('cat dim 1', (a, b, c) => D.cat([a!, b!, c!], 1), () => [rn(2, 1), rn(2, 3), rn(2, 2)]);
gc('cat dim 0 with a constant', (a) => D.cat([a, c64([1, 2], [1, 2])], 0), () => [rn(2, 2)]);
gc('stack dim -1', (a, b) => D.stack([a!, b!], -1), () => [rn(2, 3), rn(2, 3)]);
gc('split', (x) => { const [a, b] = D.split(x, [1, 3], 1); return D.sub(D.sum(a!, 1), D.sum(D.square(b!), 1)); }, () => [rn(2, 4)]);
gc('chunk', (x) => { const [a, b] = D.chunk(x, 2, 0); return D.mul(a!, b!); }, () => [rn(4, 3)]);
gc('flip', (x) => D.flip(x, [0, 2]), () => [rn(2, 3, 2)]);
gc('flip then matmul (negative strides)', (x, w) => D.matmul(D.flip(x, [1]), w!), () => [rn(2, 3), rn(3, 2)]);
gc('pad', (x) => D.pad(x, [1, 2, 0, 1], 0.5), () => [rn(2, 3)]);
gc('pad negative (crop)', (x) => D.pad(x, [-1, 1]), () => [rn(2, 4)]);
gc('gather dim 1 with repeats', (x) => D.gather(x, 1, int([0, 0, 2, 1, 3, 3], [2, 3])), () => [rn(2, 4)]);
gc('gather dim 0 smaller index', (x) => D.gather(x, 0, int([2, 0, 1], [1, 3])), () => [rn(3, 4)]);
gc('indexSelect dim 0 with repeats and negatives', (x) => D.indexSelect(x, 0, int([2, 0, 2, -1])), () => [rn(3, 2)]);
gc('indexSelect dim 1', (x) => D.indexSelect(x, 1, int([1, 1])), () => [rn(2, 3)]);
gc('contiguous of transpose', (x) => D.contiguous(D.transpose(x, 0, 1)), () => [rn(2, 3)]);
gc('clone', D.clone, () => [rn(2, 3)]);

// ---- matmul ---------------------------------------------------------------------------------------
gc('matmul 2d', D.matmul, () => [rn(3, 4), rn(4, 2)]);
gc('matmul batched broadcast (2,1,3,4)@(5,4,2)', D.matmul, () => [rn(2, 1, 3, 2), rn(3, 2, 2)]);
gc('matmul batched (1,3,4)@(2,4,2)', D.matmul, () => [rn(1, 3, 2), rn(2, 2, 3)]);
gc('matmul 3d @ 2d', D.matmul, () => [rn(2, 3, 2), rn(2, 3)]);
gc('matmul vec @ mat', D.matmul, () => [rn(3), rn(3, 2)]);
gc('matmul mat @ vec', D.matmul, () => [rn(2, 3), rn(3)]);
gc('matmul vec @ vec', D.matmul, () => [rn(3), rn(3)]);
gc('matmul batch @ vec', D.matmul, () => [rn(2, 2, 3), rn(3)]);
gc('matmul transposed operand', (a, b) => D.matmul(D.transpose(a!, 0, 1), b!), () => [rn(3, 2), rn(3, 2)]);
gc('linear', (x, w, b) => D.linear(x!, w!, b!), () => [rn(2, 3, 4), rn(2, 4), rn(2)]);
gc('linear no bias, 1-d input', (x, w) => D.linear(x!, w!), () => [rn(3), rn(2, 3)]);

// ---- convolution -------------------------------------------------------------------------------------
gc('conv1d stride 2 pad 1 + bias', (x, w, b) => D.conv1d(x!, w!, b!, { stride: 2, padding: 1 }), () => [rn(2, 2, 7), rn(3, 2, 3), rn(3)]);
gc("conv1d padding 'same' even kernel", (x, w) => D.conv1d(x!, w!, null, { padding: 'same' }), () => [rn(1, 2, 6), rn(2, 2, 4)]);
gc("conv1d 'same' dilation 2 groups 2", (x, w, b) => D.conv1d(x!, w!, b!, { padding: 'same', dilation: 2, groups: 2 }), () => [rn(1, 4, 6), rn(4, 2, 3), rn(4)]);
gc('conv1d depthwise', (x, w) => D.conv1d(x!, w!, null, { groups: 3, padding: 1 }), () => [rn(1, 3, 5), rn(6, 1, 3)]);
gc('conv2d basic + bias', (x, w, b) => D.conv2d(x!, w!, b!), () => [rn(2, 2, 4, 4), rn(3, 2, 3, 2), rn(3)]);
gc('conv2d stride (2,1) padding (1,2)', (x, w) => D.conv2d(x!, w!, null, { stride: [2, 1], padding: [1, 2] }), () => [rn(1, 2, 5, 4), rn(2, 2, 3, 3)]);
gc("conv2d padding 'same' even kernel (2,4)", (x, w, b) => D.conv2d(x!, w!, b!, { padding: 'same' }), () => [rn(1, 2, 4, 5), rn(2, 2, 2, 4), rn(2)]);
gc("conv2d 'same' dilation (1,2) even kernel", (x, w) => D.conv2d(x!, w!, null, { padding: 'same', dilation: [1, 2] }), () => [rn(1, 1, 4, 5), rn(2, 1, 2, 2)]);
gc('conv2d dilation 2 stride 2 pad 1 groups 2', (x, w, b) => D.conv2d(x!, w!, b!, { dilation: 2, stride: 2, padding: 1, groups: 2 }), () => [rn(1, 4, 6, 5), rn(4, 2, 2, 3), rn(4)]);
gc('conv2d on a non-contiguous input', (x, w) => D.conv2d(D.transpose(x!, 2, 3), w!), () => [rn(1, 2, 4, 3), rn(2, 2, 2, 2)]);

// ---- pooling -------------------------------------------------------------------------------------------
gc('maxPool1d k3 s2 p1 ceil', (x) => D.maxPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true }), () => [rn(2, 2, 8)]);
gc('maxPool1d dilation 2', (x) => D.maxPool1d(x, 2, { dilation: 2, stride: 1 }), () => [rn(1, 2, 6)]);
gc('maxPool2d k2', (x) => D.maxPool2d(x, 2), () => [rn(1, 2, 4, 5)]);
gc('maxPool2d k(3,2) s(2,1) p1', (x) => D.maxPool2d(x, [3, 2], { stride: [2, 1], padding: 1 }), () => [rn(1, 1, 5, 4)]);
gc('maxPool2d 3-d input', (x) => D.maxPool2d(x, 2, { stride: 1 }), () => [rn(2, 3, 3)]);
gc('avgPool1d k3 s2 p1 include pad', (x) => D.avgPool1d(x, 3, { stride: 2, padding: 1 }), () => [rn(2, 2, 7)]);
gc('avgPool1d k3 s2 p1 ceil exclude pad', (x) => D.avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), () => [rn(1, 2, 8)]);
gc('avgPool2d k2', (x) => D.avgPool2d(x, 2), () => [rn(1, 2, 4, 5)]);
gc('avgPool2d k3 s2 p1 ceil include pad', (x) => D.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), () => [rn(1, 1, 6, 6)]);
gc('adaptiveAvgPool1d 7 -> 3', (x) => D.adaptiveAvgPool1d(x, 3), () => [rn(2, 2, 7)]);
gc('adaptiveAvgPool1d 3 -> 5 (upsampling)', (x) => D.adaptiveAvgPool1d(x, 5), () => [rn(1, 2, 3)]);
gc('adaptiveAvgPool2d (5,6) -> (2,4)', (x) => D.adaptiveAvgPool2d(x, [2, 4]), () => [rn(1, 2, 5, 6)]);

// ---- softmax, normalisation, dropout ---------------------------------------------------------------------
gc('softmax dim 1', (x) => D.softmax(x, 1), () => [rn(2, 3, 2)]);
gc('softmax dim -1', (x) => D.softmax(x, -1), () => [rn(3, 4)]);
gc('logSoftmax dim 0', (x) => D.logSoftmax(x, 0), () => [rn(3, 4)]);
gc('logSoftmax dim 1 of 3-d', (x) => D.logSoftmax(x, 1), () => [rn(2, 3, 2)]);
gc('batchNorm train 2-d with affine', (x, w, b) => D.batchNorm(x!, null, null, w!, b!, { training: true }), () => [rn(4, 3), ru([3], 0.5, 1.5), rn(3)]);
gc('batchNorm train 4-d with running stats', (x, w, b) => D.batchNorm(x!, c64([0, 0], [2]), c64([1, 1], [2]), w!, b!, { training: true, momentum: 0.1 }), () => [rn(2, 2, 2, 3), ru([2], 0.5, 1.5), rn(2)]);
gc('batchNorm eval 3-d', (x, w, b) => D.batchNorm(x!, c64([0.1, -0.2], [2]), c64([0.8, 1.3], [2]), w!, b!, { training: false }), () => [rn(2, 2, 3), ru([2], 0.5, 1.5), rn(2)]);
gc('layerNorm last dim', (x, w, b) => D.layerNorm(x!, [4], w!, b!), () => [rn(2, 3, 4), ru([4], 0.5, 1.5), rn(4)]);
gc('layerNorm last two dims, no affine', (x) => D.layerNorm(x, [2, 3]), () => [rn(2, 2, 3)]);
gc('dropout p=0.5 (fixed mask)', (x) => D.dropout(x, 0.5, true, new Generator(7)), () => [rn(3, 4)]);

// ---- losses -------------------------------------------------------------------------------------------------
const tgt = int([0, 2, 1, 2, 3]);
const tgtIgn = int([0, -100, 1, 2, 3]);
const cw = (): Tensor => c64([0.5, 1.5, 1, 2], [4]);
gc('crossEntropy mean', (x) => D.crossEntropy(x, tgt), () => [rn(5, 4)]);
gc('crossEntropy sum', (x) => D.crossEntropy(x, tgt, { reduction: 'sum' }), () => [rn(5, 4)]);
gc('crossEntropy none', (x) => D.crossEntropy(x, tgt, { reduction: 'none' }), () => [rn(5, 4)]);
gc('crossEntropy weight + ignoreIndex + labelSmoothing', (x) => D.crossEntropy(x, int([0, 2, 1, 2, 3]), { weight: cw(), ignoreIndex: 2, labelSmoothing: 0.2 }), () => [rn(5, 4)]);
gc('crossEntropy ignore default -100 + labelSmoothing none', (x) => D.crossEntropy(x, tgtIgn, { labelSmoothing: 0.1, reduction: 'none' }), () => [rn(5, 4)]);
gc('crossEntropy 4-d (N,C,H,W)', (x) => D.crossEntropy(x, int([0, 2, 1, 1, 0, 2, 2, 1], [2, 2, 2])), () => [rn(2, 3, 2, 2)]);
gc('crossEntropy probability targets (grad to both)', (x, p) => D.crossEntropy(x!, D.softmax(p!, 1), { labelSmoothing: 0.1 }), () => [rn(3, 4), rn(3, 4)]);
gc('crossEntropy unbatched', (x) => D.crossEntropy(x, D.tensor(2, { dtype: 'int32' })), () => [rn(4)]);
gc('nllLoss weight mean', (x) => D.nllLoss(x, tgt, { weight: cw() }), () => [rn(5, 4)]);
gc('nllLoss ignoreIndex sum', (x) => D.nllLoss(x, tgt, { ignoreIndex: 2, reduction: 'sum' }), () => [rn(5, 4)]);
gc('mseLoss (input and target)', (x, y) => D.mseLoss(x!, y!), () => [rn(3, 4), rn(3, 4)]);
gc('mseLoss none', (x, y) => D.mseLoss(x!, y!, { reduction: 'none' }), () => [rn(2, 3), rn(2, 3)]);
gc('l1Loss (input and target)', (x, y) => D.l1Loss(x!, y!, { reduction: 'sum' }), () => [rn(3, 4), rn(3, 4)]);
const bceTarget = ru([3, 4], 0, 1, false);
const bceWeight = ru([3, 4], 0.2, 2, false);
gc('binaryCrossEntropyWithLogits', (x) => D.binaryCrossEntropyWithLogits(x, bceTarget), () => [rn(3, 4)]);
gc('binaryCrossEntropyWithLogits posWeight + weight', (x) => D.binaryCrossEntropyWithLogits(x, bceTarget, { posWeight: c64([0.5, 1, 2, 3], [4]), weight: bceWeight, reduction: 'sum' }), () => [rn(3, 4)]);
gc('binaryCrossEntropyWithLogits grad to target', (x, y) => D.binaryCrossEntropyWithLogits(x!, y!, { reduction: 'none' }), () => [rn(2, 3), ru([2, 3], 0, 1)]);
gc('poissonNllLoss log input', (x) => D.poissonNllLoss(x, c64([0, 1, 2, 5, 3, 0], [2, 3])), () => [rn(2, 3)]);
gc('poissonNllLoss rate input, full', (x) => D.poissonNllLoss(x, c64([0, 1, 2, 5, 3, 0], [2, 3]), { logInput: false, full: true, reduction: 'none' }), () => [ru([2, 3], 0.3, 4)]);
