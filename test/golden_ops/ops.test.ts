// Golden tests against PyTorch for test/golden/ops.json: one test per fixture case.
// The table maps each PyTorch op name (and its keyword arguments) to a dendrite call;
// an op missing from the table fails its cases; ops dendrite deliberately lacks are listed as
// { unsupported: reason } and kwargs it lacks are skipped with the reason.

import { test } from 'node:test';
import * as D from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { goldenBackends, onBackend, bool, dims, loadFixture, num, nums, opts, pair, runCase, str, type Kwargs, type OpCase, type OpFn, type OpTable, type TolClass } from './helpers.js';

const ew = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'elementwise' });
const red = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'reduction' });
const mov = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'exact' });
const mm = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'matmul' });

const unary = (f: (x: Tensor) => Tensor) => ew(([x]) => f(x!));
const binary = (f: (a: Tensor, b: Tensor) => Tensor) => ew(([a, b]) => f(a!, b!));
const reduceOp = (f: (x: Tensor, d: number | number[] | null, keepdim: boolean) => Tensor) =>
  red(([x], kw) => f(x!, dims(kw, 'dim'), bool(kw, 'keepdim') ?? false));

function varOpts(kw: Kwargs): D.VarOptions {
  return opts<D.VarOptions>({ correction: num(kw, 'correction'), unbiased: bool(kw, 'unbiased'), keepdim: bool(kw, 'keepdim') });
}

/** conv padding: an int, a pair, 'same' or 'valid'. */
function convPadding(kw: Kwargs): D.Padding2d | undefined {
  const s = typeof kw['padding'] === 'string' ? str(kw, 'padding') : undefined;
  if (s === 'same' || s === 'valid') return s;
  return pair(kw, 'padding');
}

function conv1dPadding(kw: Kwargs): number | 'same' | 'valid' | undefined {
  const p = kw['padding'];
  if (p === 'same' || p === 'valid') return p;
  return num(kw, 'padding');
}

function poolOpts2d(kw: Kwargs): D.AvgPool2dOptions {
  return opts<D.AvgPool2dOptions>({
    stride: pair(kw, 'stride'),
    padding: pair(kw, 'padding'),
    dilation: pair(kw, 'dilation'),
    ceilMode: bool(kw, 'ceil_mode'),
    countIncludePad: bool(kw, 'count_include_pad'),
    divisorOverride: num(kw, 'divisor_override'),
  });
}

function poolOpts1d(kw: Kwargs): D.Pool1dOptions {
  return opts<D.Pool1dOptions>({
    stride: num(kw, 'stride'),
    padding: num(kw, 'padding'),
    dilation: num(kw, 'dilation'),
    ceilMode: bool(kw, 'ceil_mode'),
    countIncludePad: bool(kw, 'count_include_pad'),
  });
}

