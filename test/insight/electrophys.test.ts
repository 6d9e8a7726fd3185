// In-silico electrophysiology against Brain-Score's formulas re-implemented with numpy/scipy
// (scripts/golden/insight_v1.py → test/golden/insight/v1.json): F0/F1, modulation ratio,
// circular variance, the spline-based orientation bandwidth, orthogonal/preferred ratio, the
// affine firing-rate map, the binned KS similarity, scipy's ks_2samp statistic and exact
// Mann-Whitney p-values; the gratings themselves; the sweep through forward hooks on a conv
// layer whose responses are known in closed form; bad input fails with typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import {
  circularVariance, f0f1, orientationBandwidth, orthogonalPreferredRatio, unitProperties,
} from '../../src/insight/electrophys/tuning.js';
import { notAKnotSpline } from '../../src/insight/electrophys/spline.js';
import { firingRatesAffine } from '../../src/insight/electrophys/rates.js';
import { histogram, ks2Statistic, ksSimilarity, mannWhitneyU } from '../../src/insight/electrophys/stats.js';
import { defaultGratingGrid, grating, gratingStack } from '../../src/insight/electrophys/gratings.js';
import { gratingSweep } from '../../src/insight/electrophys/sweep.js';
import { analyseLayer } from '../../src/insight/electrophys/analysis.js';
import { Conv2d } from '../../src/nn/conv.js';
import { Sequential } from '../../src/nn/container.js';
import { ReLU } from '../../src/nn/activation.js';
import { MaxPool2d } from '../../src/nn/pooling.js';
import { tensor } from '../../src/tensor/creation.js';

const g = JSON.parse(readFileSync('test/golden/insight/v1.json', 'utf8'));
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const ORI = Array.from({ length: 12 }, (_, i) => i * 15);

test('orientation-curve measures match the scipy re-implementation of Brain-Score', () => {
  for (const [i, c] of (g.curves as { curve: number[]; circularVariance: number; bandwidth: number; orthogonalPreferredRatio: number; splineFull: number[] }[]).entries()) {
    close(circularVariance(c.curve, ORI), c.circularVariance, 1e-12, `cv ${i}`);
    close(orthogonalPreferredRatio(c.curve), c.orthogonalPreferredRatio, 1e-12, `opr ${i}`);
    assert.equal(orientationBandwidth(c.curve, ORI), c.bandwidth ?? NaN, `bandwidth ${i}`);
  }
});

test('not-a-knot spline equals UnivariateSpline(s=0) inside and outside the knots', () => {
  const c = g.curves[1].curve as number[];
  const x: number[] = [], y: number[] = [];
  for (let r = 0; r < 3; r++) for (let i = 0; i < 12; i++) x.push(ORI[i]! + 180 * (r - 1));
  // the golden spline was fitted to the Hanning-smoothed tiled curve: rebuild that here
  const ext = [...c, ...c, ...c], w = [0, 2 / 5, 1, 2 / 5, 0].map((v) => v / 1.8);
  for (let i = 0; i < 36; i++) { let s = 0; for (let k = -2; k <= 2; k++) if (i + k >= 0 && i + k < 36) s += w[k + 2]! * ext[i + k]!; y.push(s); }
  const spl = notAKnotSpline(x, y);
  const full = g.curves[1].splineFull as number[];
  for (let i = 0; i < 540; i++) close(spl(i - 180), full[i]!, 1e-9, `spline at ${i - 180}°`);
  assert.throws(() => notAKnotSpline([0, 1, 1, 2], [0, 0, 0, 0]), ArgumentError);
});

test('per-unit F0, F1, modulation ratio and tuning match numpy on random and simple-like units', () => {
  for (const [i, u] of (g.units as Record<string, number & number[]>[]).entries()) {
    const sfs = u['sfs'] as unknown as number[];
    const { f0, f1 } = f0f1(u['resp'] as unknown as number[], sfs.length, 12, u['nPhases'] as number);
    (u['f0'] as unknown as number[]).forEach((v, k) => close(f0[k]!, v, 1e-12, `f0 ${i}/${k}`));
    (u['f1'] as unknown as number[]).forEach((v, k) => close(f1[k]!, v, 1e-12, `f1 ${i}/${k}`));
    const p = unitProperties(u['resp'] as unknown as number[], sfs, ORI, u['nPhases'] as number);
    for (const k of ['maxDc', 'minDc', 'maxAc', 'modulationRatio', 'circularVariance', 'orthogonalPreferredRatio', 'preferredOrientation', 'preferredSf'] as const) {
      close(p[k], u[k] as number, 1e-12, `${k} ${i}`);
    }
    if (u['bandwidth'] === null) assert.ok(Number.isNaN(p.bandwidth)); else assert.equal(p.bandwidth, u['bandwidth']);
  }
  assert.ok(g.units[1].modulationRatio > 1, 'the rectified-cosine unit is simple');
  assert.throws(() => f0f1([1, 2, 3], 1, 1, 8), ShapeError);
});

