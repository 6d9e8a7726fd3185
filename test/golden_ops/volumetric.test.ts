// Golden tests against PyTorch for test/golden/volumetric.json (scripts/golden/volumetric_reference.py):
// 3-D max/avg pooling, transposed convolution, F.interpolate, F.group_norm and 5-D batch norm, values and gradients.

import { test } from 'node:test';
import * as D from '../../src/index.js';
import { goldenBackends, onBackend, bool, loadFixture, num, nums, opts, runCase, str, type Kwargs, type OpCase, type OpFn, type OpTable, type TolClass } from './helpers.js';

const mm = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'matmul' });
const ew = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'elementwise' });
const red = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'reduction' });

/** An int or a list of three ints (PyTorch's _triple arguments). */
function triple(kw: Kwargs, key: string): D.Triple | undefined {
  const v = kw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  const a = nums(kw, key)!;
  return [a[0]!, a[1]!, a[2]!];
}

function sizeOrScale(kw: Kwargs, key: string): number | number[] | undefined {
  const v = kw[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : nums(kw, key);
}

function convtOpts(kw: Kwargs): D.ConvTransposeOptions {
  return opts<D.ConvTransposeOptions>({
    stride: sizeOrScale(kw, 'stride'), padding: sizeOrScale(kw, 'padding'), outputPadding: sizeOrScale(kw, 'output_padding'),
    dilation: sizeOrScale(kw, 'dilation'), groups: num(kw, 'groups'),
  });
}

const OPS: OpTable = {
  max_pool3d: ew(([x], kw) => D.maxPool3d(x!, triple(kw, 'kernel_size')!, opts<D.Pool3dOptions>({
    stride: triple(kw, 'stride'), padding: triple(kw, 'padding'), dilation: triple(kw, 'dilation'), ceilMode: bool(kw, 'ceil_mode'),
  }))),
  avg_pool3d: red(([x], kw) => D.avgPool3d(x!, triple(kw, 'kernel_size')!, opts<D.AvgPool3dOptions>({
    stride: triple(kw, 'stride'), padding: triple(kw, 'padding'), ceilMode: bool(kw, 'ceil_mode'), countIncludePad: bool(kw, 'count_include_pad'),
  }))),
  interpolate: red(([x], kw) => D.interpolate(x!, opts<D.InterpolateOptions>({
    size: sizeOrScale(kw, 'size'),
    scaleFactor: sizeOrScale(kw, 'scale_factor'),
    mode: str(kw, 'mode') as D.InterpolateMode | undefined,
    alignCorners: bool(kw, 'align_corners'),
    recomputeScaleFactor: bool(kw, 'recompute_scale_factor'),
  }))),
  group_norm: red(([x, w, b], kw) => D.groupNorm(x!, num(kw, 'num_groups')!, w ?? null, b ?? null, num(kw, 'eps') ?? 1e-5)),
  conv_transpose1d: mm(([x, w, b], kw) => D.convTranspose1d(x!, w!, b ?? null, convtOpts(kw))),
  conv_transpose2d: mm(([x, w, b], kw) => D.convTranspose2d(x!, w!, b ?? null, convtOpts(kw))),
  conv_transpose3d: mm(([x, w, b], kw) => D.convTranspose3d(x!, w!, b ?? null, convtOpts(kw))),
  batch_norm: red(([x, rm, rv, w, b], kw) =>
    D.batchNorm(x!, rm ?? null, rv ?? null, w ?? null, b ?? null, opts<D.BatchNormOptions>({ training: bool(kw, 'training'), momentum: num(kw, 'momentum'), eps: num(kw, 'eps') })),
  ),
};

const fixture = loadFixture<OpCase>('volumetric.json');
for (const be of goldenBackends()) {
  for (const c of fixture.cases) test(c.name + be.suffix, (t) => onBackend(be.name, () => runCase(t, c, OPS)));
}
