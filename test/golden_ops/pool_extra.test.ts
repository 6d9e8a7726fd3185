// Golden tests against PyTorch for test/golden/pool_extra.json (scripts/golden/pool_extra_reference.py):
// F.adaptive_max_pool1d/2d with and without return_indices, F.avg_pool2d with divisor_override.

import { test } from 'node:test';
import * as D from '../../src/index.js';
import { goldenBackends, onBackend, bool, loadFixture, num, opts, pair, runCase, type OpCase, type OpFn, type OpTable, type TolClass } from './helpers.js';

const ew = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'elementwise' });
const red = (fn: OpFn): { fn: OpFn; tol: TolClass } => ({ fn, tol: 'reduction' });

const OPS: OpTable = {
  adaptive_max_pool1d: ew(([x], kw) => {
    const r = D.adaptiveMaxPool1dWithIndices(x!, num(kw, 'output_size')!);
    return bool(kw, 'return_indices') ? r : r.values;
  }),
  adaptive_max_pool2d: ew(([x], kw) => {
    const r = D.adaptiveMaxPool2dWithIndices(x!, pair(kw, 'output_size')!);
    return bool(kw, 'return_indices') ? r : r.values;
  }),
  avg_pool2d: red(([x], kw) => D.avgPool2d(x!, pair(kw, 'kernel_size')!, opts<D.AvgPool2dOptions>({
    stride: pair(kw, 'stride'), padding: pair(kw, 'padding'), ceilMode: bool(kw, 'ceil_mode'),
    countIncludePad: bool(kw, 'count_include_pad'), divisorOverride: num(kw, 'divisor_override'),
  }))),
};

const fixture = loadFixture<OpCase>('pool_extra.json');
for (const be of goldenBackends()) {
  for (const c of fixture.cases) test(c.name + be.suffix, (t) => onBackend(be.name, () => runCase(t, c, OPS)));
}