test('firing-rate affine map, KS similarity, KS statistic and exact Mann-Whitney p match numpy/scipy', () => {
  const a = firingRatesAffine(g.affine.blank, g.affine.peak);
  close(a.slope, g.affine.slope, 1e-12, 'slope');
  close(a.offset, g.affine.offset, 1e-12, 'offset');
  for (const h of g.ksSimilarity) close(ksSimilarity(h.p, h.q), h.similarity, 1e-12, 'ks similarity');
  assert.deepEqual(histogram((g.histogram.values as number[]).map((v) => Math.min(2, Math.max(0, v))), g.histogram.bins), g.histogram.counts);
  close(ks2Statistic(g.ks2.a, g.ks2.b), g.ks2.statistic, 1e-12, 'ks2');
  for (const m of g.mannWhitney) {
    const r = mannWhitneyU(m.a, m.b);
    assert.equal(r.u, m.u);
    close(r.p, m.p, 1e-9, `mwu p (${m.a.length}, ${m.b.length})`);
  }
  assert.throws(() => mannWhitneyU([], [1]), ArgumentError);
  assert.equal(mannWhitneyU([1, 2], [2, 3]).ties, true);
  assert.equal(mannWhitneyU([1, 2], [2.5, 3]).ties, false);
  assert.throws(() => firingRatesAffine([1, 1], [0, 0]), ArgumentError);
});

test('gratings: full contrast around grey, the wave vector along the orientation, phases over one cycle', () => {
  const s = 32, img = new Float64Array(s * s);
  grating(img, s, 4, 0, 0);
  // orientation 0: luminance varies along x only, 4 cycles across 32 px
  for (let x = 0; x < s; x++) close(img[5 * s + x]!, img[20 * s + x]!, 1e-12, 'constant along y');
  close(img[0]!, img[8]!, 1e-12, 'period 8 px');
  const grid = defaultGratingGrid(s, [2, 4]);
  const st = gratingStack(grid);
  assert.equal(st.length, 2 * 12 * 8 * s * s);
  let sum = 0;
  for (let p = 0; p < 8; p++) sum += st[p * s * s + 100]!; // one pixel over the 8 phases averages to grey
  close(sum / 8, 0.5, 1e-6, 'phase mean');
  assert.throws(() => gratingStack({ ...grid, sfCyclesPerImage: [20] }), ArgumentError);
  assert.throws(() => gratingStack({ ...grid, nPhases: 2 }), ArgumentError);
});

test('sweep through hooks: a linear conv unit is simple (a rectified cosine in the phase), its max-pooled 2×2 neighbourhood less so', () => {
  // One 4×4 kernel that is an exact cosine grating at 4 cycles/16 px, orientation 0: the centre
  // unit (x 6…9 of a 16 px image centred at 7.5) answers the matching grating with
  // cos(φ − 135°) ∝ its phase φ; after ReLU, F1/F0 of that rectified cosine sampled at 8 phases.
  const conv = new Conv2d(1, 1, 4, { bias: false });
  const w = new Float32Array(16);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) w[y * 4 + x] = Math.cos((2 * Math.PI * x) / 4);
  conv.loadStateDict({ weight: tensor(w, { shape: [1, 1, 4, 4] }) });
  const net = new Sequential(conv, new ReLU(), new MaxPool2d(2));
  const grid = { size: 16, sfCyclesPerImage: [4], orientations: ORI, nPhases: 8, degrees: 2 };
  const [c, r, p] = gratingSweep(net, grid, { layers: ['0', '1', '2'], mean: 0.5, batch: 40 });
  assert.deepEqual([c!.height, r!.height, p!.height], [13, 13, 6]);
  const pr = unitProperties(r!.responses[0]!, [4], ORI, 8);
  const ref = f0f1(Array.from({ length: 8 }, (_, k) => Math.max(0, Math.cos((2 * Math.PI * k) / 8 - (3 * Math.PI) / 4))), 1, 1, 8);
  close(pr.modulationRatio, ref.f1[0]! / ref.f0[0]!, 1e-5, 'relu unit F1/F0');
  close(ref.f1[0]! / ref.f0[0]!, 4 / (1 + Math.SQRT2), 1e-12, 'sampled half-wave cosine');
  assert.equal(pr.preferredOrientation, 0);
  const pp = unitProperties(p!.responses[0]!, [4], ORI, 8);
  assert.ok(pp.modulationRatio < pr.modulationRatio, `pooled ${pp.modulationRatio} < ${pr.modulationRatio}`);
  const an = analyseLayer(r!, grid);
  assert.equal(an.units.length, 1);
  assert.throws(() => gratingSweep(net, grid, { layers: ['conv9'] }), ArgumentError);
  assert.throws(() => gratingSweep(net, grid, { layers: ['0'], batch: 0 }), /batch 0/);
  assert.throws(() => gratingSweep(net, grid, { layers: ['0'], std: 0 }), ArgumentError);
});
