// The Optimizer contract: param groups, zeroGrad, skipped params, validation, state dicts,
// closures, and that steps allocate nothing that survives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, StateDictError, heap, ones, randn, tensor, tidy, manualSeed, type Tensor } from '../../src/index.js';
import { Adadelta, Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '../../src/optim/index.js';

const vals = (t: Tensor): number[] => [...t.dataSync()];
const param = (v: number[]): Tensor => tensor(v).requiresGrad_();

test('a Tensor array, a generator and param groups are all accepted', () => {
  const a = param([1, 2]);
  const b = param([3]);
  function* gen(): Generator<Tensor> {
    yield a;
    yield b;
  }
  assert.equal(new SGD([a, b], { lr: 0.1 }).paramGroups.length, 1);
  const o = new SGD(gen(), { lr: 0.1 });
  assert.deepEqual(o.paramGroups[0]!.params, [a, b]);
  assert.deepEqual([...o.parameters()], [a, b]);
  const g = new SGD([{ params: [a] }, { params: b, lr: 0.01, momentum: 0.5 }], { lr: 0.1 });
  assert.equal(g.paramGroups[0]!.lr, 0.1);
  assert.equal(g.paramGroups[0]!.momentum, 0);
  assert.equal(g.paramGroups[1]!.lr, 0.01);
  assert.equal(g.paramGroups[1]!.momentum, 0.5);
  assert.equal(g.defaults.lr, 0.1);
  // a group added later also gets the defaults
  const c = param([5]);
  g.addParamGroup({ params: [c], weightDecay: 0.1 });
  assert.equal(g.paramGroups[2]!.lr, 0.1);
  assert.equal(g.paramGroups[2]!.weightDecay, 0.1);
});

test('param groups step with their own lr', () => {
  const a = param([1, 1]);
  const b = param([1, 1]);
  const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
  a.grad = tensor([1, 2]);
  b.grad = tensor([1, 2]);
  opt.step();
  assert.deepEqual(vals(a), [Math.fround(0.9), Math.fround(0.8)]);
  assert.deepEqual(vals(b), [0.5, 0]);
  // per-group betas for Adam: the first step of Adam is lr * sign(g) whatever the betas
  const c = param([0]);
  const d = param([0]);
  const adam = new Adam([{ params: [c] }, { params: [d], lr: 0.1, betas: [0.5, 0.9] }], { lr: 0.01 });
  c.grad = tensor([3]);
  d.grad = tensor([-3]);
  adam.step();
  assert.ok(Math.abs(c.item() + 0.01) < 1e-7, `${c.item()}`);
  assert.ok(Math.abs(d.item() - 0.1) < 1e-7, `${d.item()}`);
  assert.deepEqual(adam.paramGroups[1]!.betas, [0.5, 0.9]);
});

test('zeroGrad sets grads to null (default) or zeroes them in place', () => {
  const a = param([1, 2]);
  const b = param([3]);
  const opt = new SGD([a, b], { lr: 0.1 });
  a.grad = tensor([1, 1]);
  const g = tensor([4]);
  b.grad = g;
  opt.zeroGrad(false);
  assert.deepEqual(vals(a.grad), [0, 0]);
  assert.equal(b.grad, g, 'zeroed in place, same tensor');
  assert.deepEqual(vals(b.grad), [0]);
  opt.zeroGrad();
  assert.equal(a.grad, null);
  assert.equal(b.grad, null);
  assert.ok(g.isDisposed, 'the optimizer owns .grad: the old grad is freed');
  opt.zeroGrad(); // no grads: a no-op
});

test('a parameter without a grad is untouched and gets no state', () => {
  for (const make of [
    (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }),
    (ps: Tensor[]) => new Adam(ps, { weightDecay: 0.1 }),
    (ps: Tensor[]) => new AdamW(ps),
    (ps: Tensor[]) => new Adadelta(ps),
    (ps: Tensor[]) => new RMSprop(ps, { centered: true, momentum: 0.5 }),
    (ps: Tensor[]) => new Adagrad(ps),
  ]) {
    const a = param([1, 2]);
    const b = param([3, 4]);
    const opt: Optimizer = make([a, b]);
    a.grad = tensor([1, 1]);
    opt.step();
    opt.step();
    assert.notDeepEqual(vals(a), [1, 2]);
    assert.deepEqual(vals(b), [3, 4], `${opt.constructor.name} moved a param without grad`);
    assert.ok(opt.state.has(a));
    assert.ok(!opt.state.has(b), `${opt.constructor.name} made state for a param without grad`);
  }
});

