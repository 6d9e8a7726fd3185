// instantaneousRate and the kernels against Elephant's definitions (scripts/golden/spikes_reference.py:
// numpy.histogram + scipy.stats densities + fftconvolve 'same'), and Elephant's own docstring values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../../src/errors.js';
import {
  alphaKernel, epanechnikovKernel, exponentialKernel, gaussianKernel, instantaneousRate, laplacianKernel, rectangularKernel, triangularKernel,
  SpikeTrain, type Kernel,
} from '../../../src/neuro/spikes/index.js';
import { assertClose, assertSummary, fixed, golden, retinaHigh, retinaLow, stn, type Summary, type Values } from './helpers.js';

function kernelFor(name: string, sigma: number, invert: boolean): Kernel {
  switch (name) {
    case 'gaussian': return gaussianKernel(sigma);
    case 'laplacian': return laplacianKernel(sigma);
    case 'exponential': return exponentialKernel(sigma, { invert });
    case 'alpha': return alphaKernel(sigma, { invert });
    case 'rectangular': return rectangularKernel(sigma);
    case 'triangular': return triangularKernel(sigma);
    case 'epanechnikov': return epanechnikovKernel(sigma);
    default: throw new Error(name);
  }
}

function trainsFor(name: string): SpikeTrain[] {
  if (name.startsWith('Elephant docstring')) return [fixed['one']!];
  if (name.startsWith('burst')) return [fixed['burst']!];
  if (name.startsWith('a,b')) return [fixed['a']!, fixed['b']!];
  if (name.startsWith('a ')) return [fixed['a']!];
  if (name.startsWith('retina low,high')) return [retinaLow, retinaHigh];
  if (name.startsWith('retina high')) return [retinaHigh];
  if (name.startsWith('retina low')) return [retinaLow];
  if (name.startsWith('stn trial 0')) return [stn[0]!];
  throw new Error(name);
}

for (const c of golden.rate) {
  test(`instantaneousRate: ${c.name}`, () => {
    const r = instantaneousRate(trainsFor(c.name), {
      samplingPeriod: c.samplingPeriod, kernel: kernelFor(c.kernel, c.sigma, c.invert), cutoff: c.cutoff, center: c.center, tStart: c.tStart, tStop: c.tStop,
    });
    assert.deepEqual([r.times.length, r.nUnits], c.shape);
    assertSummary(r.kernelGrid.t, c.kernelT, 1e-13, 'kernel grid');
    assertSummary(r.kernelGrid.values, c.kernelValues, 1e-10, 'kernel values');
    if (Array.isArray(c.rate)) assertClose(r.rate, c.rate as Values, 1e-10, 'rate');
    else assertSummary(r.rate, c.rate as Summary, 1e-10, 'rate');
    assert.equal(r.times[0], c.tStart);
  });
}

test("instantaneousRate reproduces Elephant's docstring example (spike at 0, Gaussian 300 ms, 200 ms sampling)", () => {
  const st = new SpikeTrain([0], { tStop: 1 });
  const r = instantaneousRate(st, { samplingPeriod: 0.2, kernel: gaussianKernel(0.3), tStart: -1 });
  // printed by Elephant to 8 significant digits
  const doc = [0.01007419, 0.05842767, 0.22928759, 0.60883028, 1.0938699, 1.3298076, 1.0938699, 0.60883028, 0.22928759, 0.05842767];
  assert.equal(r.rate.length, 10);
  r.rate.forEach((v, i) => assert.ok(Math.abs(v - doc[i]!) < 6e-9, `sample ${i}: ${v} vs ${doc[i]}`));
});

test("kernels: Elephant's docstring values, medians, unit area and sigma as the standard deviation", () => {
  const g = gaussianKernel(0.3);
  [0.00514093, 1.3298076, 0.00514093].forEach((v, i) => assert.ok(Math.abs(g.pdf(i - 1) - v) < 6e-9));
  const a = alphaKernel(1);
  [0, 0, 0.48623347].forEach((v, i) => assert.ok(Math.abs(a.pdf(i - 1) - v) < 6e-9));
  assert.ok(Math.abs(a.median - 1.18677054) < 6e-9);
  assert.ok(Math.abs(a.median - golden.alphaMedian.median) < 1e-12, 'alpha median vs scipy.optimize.fsolve');
  assert.ok(Math.abs(alphaKernel(1, { invert: true }).median + a.median) < 1e-15);
  assert.ok(Math.abs(exponentialKernel(2).median - 2 * Math.LN2) < 1e-15);
  for (const k of [gaussianKernel(0.02), laplacianKernel(0.02), exponentialKernel(0.02), alphaKernel(0.02), rectangularKernel(0.02),
    triangularKernel(0.02), epanechnikovKernel(0.02), exponentialKernel(0.02, { invert: true })]) {
    // midpoint rule over ±12 sigma
    const h = 1e-5;
    let m0 = 0, m1 = 0, m2 = 0;
    for (let t = -0.24 + h / 2; t < 0.24; t += h) {
      const p = k.pdf(t) * h;
      m0 += p; m1 += p * t; m2 += p * t * t;
    }
    const sd = Math.sqrt(m2 / m0 - (m1 / m0) ** 2);
    assert.ok(Math.abs(m0 - 1) < 2e-3, `${k.name}: area ${m0}`);
    assert.ok(Math.abs(sd - 0.02) < 2e-4, `${k.name}: sd ${sd}`);
  }
  assert.throws(() => gaussianKernel(0), ArgumentError);
  assert.throws(() => alphaKernel(-1), /sigma must be a positive/);
});

test('instantaneousRate: the rate integrates to the spike count away from the edges', () => {
  const r = instantaneousRate(retinaLow.timeSlice(0, 30), { samplingPeriod: 0.001, kernel: gaussianKernel(0.02), tStart: 0, tStop: 30 });
  let area = 0;
  for (const v of r.rate) area += v * 0.001;
  // the step of the kernel grid is cutoff·sigma/n = samplingPeriod here, so the area is the count
  // up to the mass that leaves the window at 0 and 30 s
  assert.ok(Math.abs(area - retinaLow.length) < 0.5, `area ${area}, spikes ${retinaLow.length}`);
});

test('instantaneousRate refuses bad sampling periods, cutoffs, windows and kernels', () => {
  const st = fixed['burst']!;
  const k = gaussianKernel(0.01);
  assert.throws(() => instantaneousRate(st, { samplingPeriod: 0, kernel: k }), ArgumentError);
  assert.throws(() => instantaneousRate(st, { samplingPeriod: -0.01, kernel: k }), /samplingPeriod/);
  assert.throws(() => instantaneousRate(st, { samplingPeriod: 2, kernel: k }), /longer than the window/);
  assert.throws(() => instantaneousRate(st, { samplingPeriod: 0.01, kernel: k, cutoff: NaN }), /cutoff/);
  assert.throws(() => instantaneousRate(st, { samplingPeriod: 0.01, kernel: k, tStart: 1, tStop: 0 }), ArgumentError);
  assert.throws(() => instantaneousRate([st, fixed['one']!], { samplingPeriod: 0.01, kernel: k }), /different times/);
  assert.throws(() => instantaneousRate(st, { samplingPeriod: 0.01, kernel: {} as Kernel }), /kernel must be/);
});
