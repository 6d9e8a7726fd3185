// Shared machinery for the golden-fixture tests: load test/golden/*.json (written by
// scripts/golden/make_golden.py), turn fixture tensors into dendrite tensors, run one case,
// and compare the output, the gradients and any mutated state against PyTorch.
//
// Fixture floats may be written as the shortest decimal that rounds to the float32 (the
// --f32-shortest mode), so float32 references always go through Math.fround and every
// comparison uses a tolerance, never ===.

import type { TestContext } from 'node:test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { backend, registerBackend, setBackend, tensor, tidy, type Tensor } from '../../src/index.js';
import { coreOnly } from '../../src/kernels/compose/index.js';
import { heap } from '../../src/kernels/heap.js';
import { jsBackend } from '../../src/kernels/js/index.js';

// ---- backends ------------------------------------------------------------------------------------

// the JS core alone: every fused kernel composed from the core primitives
registerBackend('js-core', () => coreOnly(jsBackend(heap()), 'js-core'));

/**
 * The backends every case runs on: the default one (wasm where the engine runs it, or what
 * DENDRITE_BACKEND names) under the case's own name; the JS reference (' [js]') where the
 * default is another; and the JS core with the fused kernels composed from it (' [js-core]').
 */
export function goldenBackends(): { name: string; suffix: string }[] {
  const main = backend().name;
  const out = [{ name: main, suffix: '' }];
  if (main !== 'js') out.push({ name: 'js', suffix: ' [js]' });
  if (main !== 'js-core') out.push({ name: 'js-core', suffix: ' [js-core]' });
  return out;
}

/** Runs f with `name` as the active backend, restoring the previous one after. */
export function onBackend<T>(name: string, f: () => T): T {
  const prev = backend().name;
  setBackend(name);
  try {
    return f();
  } finally {
    setBackend(prev);
  }
}

// ---- fixture format ----------------------------------------------------------------------------

export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64';
  data: number[];
}

export type Kwargs = Record<string, unknown>;

export interface OpCase {
  name: string;
  op: string;
  kwargs: Kwargs;
  input_names?: string[];
  inputs: FixtureTensor[];
  requires_grad: boolean[];
  output: FixtureTensor | FixtureTensor[];
  upstream: FixtureTensor | null;
  grads: (FixtureTensor | null)[];
  state_after?: Record<string, FixtureTensor>;
}

export interface Fixture<C> {
  torch_version: string;
  description: string;
  cases: C[];
}

const cache = new Map<string, unknown>();

/** Reads test/golden/<file> relative to the repository root (the tests run from there). */
export function loadFixture<C = OpCase>(file: string): Fixture<C> {
  let f = cache.get(file) as Fixture<C> | undefined;
  if (f === undefined) {
    f = JSON.parse(readFileSync(resolve(process.cwd(), 'test', 'golden', file), 'utf8')) as Fixture<C>;
    cache.set(file, f);
  }
  return f;
}

