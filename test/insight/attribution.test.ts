// Attribution methods against plain-torch re-implementations of Captum's definitions and of
// Braindecode's amplitude-perturbation correlations (scripts/golden/insight_attribution.py →
// test/golden/insight/attribution.json), on LeNet and ShallowFBCSPNet with stored weights; then
// IG's completeness axiom, internal batching, and the typed errors.
// Tolerances: fp32 gradients against fp32 gradients with different summation orders; each
// comparison allows atol = 2e-5·max|reference| + rtol 1e-4 unless noted (measured errors are
// below 3e-6·max).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ArgumentError, IndexError, ShapeError, manualSeed, tensor, type Tensor } from '../../src/index.js';
import { Linear, Sequential, Tanh } from '../../src/nn/index.js';
import type { Module } from '../../src/nn/module.js';
import { deserializeStateDict } from '../../src/io/state_dict.js';
import { LeNet, ShallowFBCSPNet } from '../../src/models/index.js';
import {
  amplitudePerturbation, gradCam, inputXGradient, integratedGradients, integrationRule, occlusion, saliency, smoothGrad, type IntegrationMethod,
} from '../../src/insight/attribution/index.js';

const G = JSON.parse(readFileSync('test/golden/insight/attribution.json', 'utf8')) as { cases: { lenet: any; shallow: any } };

/** The golden script's LCG: state = 1664525·state + 1013904223 mod 2^32, value = state/2^32 − 0.5. */
function lcg(seed: number, n: number, scale = 1, shift = 0): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * scale + shift;
  }
  return out;
}
const lcg64 = (seed: number, n: number, scale: number): Float64Array => {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * scale;
  }
  return out;
};

function state(path: string): Record<string, Tensor> {
  return deserializeStateDict(new Uint8Array(readFileSync(path)), path).stateDict;
}
function lenet(): LeNet {
  const m = new LeNet();
  m.loadStateDict(state('test/golden/lenet_state.safetensors'));
  m.eval();
  return m;
}
function shallow(): ShallowFBCSPNet {
  const m = new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1000 });
  m.loadStateDict(state('test/golden/eeg_models/shallow_state.safetensors'));
  m.eval();
  return m;
}

function close(name: string, got: ArrayLike<number>, want: readonly number[], rel = 2e-5, rtol = 1e-4): void {
  assert.equal(got.length, want.length, `${name}: length`);
  let max = 0;
  for (const w of want) max = Math.max(max, Math.abs(w));
  const atol = rel * max;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.fail(`${name}[${i}]: got ${g}, torch ${w} (atol ${atol.toExponential(2)}, rtol ${rtol})`);
  }
}
const every = (v: ArrayLike<number>, k: number): number[] => Array.from(v).filter((_, i) => i % k === 0);

/** Per-channel sums, totals and every 97th value of (B, C, T) attributions, as the golden file stores them. */
function eegSummary(name: string, a: ArrayLike<number>, want: { channel_sums: number[]; total: number[]; every97: number[] }, B = 2, C = 22, T = 1000): void {
  const cs = new Float64Array(B * C), tot = new Float64Array(B);
  for (let i = 0; i < B * C * T; i++) (cs[Math.floor(i / T)]! += a[i]!), (tot[Math.floor(i / (C * T))]! += a[i]!);
  close(`${name} channel sums`, cs, want.channel_sums);
  close(`${name} totals`, tot, want.total);
  close(`${name} every 97th`, every(a, 97), want.every97);
}

const L = G.cases.lenet, S = G.cases.shallow;
const xl = () => tensor(lcg(1, 2 * 784, 1, 0.5), { shape: [2, 1, 28, 28] });
const xe = () => tensor(lcg(2, 2 * 22 * 1000), { shape: [2, 22, 1000] });