const OPS: OpTable = {
  // ---- elementwise
  neg: unary(D.neg),
  exp: unary(D.exp),
  sin: unary(D.sin),
  cos: unary(D.cos),
  tanh: unary(D.tanh),
  sigmoid: unary(D.sigmoid),
  relu: unary(D.relu),
  abs: unary(D.abs),
  square: unary(D.square),
  log: unary(D.log),
  sqrt: unary(D.sqrt),
  rsqrt: unary(D.rsqrt),
  reciprocal: unary(D.reciprocal),
  elu: ew(([x], kw) => D.elu(x!, num(kw, 'alpha') ?? 1)),
  leaky_relu: ew(([x], kw) => D.leakyRelu(x!, num(kw, 'negative_slope') ?? 0.01)),
  softplus: ew(([x], kw) => D.softplus(x!, num(kw, 'beta') ?? 1, num(kw, 'threshold') ?? 20)),
  clamp: ew(([x], kw) => D.clamp(x!, num(kw, 'min') ?? null, num(kw, 'max') ?? null)),
  pow: ew(([x, e], kw) => D.pow(x!, e ?? num(kw, 'exponent')!)),
  add: binary(D.add),
  sub: binary(D.sub),
  mul: binary(D.mul),
  div: binary(D.div),
  maximum: binary(D.maximum),
  minimum: binary(D.minimum),
  where: ew(([c, a, b]) => D.where(c!, a!, b!)),

  // ---- reductions
  sum: reduceOp(D.sum),
  mean: reduceOp(D.mean),
  amax: reduceOp(D.amax),
  amin: reduceOp(D.amin),
  logsumexp: reduceOp(D.logsumexp),
  prod: reduceOp(D.prod),
  var: red(([x], kw) => D.variance(x!, dims(kw, 'dim'), varOpts(kw))),
  std: red(([x], kw) => D.std(x!, dims(kw, 'dim'), varOpts(kw))),
  max: red(([x], kw) => {
    const d = num(kw, 'dim');
    return d === undefined ? D.amax(x!) : D.maxDim(x!, d, bool(kw, 'keepdim') ?? false);
  }),
  min: red(([x], kw) => {
    const d = num(kw, 'dim');
    return d === undefined ? D.amin(x!) : D.minDim(x!, d, bool(kw, 'keepdim') ?? false);
  }),
  argmax: mov(([x], kw) => D.argmax(x!, num(kw, 'dim') ?? null, bool(kw, 'keepdim') ?? false)),
  argmin: mov(([x], kw) => D.argmin(x!, num(kw, 'dim') ?? null, bool(kw, 'keepdim') ?? false)),

  // ---- movement
  reshape: mov(([x], kw) => D.reshape(x!, nums(kw, 'shape')!)),
  permute: mov(([x], kw) => D.permute(x!, nums(kw, 'dims')!)),
  transpose: mov(([x], kw) => D.transpose(x!, num(kw, 'dim0')!, num(kw, 'dim1')!)),
  squeeze: mov(([x], kw) => D.squeeze(x!, num(kw, 'dim'))),
  unsqueeze: mov(([x], kw) => D.unsqueeze(x!, num(kw, 'dim')!)),
  // the gradient of expand sums over the broadcast dims
  expand: red(([x], kw) => D.expand(x!, nums(kw, 'size')!)),
  flatten: mov(([x], kw) => D.flatten(x!, num(kw, 'start_dim') ?? 0, num(kw, 'end_dim') ?? -1)),
  cat: mov((xs, kw) => D.cat(xs, num(kw, 'dim') ?? 0)),
  stack: mov((xs, kw) => D.stack(xs, num(kw, 'dim') ?? 0)),
  slice: mov(([x], kw) => D.slice(x!, num(kw, 'dim')!, num(kw, 'start'), num(kw, 'end'), num(kw, 'step'))),
  narrow: mov(([x], kw) => D.narrow(x!, num(kw, 'dim')!, num(kw, 'start')!, num(kw, 'length')!)),
  index_select: mov(([x, i], kw) => D.indexSelect(x!, num(kw, 'dim')!, i!)),
  // the gradient scatter-adds duplicate indices, so it is a (tiny) sum
  gather: red(([x, i], kw) => D.gather(x!, num(kw, 'dim')!, i!)),
  flip: mov(([x], kw) => D.flip(x!, nums(kw, 'dims')!)),

  // ---- matmul, conv
  matmul: mm(([a, b]) => D.matmul(a!, b!)),
  mm: mm(([a, b]) => D.mm(a!, b!)),
  bmm: mm(([a, b]) => D.bmm(a!, b!)),
  linear: mm(([x, w, b]) => D.linear(x!, w!, b ?? null)),
  conv1d: mm(([x, w, b], kw) =>
    D.conv1d(x!, w!, b ?? null, opts<D.Conv1dOptions>({ stride: num(kw, 'stride'), padding: conv1dPadding(kw), dilation: num(kw, 'dilation'), groups: num(kw, 'groups') })),
  ),
  conv2d: mm(([x, w, b], kw) =>
    D.conv2d(x!, w!, b ?? null, opts<D.Conv2dOptions>({ stride: pair(kw, 'stride'), padding: convPadding(kw), dilation: pair(kw, 'dilation'), groups: num(kw, 'groups') })),
  ),

  // ---- pooling
  max_pool1d: ew(([x], kw) => D.maxPool1d(x!, num(kw, 'kernel_size')!, poolOpts1d(kw))),
  max_pool2d: ew(([x], kw) => D.maxPool2d(x!, pair(kw, 'kernel_size')!, poolOpts2d(kw))),
  avg_pool1d: red(([x], kw) => D.avgPool1d(x!, num(kw, 'kernel_size')!, poolOpts1d(kw))),
  avg_pool2d: red(([x], kw) => D.avgPool2d(x!, pair(kw, 'kernel_size')!, poolOpts2d(kw))),
  adaptive_avg_pool1d: red(([x], kw) => D.adaptiveAvgPool1d(x!, num(kw, 'output_size')!)),
  adaptive_avg_pool2d: red(([x], kw) => D.adaptiveAvgPool2d(x!, pair(kw, 'output_size')!)),
  adaptive_max_pool1d: ew(([x], kw) => D.adaptiveMaxPool1d(x!, num(kw, 'output_size')!)),
  adaptive_max_pool2d: ew(([x], kw) => D.adaptiveMaxPool2d(x!, pair(kw, 'output_size')!)),

  // ---- softmax, normalisation, dropout
  softmax: red(([x], kw) => D.softmax(x!, num(kw, 'dim')!)),
  log_softmax: red(([x], kw) => D.logSoftmax(x!, num(kw, 'dim')!)),
  batch_norm: red(([x, rm, rv, w, b], kw) =>
    D.batchNorm(x!, rm ?? null, rv ?? null, w ?? null, b ?? null, opts<D.BatchNormOptions>({ training: bool(kw, 'training'), momentum: num(kw, 'momentum'), eps: num(kw, 'eps') })),
  ),
  layer_norm: red(([x, w, b], kw) => D.layerNorm(x!, nums(kw, 'normalized_shape')!, w ?? null, b ?? null, num(kw, 'eps') ?? 1e-5)),
  dropout: ew(([x], kw) => D.dropout(x!, num(kw, 'p') ?? 0.5, bool(kw, 'training') ?? true)),
};

const fixture = loadFixture<OpCase>('ops.json');
for (const be of goldenBackends()) {
  for (const c of fixture.cases) test(c.name + be.suffix, (t) => onBackend(be.name, () => runCase(t, c, OPS)));
}
