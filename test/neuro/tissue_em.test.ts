// refineTissue: EM recovers a scan's class intensities from weak priors, moves a boundary the
// prior misplaces, keeps the network's labels outside its region, chooses α by marginal likelihood
// ('auto') and rejects bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refineTissue, checkRefinement } from '../../src/neuro/tissue_em.js';
import { Generator } from '../../src/tensor/random.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const S = 20, n = S * S * S;
const at = (i: number, j: number, k: number) => i + S * (j + S * k);
const inside = (i: number, j: number, k: number) => i > 1 && j > 1 && k > 1 && i < S - 2 && j < S - 2 && k < S - 2;

/** A 20³ volume: a zero border (background), class 1 for i < 10 ~ N(0.3, 0.05²), class 2 for i ≥ 10 ~ N(0.8, 0.04²). */
function twoSlabs(seed: number): { image: Float32Array; truth: Uint8Array } {
  const g = new Generator(seed);
  const image = new Float32Array(n), truth = new Uint8Array(n);
  for (let k = 0; k < S; k++) for (let j = 0; j < S; j++) for (let i = 0; i < S; i++) {
    if (!inside(i, j, k)) continue;
    const c = i < 10 ? 1 : 2;
    truth[at(i, j, k)] = c;
    image[at(i, j, k)] = c === 1 ? 0.3 + 0.05 * g.normal() : 0.8 + 0.04 * g.normal();
  }
  return { image, truth };
}

/**
 * Priors (3 classes, class-major): background 1 where `label(v)` is 0; elsewhere `hi` on its class,
 * `bg` on background and the rest on the other class.
 */
function priorsFrom(label: (v: number) => number, hi: number, bg = 0): Float32Array {
  const p = new Float32Array(3 * n);
  for (let v = 0; v < n; v++) {
    const l = label(v);
    if (l === 0) p[v] = 1;
    else for (let c = 0; c < 3; c++) p[c * n + v] = c === l ? hi : c === 0 ? bg : 1 - hi - bg;
  }
  return p;
}

function sampleStats(image: Float32Array, truth: Uint8Array, c: number): [number, number] {
  let s = 0, s2 = 0, m = 0;
  for (let v = 0; v < n; v++) if (truth[v] === c) {
    s += image[v]!;
    s2 += image[v]! ** 2;
    m++;
  }
  const mean = s / m;
  return [mean, Math.sqrt(s2 / m - mean * mean)];
}

test('EM recovers each class mean and spread from weak priors, and the log-likelihood never falls', () => {
  const { image, truth } = twoSlabs(1);
  // weak priors: 0.6 on the true class, 0.4 on the other, inside the head; background outside
  const p = priorsFrom((v) => truth[v]!, 0.6);
  const r = refineTissue(image, p, [S, S, S], { components: [1, 1, 1], priorWeight: 1, iterations: 30 });
  assert.equal(r.regionVoxels, 16 ** 3);
  for (const c of [1, 2]) {
    const [mean, std] = sampleStats(image, truth, c);
    const fit = r.classes[c]!;
    assert.equal(fit.length, 1);
    assert.ok(Math.abs(fit[0]!.mean - mean) < 2e-3, `class ${c} mean ${fit[0]!.mean} vs ${mean}`);
    assert.ok(Math.abs(fit[0]!.std - std) < 2e-3, `class ${c} std ${fit[0]!.std} vs ${std}`);
  }
  // class 0 has no prior mass in the region (its voxels are 0): no mixture
  assert.equal(r.classes[0]!.length, 0);
  for (let i = 1; i < r.logLikelihood.length; i++) assert.ok(r.logLikelihood[i]! >= r.logLikelihood[i - 1]! - 1e-6 * Math.abs(r.logLikelihood[i - 1]!), `iteration ${i}`);
  assert.deepEqual(r.labels, truth);
});

