// Optimizers and lr schedulers against PyTorch 1.13 (test/golden/optim.json, made by
// scripts/golden/make_golden.py): 3 steps of every optimizer case from the same params and
// grads, and 12 epochs of every scheduler case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '../../src/index.js';
import { Adadelta, Adagrad, Adam, AdamW, RMSprop, SGD, Optimizer } from '../../src/optim/index.js';
import { CosineAnnealingLR, ExponentialLR, MultiStepLR, ReduceLROnPlateau, StepLR } from '../../src/optim/index.js';

interface FT { shape: number[]; dtype: string; data: number[] }
interface OptCase { name: string; optimizer: string; kwargs: Record<string, unknown>; params_init: FT[]; grads: FT[][]; params_after: FT[][] }
interface SchedCase { name: string; scheduler: string; kwargs: Record<string, unknown>; optimizer: { type: string; lr: number }; epochs: number; metrics?: number[]; lrs: number[] }

const golden = JSON.parse(readFileSync('test/golden/optim.json', 'utf8')) as { cases: (OptCase | SchedCase)[] };
const optCases = golden.cases.filter((c): c is OptCase => 'optimizer' in c && typeof c.optimizer === 'string');
const schedCases = golden.cases.filter((c): c is SchedCase => 'scheduler' in c);

// The fixtures may hold the shortest decimal of each float32: go through Float32Array.
const toT = (f: FT): Tensor => tensor(Float32Array.from(f.data), { shape: f.shape });
const camel = (k: string): string => k.replace(/_([a-z])/gi, (_, c: string) => c.toUpperCase()).replace(/^T/, 't');

// kwargs come from JSON; Record<string, never> lets them stand for any optimizer's options
const OPTIMIZERS: Record<string, (ps: Tensor[], kw: Record<string, never>) => Optimizer> = {
  SGD: (ps, kw) => new SGD(ps, kw),
  Adam: (ps, kw) => new Adam(ps, kw),
  AdamW: (ps, kw) => new AdamW(ps, kw),
  Adadelta: (ps, kw) => new Adadelta(ps, kw),
  RMSprop: (ps, kw) => new RMSprop(ps, kw),
  Adagrad: (ps, kw) => new Adagrad(ps, kw),
};

// fp32: PyTorch and dendrite round the same formulas in slightly different orders (PyTorch fuses
// a + alpha*b into one FMA and casts scalars to float32 first); measured: at most 2 ulp apart
const RTOL = 1e-6;
// atol: the params are O(1), so a 1-2 ulp difference in an update that cancels to near 0
// (p - lr*g ~ 0) shows up as a large relative error of a tiny result; 3e-7 ~ 2.5 ulp of 1.0
const ATOL = 3e-7;
let worst = { rel: 0, name: '' };
let maxAbs = 0;
let compared = 0;

function close(name: string, got: ArrayLike<number>, want: readonly number[]): void {
  assert.equal(got.length, want.length, `${name}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = Math.fround(want[i]!);
    const err = Math.abs(g - w);
    const rel = err / Math.max(Math.abs(w), 1e-30);
    if (rel > worst.rel && err > 0) worst = { rel, name: `${name}[${i}]` };
    maxAbs = Math.max(maxAbs, err);
    compared++;
    if (!(err <= ATOL + RTOL * Math.abs(w))) assert.fail(`${name}[${i}]: got ${g}, PyTorch ${w} (|diff| ${err}, rtol ${RTOL}, atol ${ATOL})`);
  }
}

test('every optimizer case in optim.json has an implementation', () => {
  assert.ok(optCases.length >= 20, `only ${optCases.length} optimizer cases found`);
  for (const c of optCases) assert.ok(c.optimizer in OPTIMIZERS, `${c.name}: no ${c.optimizer}`);
});

for (const c of optCases) {
  test(`${c.name}: 3 steps of ${c.optimizer} match PyTorch`, () => {
    const make = OPTIMIZERS[c.optimizer];
    assert.ok(make !== undefined, `${c.optimizer} is not implemented`);
    const kw: Record<string, never> = {};
    for (const [k, v] of Object.entries(c.kwargs)) kw[camel(k)] = v as never;
    const ps = c.params_init.map((f) => toT(f).requiresGrad_());
    const opt = make(ps, kw);
    c.grads.forEach((gs, step) => {
      ps.forEach((p, i) => {
        p.grad?.dispose();
        p.grad = toT(gs[i]!);
      });
      opt.step();
      ps.forEach((p, i) => close(`${c.name} step ${step + 1} param ${i}`, p.dataSync(), c.params_after[step]![i]!.data));
    });
    opt.zeroGrad();
    opt.dispose();
    for (const p of ps) p.dispose();
  });
}

// Runs after every optimizer case (node runs a file's tests in order): every parameter of every
// step was compared, and none is further from PyTorch than 2 ulp of 1.0 (2^-22; the parameters
// are O(1), so the update's rounding is absolute, not relative; measured: exactly 2^-22)
test('every optimizer parameter is within 2^-22 of PyTorch', (t) => {
  const expected = optCases.reduce((n, c) => n + c.params_after.reduce((m, ps) => m + ps.reduce((k, p) => k + p.data.length, 0), 0), 0);
  assert.equal(compared, expected, 'parameters compared');
  t.diagnostic(`max |diff| ${maxAbs.toExponential(2)}; worst relative error ${worst.rel.toExponential(2)} at ${worst.name}`);
  assert.ok(maxAbs <= 2 ** -22, `max |diff| ${maxAbs} from PyTorch`);
});

function makeScheduler(c: SchedCase, opt: SGD): { step(metric?: number): void } {
  const k = c.kwargs as Record<string, never>;
  switch (c.scheduler) {
    case 'StepLR':
      return new StepLR(opt, k['step_size'], k['gamma']);
    case 'MultiStepLR':
      return new MultiStepLR(opt, k['milestones'], k['gamma']);
    case 'ExponentialLR':
      return new ExponentialLR(opt, k['gamma']);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, k['T_max'], k['eta_min'] ?? 0);
    case 'ReduceLROnPlateau': {
      const opts: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(c.kwargs)) opts[camel(key)] = v;
      const s = new ReduceLROnPlateau(opt, opts);
      return { step: (m?: number) => s.step(m!) };
    }
    default:
      throw new Error(`unknown scheduler ${c.scheduler}`);
  }
}

test('every scheduler case in optim.json has an implementation', () => {
  assert.ok(schedCases.length >= 11, `only ${schedCases.length} scheduler cases found`);
});

for (const c of schedCases) {
  test(`${c.name}: ${c.epochs} epochs of ${c.scheduler} give PyTorch's lrs`, () => {
    const p = tensor([0, 0]).requiresGrad_();
    const opt = new SGD([p], { lr: c.optimizer.lr });
    const sched = makeScheduler(c, opt);
    const lrs = [opt.paramGroups[0]!.lr];
    for (let e = 0; e < c.epochs; e++) {
      opt.step(); // no grads: a no-op, in PyTorch's order
      sched.step(c.metrics?.[e]);
      lrs.push(opt.paramGroups[0]!.lr);
    }
    // plain float64 arithmetic on both sides; only Math.cos vs libm's cos may differ in the last bit
    assert.equal(lrs.length, c.lrs.length);
    lrs.forEach((lr, i) => {
      const w = c.lrs[i]!;
      if (!(Math.abs(lr - w) <= 1e-15 + 1e-12 * Math.abs(w))) assert.fail(`${c.name} epoch ${i}: lr ${lr}, PyTorch ${w}`);
    });
  });
}