test('saliency and input × gradient on LeNet match torch', () => {
  const m = lenet();
  close('saliency', saliency(m, xl(), { target: L.target }).dataSync(), L.saliency);
  close('inputXGradient', inputXGradient(m, xl(), { target: L.target }).dataSync(), L.input_x_gradient);
  // signed gradient: |signed| is the saliency, and one class index serves the whole batch
  const s = saliency(m, xl(), { target: L.target, abs: false }).dataSync();
  close('|signed gradient|', Array.from(s, Math.abs), L.saliency);
  assert.ok(s.some((v) => v < 0));
});

test('integrated gradients on LeNet match torch for every Captum rule, with the convergence delta', () => {
  const m = lenet();
  for (const c of L.ig as { method: IntegrationMethod; n_steps: number; baseline: number; every: number; attributions: number[]; delta: number[] }[]) {
    const r = integratedGradients(m, xl(), { target: L.target, nSteps: c.n_steps, method: c.method, baseline: c.baseline });
    close(`IG ${c.method}`, every(r.attributions.dataSync(), c.every), c.attributions);
    const scale = Math.max(...c.attributions.map(Math.abs));
    close(`IG ${c.method} delta`, r.delta, c.delta, 0, 0.02 + (2e-4 * scale) / Math.max(...c.delta.map(Math.abs)));
  }
});