test('refinement moves a boundary the prior puts one voxel off, and leaves voxels outside the region alone', () => {
  const { image, truth } = twoSlabs(2);
  // the network's boundary one voxel too far: i = 10 is labelled class 1 with confidence 0.9
  const shifted = (v: number) => (truth[v] === 0 ? 0 : v % S < 11 ? 1 : 2);
  const p = priorsFrom(shifted, 0.9);
  let wrong = 0;
  for (let v = 0; v < n; v++) if (shifted(v) !== truth[v]) wrong++;
  assert.equal(wrong, 16 * 16);
  const r = refineTissue(image, p, [S, S, S]);
  assert.deepEqual(r.labels, truth);
  // with Potts smoothing too; and with some background prior in the head, smoothing keeps the
  // background mixture from taking tissue voxels in its tails
  assert.deepEqual(refineTissue(image, p, [S, S, S], { mrf: { beta: 0.5, iterations: 2 } }).labels, truth);
  assert.deepEqual(refineTissue(image, priorsFrom(shifted, 0.9, 0.02), [S, S, S], { mrf: { beta: 0.5, iterations: 2 } }).labels, truth);
  // a voxel with signal whose non-background prior is below the threshold keeps the network's label
  const q = p.slice();
  const v0 = at(12, 5, 5);
  q[v0] = 0.995;
  q[n + v0] = 0.004;
  q[2 * n + v0] = 0.001;
  const r2 = refineTissue(image, q, [S, S, S]);
  assert.equal(r2.labels[v0], 0);
  assert.equal(r2.regionVoxels, r.regionVoxels - 1);
});

test('refineTissue: bad shapes, priors and options are typed errors naming the value', () => {
  const { image } = twoSlabs(3);
  const p = priorsFrom(() => 1, 0.8, 0.1);
  assert.throws(() => refineTissue(image, p, [S, S, S - 1]), (e: Error) => e instanceof ShapeError && /7600 voxels|voxels for shape 20x20x19/.test(e.message));
  assert.throws(() => refineTissue(image, p.subarray(1), [S, S, S]), (e: Error) => e instanceof ShapeError && /23999/.test(e.message));
  assert.throws(() => refineTissue(image, p.subarray(0, n), [S, S, S]), (e: Error) => e instanceof ShapeError && /1 classes/.test(e.message));
  const nan = image.slice();
  nan[5] = NaN;
  assert.throws(() => refineTissue(nan, p, [S, S, S]), (e: Error) => e instanceof ArgumentError && /voxel 5 is NaN/.test(e.message));
  const neg = p.slice();
  neg[n + 7] = -0.5;
  assert.throws(() => refineTissue(image, neg, [S, S, S]), (e: Error) => e instanceof ArgumentError && /class 1 at voxel 7 is -0.5/.test(e.message));
  assert.throws(() => refineTissue(image, p, [S, S, S], { priorWeight: 2 }), (e: Error) => e instanceof ArgumentError && /priorWeight .* 2/.test(e.message));
  assert.throws(() => refineTissue(image, p, [S, S, S], { components: [1, 1] }), (e: Error) => e instanceof ArgumentError && /components \[1, 1\]/.test(e.message));
  assert.throws(() => refineTissue(image, p, [S, S, S], { iterations: 0 }), (e: Error) => e instanceof ArgumentError && /iterations .* 0/.test(e.message));
  assert.throws(() => refineTissue(image, p, [S, S, S], { mrf: { beta: -1, iterations: 2 } }), (e: Error) => e instanceof ArgumentError && /mrf/.test(e.message));
  // an all-zero image has no region: the network's labels come back unchanged
  const r = refineTissue(new Float32Array(n), p, [S, S, S]);
  assert.equal(r.regionVoxels, 0);
  assert.ok(r.labels.every((l) => l === 1));
});

/**
 * A 24³ volume drawn from the model 'auto' assumes: random network priors p (softmax of logits in
 * [-3, 3], 3 classes), each voxel's class drawn from π ∝ p^α, its intensity from N(μ_k, 0.35²) with
 * μ = 1, 2, 3 (overlapping, so the intensity alone does not give the class).
 */