/** A dendrite tensor from a fixture tensor; int64 becomes int32 (dendrite's integer dtype). */
export function toTensor(ft: FixtureTensor, requiresGrad = false): Tensor {
  const dtype = ft.dtype === 'int64' ? 'int32' : ft.dtype;
  const t = tensor(Float64Array.from(ft.data), { shape: ft.shape, dtype });
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

// ---- tolerances ----------------------------------------------------------------------------------

export interface Tol {
  atol: number;
  rtol: number;
}

export interface TolPair {
  f32: Tol;
  f64: Tol;
}

/**
 * Per-class tolerances, |actual − expected| ≤ atol + rtol·|expected|.
 * float32: atol 1e-6 + rtol 1e-5 for every class. Measured worst cases against these fixtures:
 * elementwise 1.9e-6 on a value of 20 (pow), reductions 7.2e-7 (a layer-norm gradient of
 * 4.5e-3), matmul/conv 1.1e-6 on 0.32 (a conv weight gradient summed over batch and
 * positions), losses 7.6e-6 on 63 (a summed cross-entropy); at atol 2e-7 + rtol 2e-6 thirteen
 * of them fail, so these bounds sit 1.5-5× above float32's rounding, and a 10× batch-norm
 * epsilon fails 16 cases. float64 cases run in float64 on both sides: atol 1e-14 + rtol 1e-13
 * (worst measured 2.7e-15).
 * exact: movement ops and index outputs only copy values.
 */
export const TOL = {
  exact: { f32: { atol: 0, rtol: 0 }, f64: { atol: 0, rtol: 0 } },
  elementwise: { f32: { atol: 1e-6, rtol: 1e-5 }, f64: { atol: 1e-14, rtol: 1e-13 } },
  reduction: { f32: { atol: 1e-6, rtol: 1e-5 }, f64: { atol: 1e-14, rtol: 1e-13 } },
  matmul: { f32: { atol: 1e-6, rtol: 1e-5 }, f64: { atol: 1e-14, rtol: 1e-13 } },
  loss: { f32: { atol: 1e-6, rtol: 1e-5 }, f64: { atol: 1e-14, rtol: 1e-13 } },
} satisfies Record<string, TolPair>;

export type TolClass = keyof typeof TOL;

// ---- comparison -------------------------------------------------------------------------------------

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    idx[d] = s === 0 ? 0 : i % s;
    i = s === 0 ? 0 : Math.floor(i / s);
  }
  return idx;
}

function fail(caseName: string, what: string, msg: string): never {
  throw new Error(`[${caseName}] ${what}: ${msg}`);
}

const fmt = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/**
 * Asserts that `actual` matches the fixture tensor: same shape, matching dtype (int64 ↔ int32)
 * and every element within tolerance (NaN matches only NaN). On failure names the case, what
 * was compared, the first mismatching flat and n-d index, and both values.
 */
export function assertClose(caseName: string, what: string, actual: Tensor | null, expected: FixtureTensor, tol: TolPair): void {
  if (actual === null) fail(caseName, what, `expected a tensor of shape ${fmt(expected.shape)}, got null`);
  const shapeOk = actual.shape.length === expected.shape.length && actual.shape.every((s, i) => s === expected.shape[i]);
  if (!shapeOk) fail(caseName, what, `shape ${fmt(actual.shape)} != expected ${fmt(expected.shape)}`);
  const wantDt = expected.dtype === 'int64' ? 'int32' : expected.dtype;
  if (actual.dtype !== wantDt) fail(caseName, what, `dtype ${actual.dtype} != expected ${wantDt} (fixture ${expected.dtype})`);
  const got = actual.dataSync();
  const t = expected.dtype === 'float64' ? tol.f64 : expected.dtype === 'float32' ? tol.f32 : { atol: 0, rtol: 0 };
  for (let i = 0; i < got.length; i++) {
    const a = got[i]!;
    const raw = expected.data[i]!;
    const e = expected.dtype === 'float32' ? Math.fround(raw) : raw;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= t.atol + t.rtol * Math.abs(e);
    if (!ok) {
      fail(
        caseName,
        what,
        `first mismatch at flat index ${i} ${fmt(unravel(i, expected.shape))}: got ${a}, expected ${e} ` +
          `(|diff| ${Math.abs(a - e).toExponential(3)} > atol ${t.atol} + rtol ${t.rtol}·|expected|)`,
      );
    }
  }
}

/** Whether every value of a fixture tensor is zero (PyTorch's grad of an unused input). */
const allZero = (ft: FixtureTensor) => ft.data.every((v) => v === 0);

// ---- running a case -----------------------------------------------------------------------------------

export type OpResult = Tensor | { values: Tensor; indices: Tensor };
export type OpFn = (inputs: Tensor[], kw: Kwargs, c: OpCase) => OpResult;

export interface OpSpec {
  fn: OpFn;
  tol: TolClass;
  /** Returns a reason to skip this case (a kwarg dendrite does not have), or null. */
  skip?: (c: OpCase) => string | null;
}

/** An op the fixtures hold and dendrite deliberately lacks: its cases skip with this reason. */
export interface Unsupported {
  unsupported: string;
}