test('the integration rules are Captum\'s: weights sum to 1, Gauss–Legendre integrates degree 2n−1 exactly', () => {
  for (const m of ['riemann_left', 'riemann_right', 'riemann_middle', 'riemann_trapezoid', 'gausslegendre'] as const) {
    const { steps } = integrationRule(m, 7);
    assert.ok(Math.abs(steps.reduce((a, b) => a + b, 0) - 1) < 1e-12, m);
  }
  const { alphas, steps } = integrationRule('gausslegendre', 5);
  for (let d = 0; d <= 9; d++) {
    const q = alphas.reduce((s, a, i) => s + steps[i]! * a ** d, 0);
    assert.ok(Math.abs(q - 1 / (d + 1)) < 1e-13, `∫ a^${d}: ${q}`);
  }
  assert.deepEqual(Array.from(integrationRule('riemann_left', 4).alphas), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(Array.from(integrationRule('riemann_trapezoid', 3).steps), [0.25, 0.5, 0.25]);
});

test('IG completeness: attributions sum to f(x) − f(baseline), tighter with more steps and with Gauss–Legendre', () => {
  const x = xl();
  const err = (m: Module, method: IntegrationMethod, n: number, input = x) => Math.max(...integratedGradients(m, input, { target: 5, nSteps: n, method }).delta.map(Math.abs));
  // LeNet is piecewise linear (ReLU): every rule converges, but none has a higher order there
  const m = lenet();
  const r4 = err(m, 'riemann_right', 4), r64 = err(m, 'riemann_right', 64), gl64 = err(m, 'gausslegendre', 64);
  assert.ok(r64 < r4 / 4, `riemann_right: |delta| ${r64} at 64 steps vs ${r4} at 4`);
  assert.ok(gl64 < 2e-3, `Gauss–Legendre 64 steps: |delta| ${gl64}`); // |f(x) − f(0)| is O(1) here
  // on a smooth network Gauss–Legendre with 8 steps beats Riemann with 64
  manualSeed(4);
  const smooth = new Sequential(new Linear(784, 32), new Tanh(), new Linear(32, 10));
  const flat = tensor(lcg(5, 2 * 784, 2), { shape: [2, 784] });
  const gl8 = err(smooth, 'gausslegendre', 8, flat), mid64 = err(smooth, 'riemann_middle', 64, flat), tr64 = err(smooth, 'riemann_trapezoid', 64, flat);
  assert.ok(gl8 < mid64 && gl8 < tr64, `smooth net: Gauss–Legendre 8 steps ${gl8}, Riemann middle 64 ${mid64}, trapezoid 64 ${tr64}`);
  assert.ok(gl8 < 1e-5, `smooth net: Gauss–Legendre 8 steps |delta| ${gl8}`);
});

test('internal batching does not change integrated gradients', () => {
  const m = lenet();
  const a = integratedGradients(m, xl(), { target: L.target, nSteps: 9, internalBatchSize: 18 });
  const b = integratedGradients(m, xl(), { target: L.target, nSteps: 9, internalBatchSize: 4 });
  close('IG chunks of 4 vs 18', b.attributions.dataSync(), Array.from(a.attributions.dataSync()), 1e-6, 1e-5);
  // a per-example baseline tensor equals the scalar
  const c = integratedGradients(m, xl(), { target: L.target, nSteps: 9, baseline: tensor(new Float32Array(784).fill(0.1), { shape: [1, 28, 28] }) });
  const d = integratedGradients(m, xl(), { target: L.target, nSteps: 9, baseline: 0.1 });
  close('IG tensor vs scalar baseline', c.attributions.dataSync(), Array.from(d.attributions.dataSync()), 0, 0);
});

test('SmoothGrad, SmoothGrad² and VarGrad (input × gradient) with given noise match torch', () => {
  const m = lenet();
  const noise = tensor(lcg(10, 3 * 2 * 784, 0.4), { shape: [3, 2, 1, 28, 28] });
  close('smoothgrad', smoothGrad(m, xl(), { target: L.target, nSamples: 3, noise }).dataSync(), L.smoothgrad);
  close('vargrad ixg', smoothGrad(m, xl(), { target: L.target, nSamples: 3, noise, base: 'inputXGradient', ntType: 'vargrad' }).dataSync(), L.vargrad_ixg, 1e-4, 1e-3);
  close('smoothgrad_sq', every(smoothGrad(m, xl(), { target: L.target, nSamples: 3, noise, ntType: 'smoothgrad_sq' }).dataSync(), 7), L.smoothgrad_sq_every7);
});

test('occlusion on LeNet (6×6 windows, stride 4, the last window cut at the edge) matches torch', () => {
  const o = L.occlusion;
  const a = occlusion(lenet(), xl(), { target: L.target, slidingWindowShapes: o.window, strides: o.strides, baseline: o.baseline, perturbationsPerEval: 5 });
  close('occlusion', a.dataSync(), o.attributions, 1e-5, 1e-4);
});

test('Grad-CAM on named LeNet layers matches torch', () => {
  for (const layer of ['conv1', 'conv2', 'fc1']) {
    const r = gradCam(lenet(), xl(), { target: L.target, layer });
    close(`gradCam ${layer}`, r.attributions.dataSync(), L.grad_cam[layer]);
  }
  const r = gradCam(lenet(), xl(), { target: L.target, layer: 'conv2', reluAttributions: true });
  assert.deepEqual(r.attributions.shape, [2, 1, 10, 10]);
  close('gradCam conv2 relu', r.attributions.dataSync(), (L.grad_cam.conv2 as number[]).map((v) => Math.max(0, v)));
});

test('ShallowFBCSPNet: saliency, IG (Gauss–Legendre, 50 steps) and Grad-CAM match torch', () => {
  const m = shallow();
  eegSummary('shallow saliency', saliency(m, xe(), { target: S.target }).dataSync(), S.saliency);
  const r = integratedGradients(m, xe(), { target: S.target, nSteps: 50 });
  eegSummary('shallow IG', r.attributions.dataSync(), S.ig_gl50);
  // both deltas are fp32 rounding (torch 2.6e-6, 1.4e-6): completeness holds to 1e-5
  for (const d of [...r.delta, ...(S.ig_gl50.delta as number[])]) assert.ok(Math.abs(d) < 1e-5, `shallow IG delta ${d}`);
  const g = gradCam(m, xe(), { target: S.target, layer: 'conv_time_spat' });
  assert.deepEqual(g.attributions.shape, [2, 1, 976, 1]);
  close('shallow gradCam', g.attributions.dataSync(), S.grad_cam_conv_time_spat);
  // at the classifier (a dotted name), the gradient is the one-hot target: the map is the target logit
  const c = gradCam(m, xe(), { target: S.target, layer: 'final_layer.conv_classifier' });
  assert.deepEqual(c.layerShape, [2, 4, 1, 1]);
  const logits = m.call(xe()).dataSync();
  close('gradCam at the classifier', c.attributions.dataSync(), [logits[S.target[0]]!, logits[4 + S.target[1]]!], 0, 1e-6);
});

test('amplitude-perturbation correlations on ShallowFBCSPNet match Braindecode\'s computation', () => {
  const ap = S.amplitude_perturbation;
  const x = tensor(lcg(3, 6 * 22 * 1000), { shape: [6, 22, 1000] });
  const r = amplitudePerturbation(shallow(), x, { nIterations: 2, perturb: (_a, shape, it) => lcg64(100 + it, shape[0] * shape[1] * shape[2], 2), sfreq: 250 });
  assert.deepEqual(r.shape, [22, 501, 4]);
  assert.equal(r.perIteration.length, 2);
  assert.equal(r.freqs[4], 1);
  const got: number[] = [];
  for (const c of ap.channels as number[]) for (let f = 0; f < ap.bins; f++) for (let k = 0; k < 4; k++) got.push(r.correlations[(c * 501 + f) * 4 + k]!);
  // correlations over 6 trials of prediction changes of ~5e-3 against fp32 logit rounding of
  // ~2e-7: 5e-4 absolute on r (measured 2e-4)
  const maxR = Math.max(...(ap.correlations as number[]).map(Math.abs));
  close('amplitude-perturbation correlations', got, ap.correlations, 5e-4 / maxR, 0);
  const absSum = r.correlations.reduce((s, v) => s + Math.abs(v), 0);
  close('Σ|corr|', [absSum], [ap.abs_sum], 0, 1e-3);
});

test('bad arguments raise typed errors naming the op and the value', () => {
  const m = lenet();
  assert.throws(() => gradCam(m, xl(), { target: 1, layer: 'conv9' }), (e: unknown) => e instanceof ArgumentError && /gradCam: no layer named 'conv9'.*conv1, conv2/.test(e.message));
  assert.throws(() => integratedGradients(m, xl(), { target: 1, nSteps: 0 }), (e: unknown) => e instanceof ArgumentError && /nSteps must be an integer ≥ 1, got 0/.test(e.message));
  assert.throws(() => integratedGradients(m, xl(), { target: 1, nSteps: 1, method: 'riemann_trapezoid' }), ArgumentError);
  assert.throws(() => integratedGradients(m, xl(), { target: 1, method: 'simpson' as IntegrationMethod }), /method must be one of/);
  assert.throws(() => integratedGradients(m, xl(), { target: 1, baseline: tensor(new Float32Array(27 * 28), { shape: [1, 27, 28] }) }),
    (e: unknown) => e instanceof ShapeError && /baseline shape \(1, 27, 28\)/.test(e.message));
  assert.throws(() => saliency(m, xl(), { target: 10 }), (e: unknown) => e instanceof IndexError && /target class 10 is out of range for 10 outputs/.test(e.message));
  assert.throws(() => saliency(m, xl(), { target: [1, 2, 3] }), ShapeError);
  assert.throws(() => saliency(m, xl(), { target: -1 }), IndexError);
  assert.throws(() => occlusion(m, xl(), { target: 1, slidingWindowShapes: [1, 6] }), ShapeError);
  assert.throws(() => occlusion(m, xl(), { target: 1, slidingWindowShapes: [1, 30, 3] }), ArgumentError);
  assert.throws(() => smoothGrad(m, xl(), { target: 1, nSamples: 2, noise: tensor(new Float32Array(784), { shape: [1, 1, 28, 28] }) }), ShapeError);
  assert.throws(() => smoothGrad(m, xl(), { target: 1, stdevs: -1 }), ArgumentError);
  assert.throws(() => amplitudePerturbation(shallow(), tensor(lcg(2, 2 * 22 * 1000), { shape: [2, 22, 1000, 1] })), ShapeError);
  assert.throws(() => amplitudePerturbation(shallow(), tensor(lcg(2, 22 * 1000), { shape: [1, 22, 1000] })), /at least 2 trials/);
  // the parameters' requiresGrad is restored even after an error
  assert.ok([...m.parameters()].every((p) => p.requiresGrad));
});