function temperedVolume(alpha: number, seed: number): { image: Float32Array; priors: Float32Array; shape: [number, number, number] } {
  const m = 24 ** 3, K = 3;
  const g = new Generator(seed);
  const image = new Float32Array(m), priors = new Float32Array(K * m);
  const z = new Float64Array(K);
  for (let v = 0; v < m; v++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp((z[k] = Math.max(-3, Math.min(3, 1.5 * g.normal()))));
    for (let k = 0; k < K; k++) priors[k * m + v] = Math.exp(z[k]!) / s;
    let t = 0;
    for (let k = 0; k < K; k++) t += priors[k * m + v]! ** alpha;
    let u = g.random() * t, c = 0;
    while (c < K - 1 && (u -= priors[c * m + v]! ** alpha) > 0) c++;
    image[v] = 1 + c + 0.35 * g.normal();
  }
  return { image, priors, shape: [24, 24, 24] };
}

test("priorWeight 'auto' recovers the α the volume was drawn with, by marginal likelihood alone", () => {
  // small α is the hard case: weak priors make EM slow to separate the classes
  for (const [alpha, seed] of [[0.1, 13], [0.3, 11], [0.8, 12]] as const) {
    const { image, priors, shape } = temperedVolume(alpha, seed);
    const opts = { priorWeight: 'auto', components: [1, 1, 1], regionThreshold: 0, iterations: 30 } as const;
    const r = refineTissue(image, priors, shape, opts);
    assert.ok(Math.abs(r.priorWeight - alpha) < 0.05, `drawn with α ${alpha}, chose ${r.priorWeight}`);
    // the chosen α is the best one tried, and the search covered the range
    const best = r.alphaSearch.reduce((a, b) => (b.logLikelihood > a.logLikelihood ? b : a));
    assert.equal(r.priorWeight, best.alpha);
    assert.ok(r.alphaSearch.length >= 8 && r.alphaSearch.every((e) => e.alpha >= 0.05 && e.alpha <= 1), JSON.stringify(r.alphaSearch));
    // far from the truth the criterion is lower
    const far = r.alphaSearch.filter((e) => Math.abs(e.alpha - alpha) > 0.3);
    assert.ok(far.length > 0 && far.every((e) => e.logLikelihood < best.logLikelihood - 1e-3), JSON.stringify(r.alphaSearch));
    // and the labels are (up to EM's start) those of a converged fixed-α run at the chosen α
    const fixed = refineTissue(image, priors, shape, { ...opts, priorWeight: r.priorWeight, iterations: 300 }).labels;
    let same = 0;
    for (let v = 0; v < fixed.length; v++) if (fixed[v] === r.labels[v]) same++;
    assert.ok(same / fixed.length > 0.99, `${same} of ${fixed.length} labels agree`);
  }
});

test("priorWeight: 'auto' or a number in [0, 1], in options and in a refine record; anything else is a typed error", () => {
  const { image } = twoSlabs(4);
  const p = priorsFrom(() => 1, 0.8, 0.1);
  for (const bad of [-0.1, 1.5, NaN, 'best', 'Auto'] as unknown as number[]) {
    assert.throws(() => refineTissue(image, p, [S, S, S], { priorWeight: bad }), (e: Error) => e instanceof ArgumentError && /priorWeight must be a number in \[0, 1\] or 'auto'/.test(e.message) && e.message.includes(typeof bad === 'string' ? `"${bad}"` : String(bad === bad ? bad : 'null')), String(bad));
    assert.throws(() => checkRefinement({ method: 'em', priorWeight: bad }, 'config.json'), (e: Error) => e instanceof ArgumentError && /^config.json: refineTissue: priorWeight/.test(e.message), String(bad));
  }
  assert.deepEqual(checkRefinement({ method: 'em', priorWeight: 'auto' }, 'config.json'), { method: 'em', priorWeight: 'auto' });
  assert.equal(refineTissue(image, p, [S, S, S], { priorWeight: 0.5 }).priorWeight, 0.5);
  // the default is α 1, no search
  assert.equal(refineTissue(image, p, [S, S, S]).priorWeight, 1);
  assert.deepEqual(refineTissue(image, p, [S, S, S]).alphaSearch, []);
  assert.deepEqual(refineTissue(image, p, [S, S, S], { priorWeight: 0.5 }).alphaSearch, []);
  // no region: nothing to choose α from
  assert.ok(Number.isNaN(refineTissue(new Float32Array(n), p, [S, S, S], { priorWeight: 'auto' }).priorWeight));
});