export type OpTable = Record<string, OpSpec | Unsupported>;

/**
 * Runs one fixture case: builds the inputs, applies the op, compares the output, then runs
 * `out.backward(upstream)` and compares each input's gradient, i.e.
 * d(sum(output ⊙ upstream)) / d(input), and finally any state mutated in place.
 */
export function runCase(t: TestContext, c: OpCase, table: OpTable): void {
  const spec = table[c.op];
  // an op without an entry is a failure, never a quiet skip: a deleted or renamed entry would
  // otherwise turn every one of its cases into a pass
  if (spec === undefined) fail(c.name, 'table', `no entry for PyTorch op '${c.op}': map it to a dendrite call, or mark it { unsupported: reason }`);
  if ('unsupported' in spec) {
    t.skip(`not implemented: ${c.op} (${spec.unsupported})`);
    return;
  }
  const reason = spec.skip?.(c) ?? null;
  if (reason !== null) {
    t.skip(reason);
    return;
  }
  const tol = TOL[spec.tol];
  const inputName = (i: number) => c.input_names?.[i] ?? `inputs[${i}]`;
  tidy(() => {
    const inputs = c.inputs.map((ft, i) => toTensor(ft, c.requires_grad[i] ?? false));
    const res = spec.fn(inputs, c.kwargs, c);
    let root: Tensor;
    if (Array.isArray(c.output)) {
      // torch.max/min over a dim: [values, indices]
      if (!('values' in res)) fail(c.name, 'output', 'expected (values, indices), got a single tensor');
      assertClose(c.name, 'output values', res.values, c.output[0]!, tol);
      assertClose(c.name, 'output indices', res.indices, c.output[1]!, TOL.exact);
      root = res.values;
    } else {
      if ('values' in res) fail(c.name, 'output', 'expected a single tensor, got (values, indices)');
      assertClose(c.name, 'output', res, c.output, tol);
      root = res;
    }
    if (c.upstream !== null) {
      root.backward(toTensor(c.upstream));
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const actual = inputs[i]!.grad;
        // PyTorch reports zeros for an input the output does not depend on; dendrite leaves null
        if (actual === null && allZero(g)) return;
        assertClose(c.name, `grad of ${inputName(i)}`, actual, g, tol);
      });
    }
    for (const [key, want] of Object.entries(c.state_after ?? {})) {
      const i = c.input_names?.indexOf(key) ?? -1;
      if (i < 0) fail(c.name, `state_after.${key}`, 'no input of that name');
      assertClose(c.name, `state_after.${key}`, inputs[i]!, want, tol);
    }
    for (const x of inputs) x.grad?.dispose();
  });
}

// ---- kwarg accessors (fixtures use PyTorch's keyword names and JSON values) -------------------------

export function num(kw: Kwargs, key: string): number | undefined {
  const v = kw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new Error(`kwarg ${key}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

export function bool(kw: Kwargs, key: string): boolean | undefined {
  const v = kw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new Error(`kwarg ${key}: expected a boolean, got ${JSON.stringify(v)}`);
  return v;
}

export function str(kw: Kwargs, key: string): string | undefined {
  const v = kw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`kwarg ${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

export function nums(kw: Kwargs, key: string): number[] | undefined {
  const v = kw[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new Error(`kwarg ${key}: expected a list of numbers, got ${JSON.stringify(v)}`);
  return v as number[];
}

/** An int or a list of ints (dims), or null when absent/None. */
export function dims(kw: Kwargs, key: string): number | number[] | null {
  const v = kw[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  return nums(kw, key)!;
}

/** An int or a 2-list, as a [h, w] pair. */
export function pair(kw: Kwargs, key: string): [number, number] | undefined {
  const v = kw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return [v, v];
  const l = nums(kw, key)!;
  if (l.length !== 2) throw new Error(`kwarg ${key}: expected 2 values, got ${JSON.stringify(v)}`);
  return [l[0]!, l[1]!];
}

/** Drops undefined-valued keys (exactOptionalPropertyTypes forbids passing them). */
export function opts<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): T {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) r[k] = v;
  return r as T;
}