test('bad hyperparameters raise ArgumentError naming the optimizer and value', () => {
  const p = () => [param([1])];
  const bad: [() => unknown, RegExp][] = [
    [() => new SGD(p(), { lr: -1 }), /^SGD: invalid learning rate -1$/],
    [() => new SGD(p(), {}), /SGD: parameter group 0 didn't specify a value of required optimization parameter lr/],
    [() => new SGD(p(), { lr: 0.1, momentum: -0.5 }), /SGD: invalid momentum value -0.5/],
    [() => new SGD(p(), { lr: 0.1, weightDecay: -1 }), /SGD: invalid weightDecay value -1/],
    [() => new SGD(p(), { lr: 0.1, nesterov: true }), /SGD: Nesterov momentum requires a momentum and zero dampening/],
    [() => new SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov/],
    [() => new SGD(p(), { lr: NaN }), /SGD: invalid learning rate NaN/],
    [() => new SGD([{ params: p(), lr: -0.1 }], { lr: 0.1 }), /SGD: invalid learning rate -0.1/],
    [() => new Adam(p(), { lr: -1e-3 }), /Adam: invalid learning rate -0.001/],
    [() => new Adam(p(), { eps: -1 }), /Adam: invalid epsilon value -1/],
    [() => new Adam(p(), { betas: [1, 0.999] }), /Adam: invalid beta parameter at index 0: 1/],
    [() => new Adam(p(), { betas: [0.9, -0.1] }), /Adam: invalid beta parameter at index 1: -0.1/],
    [() => new AdamW(p(), { weightDecay: -0.01 }), /AdamW: invalid weightDecay value -0.01/],
    [() => new Adadelta(p(), { rho: 1.5 }), /Adadelta: invalid rho value 1.5/],
    [() => new Adadelta(p(), { lr: -1 }), /Adadelta: invalid learning rate -1/],
    [() => new RMSprop(p(), { alpha: -0.1 }), /RMSprop: invalid alpha value -0.1/],
    [() => new RMSprop(p(), { momentum: -1 }), /RMSprop: invalid momentum value -1/],
    [() => new Adagrad(p(), { lrDecay: -1 }), /Adagrad: invalid lrDecay value -1/],
    [() => new SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/],
    [() => new SGD(param([1]) as unknown as Tensor[], { lr: 0.1 }), /SGD: params should be an iterable .* but got a Tensor/],
  ];
  for (const [f, re] of bad) assert.throws(f, (e: unknown) => e instanceof ArgumentError && re.test(e.message), String(re));
});

test('a parameter in two groups, a non-leaf or an int tensor is refused', () => {
  const a = param([1]);
  assert.throws(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 }), /more than one parameter group/);
  assert.throws(() => new SGD([a, a], { lr: 0.1 }), /lists a parameter twice/);
  const nonLeaf = a.mul(2);
  assert.throws(() => new SGD([nonLeaf], { lr: 0.1 }), (e: unknown) => e instanceof ArgumentError && /non-leaf/.test(e.message));
  assert.throws(() => new SGD([tensor(new Int32Array([1]))], { lr: 0.1 }), /floating-point/);
  const opt = new SGD([a], { lr: 0.1 });
  assert.throws(() => opt.addParamGroup({ params: [a] }), /more than one parameter group/);
});

test('step(closure) evaluates the loss with grad enabled and returns it', () => {
  const w = param([2]);
  const opt = new SGD([w], { lr: 0.25 });
  const loss = opt.step(() => {
    opt.zeroGrad();
    const l = w.mul(w).sum(); // d/dw = 2w = 4
    l.backward();
    return l.item();
  });
  assert.equal(loss, 4);
  assert.deepEqual(vals(w), [1]);
  assert.equal(opt.step(), undefined);
});

test('maximize ascends', () => {
  const a = param([1]);
  const opt = new SGD([a], { lr: 0.5, maximize: true });
  a.grad = tensor([1]);
  opt.step();
  assert.deepEqual(vals(a), [1.5]);
});

test('stateDict / loadStateDict: PyTorch layout, a resumed run equals an uninterrupted one', () => {
  manualSeed(3);
  const init = [randn([3, 2]), randn([2])];
  const grads = Array.from({ length: 6 }, () => [randn([3, 2]), randn([2])]);
  const run = (steps: number, opt: Optimizer, ps: Tensor[], from = 0) => {
    for (let s = from; s < from + steps; s++) {
      ps.forEach((p, i) => (p.grad = grads[s]![i]!.clone()));
      opt.step();
    }
  };
  const fresh = () => init.map((t) => t.clone().requiresGrad_());
  const ref = fresh();
  const refOpt = new Adam([{ params: [ref[0]!] }, { params: [ref[1]!], lr: 0.05 }], { lr: 0.01, amsgrad: true });
  run(6, refOpt, ref);

  const ps = fresh();
  const opt = new Adam([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.05 }], { lr: 0.01, amsgrad: true });
  run(3, opt, ps);
  const sd = opt.stateDict();
  assert.deepEqual(Object.keys(sd.state), ['0', '1']);
  assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0], [1]]);
  assert.equal(sd.paramGroups[1]!['lr'], 0.05);
  assert.deepEqual(sd.paramGroups[0]!['betas'], [0.9, 0.999]);
  assert.equal(sd.state[0]!['step'], 3);
  assert.deepEqual(Object.keys(sd.state[0]!).sort(), ['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);

  // a new optimizer over copies of the params resumes from the dict
  const ps2 = ps.map((p) => p.detach().clone().requiresGrad_());
  const opt2 = new Adam([{ params: [ps2[0]!] }, { params: [ps2[1]!] }], { lr: 0.5 });
  opt2.loadStateDict(sd);
  assert.equal(opt2.paramGroups[1]!.lr, 0.05, 'hyperparameters come from the dict');
  assert.notEqual(opt2.state.get(ps2[0]!)!['expAvg'], sd.state[0]!['expAvg'], 'state tensors are copied');
  run(3, opt2, ps2, 3);
  ref.forEach((r, i) => assert.deepEqual(vals(ps2[i]!), vals(r)));

  // PyTorch's snake_case names load too
  const ps3 = ps.map((p) => p.detach().clone().requiresGrad_());
  const opt3 = new Adam([{ params: [ps3[0]!] }, { params: [ps3[1]!] }]);
  const snake = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
  opt3.loadStateDict({
    state: { 0: snake(sd.state[0]!), 1: snake({ ...sd.state[1]!, step: tensor(3) }) },
    param_groups: sd.paramGroups.map(snake),
  });
  run(3, opt3, ps3, 3);
  ref.forEach((r, i) => assert.deepEqual(vals(ps3[i]!), vals(r)));

  assert.throws(() => opt2.loadStateDict({ state: {}, paramGroups: [sd.paramGroups[0]!] }), StateDictError);
  assert.throws(() => opt2.loadStateDict({ state: {}, paramGroups: [sd.paramGroups[0]!, { ...sd.paramGroups[1]!, params: [1, 2] }] }), StateDictError);
  assert.throws(() => opt2.loadStateDict({ state: { 0: { expAvg: ones([7]) } }, paramGroups: sd.paramGroups }), /shape/);
});

test('SGD state dict keeps the momentum buffer', () => {
  const a = param([1, 2]);
  const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
  a.grad = tensor([1, 1]);
  opt.step();
  assert.deepEqual(Object.keys(opt.stateDict().state[0]!), ['momentumBuffer']);
});

test('steps after the first allocate nothing that survives them (heap bytesInUse is flat)', () => {
  manualSeed(7);
  const makers: [string, (ps: Tensor[]) => Optimizer][] = [
    ['Adam', (ps) => new Adam(ps, { lr: 1e-3 })],
    ['Adam amsgrad wd', (ps) => new Adam(ps, { lr: 1e-3, amsgrad: true, weightDecay: 0.1 })],
    ['AdamW', (ps) => new AdamW(ps)],
    ['SGD nesterov wd', (ps) => new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.1 })],
    ['Adadelta', (ps) => new Adadelta(ps, { weightDecay: 0.1 })],
    ['RMSprop centered', (ps) => new RMSprop(ps, { centered: true, momentum: 0.9, weightDecay: 0.1 })],
    ['Adagrad', (ps) => new Adagrad(ps, { weightDecay: 0.1 })],
  ];
  for (const [name, make] of makers) {
    const ps = [randn([16, 8]).requiresGrad_(), randn([8]).requiresGrad_(), randn([3, 5, 7]).requiresGrad_()];
    for (const p of ps) p.grad = randn(p.shape as number[]);
    const opt = make(ps);
    opt.step();
    const after1 = heap().bytesInUse;
    for (let s = 1; s < 50; s++) opt.step();
    assert.equal(heap().bytesInUse, after1, `${name}: heap grew over 49 steps`);
    // and inside a caller's tidy, the state still survives
    tidy(() => opt.step());
    assert.equal(heap().bytesInUse, after1, `${name}: heap changed under tidy`);
    for (const s of opt.state.values()) for (const v of Object.values(s)) if (typeof v !== 'number') assert.ok(!v.isDisposed);
    opt.step();
    const before = heap().bytesInUse;
    opt.dispose();
    assert.ok(heap().bytesInUse < before, `${name}: dispose() frees the state`);
    opt.zeroGrad();
    for (const p of ps) p.dispose();
  }
});

test('state created inside a caller tidy survives it', () => {
  const a = param([1, 2]);
  const opt = new Adam([a], { lr: 0.1 });
  tidy(() => {
    a.grad = tensor([1, -1]);
    opt.step();
  });
  const s = opt.state.get(a)!;
  assert.ok(!(s['expAvg'] as Tensor).isDisposed);
  a.grad = tensor([1, -1]);
  opt.step();
  assert.equal(s['step'], 2);
});
