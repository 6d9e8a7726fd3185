// Random spike trains from point processes, drawn from a seeded Generator (src/tensor/random.ts) so
// a seed gives the same train on every platform: homogeneous Poisson, stationary gamma (renewal)
// and inhomogeneous Poisson by thinning (Lewis & Shedler 1979), as
// elephant.spike_train_generation's StationaryPoissonProcess, StationaryGammaProcess and
// NonStationaryPoissonProcess. The random streams differ from numpy's: same statistics, other draws.

import { ArgumentError } from '../../errors.js';
import { defaultGenerator, type Generator } from '../../tensor/random.js';
import { SpikeTrain } from './spike_train.js';

function checkWindow(op: string, tStart: number, tStop: number): void {
  if (!Number.isFinite(tStart) || !Number.isFinite(tStop) || !(tStop > tStart)) throw new ArgumentError(`${op}: tStop ${tStop} must be a finite time after tStart ${tStart}`);
}

/** Exponential(1) draw; 1 − u lies in (0, 1], so the log is finite. */
function expDraw(rng: Generator): number {
  return -Math.log(1 - rng.random());
}

/** Gamma(shape, 1) draw: Marsaglia & Tsang (2000); shape < 1 via Gamma(shape + 1) · U^(1/shape). */
export function gammaDraw(shape: number, rng: Generator): number {
  if (shape < 1) {
    const g = gammaDraw(shape + 1, rng);
    return g * Math.pow(1 - rng.random(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Renewal process: cumulative sums of `draw()` from tStart, kept while < tStop. */
function renewal(tStart: number, tStop: number, draw: () => number): SpikeTrain {
  const times: number[] = [];
  let t = tStart + draw();
  while (t < tStop) {
    times.push(t);
    t += draw();
  }
  return new SpikeTrain(times, { tStart, tStop });
}

/** Homogeneous Poisson process of `rate` Hz on [tStart, tStop): exponential ISIs of mean 1/rate. */
export function homogeneousPoisson(rate: number, tStart: number, tStop: number, rng: Generator = defaultGenerator): SpikeTrain {
  checkWindow('homogeneousPoisson', tStart, tStop);
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new ArgumentError(`homogeneousPoisson: rate must be a finite number >= 0 Hz, got ${rate}`);
  if (rate === 0) return new SpikeTrain([], { tStart, tStop });
  return renewal(tStart, tStop, () => expDraw(rng) / rate);
}

/**
 * Stationary gamma process with mean firing rate `rate` Hz and shape k: ISIs ~ Gamma(k, scale 1/(k·rate)),
 * so the ISI CV is 1/√k (k = 1 is Poisson). Elephant's StationaryGammaProcess(rate, shape_factor);
 * the older homogeneous_gamma_process(a, b) is shape a and b = k·rate.
 * The process starts at tStart with a fresh interval (no equilibrium start).
 */
export function gammaProcess(shape: number, rate: number, tStart: number, tStop: number, rng: Generator = defaultGenerator): SpikeTrain {
  checkWindow('gammaProcess', tStart, tStop);
  if (!(shape > 0) || !Number.isFinite(shape)) throw new ArgumentError(`gammaProcess: shape must be a positive finite number, got ${shape}`);
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new ArgumentError(`gammaProcess: rate must be a finite number >= 0 Hz, got ${rate}`);
  if (rate === 0) return new SpikeTrain([], { tStart, tStop });
  const scale = 1 / (shape * rate);
  return renewal(tStart, tStop, () => gammaDraw(shape, rng) * scale);
}

/**
 * Inhomogeneous Poisson process with rate rate[i] Hz held constant on
 * [tStart + i·samplingPeriod, tStart + (i+1)·samplingPeriod), by thinning: candidates from a
 * homogeneous process at max(rate) are kept with probability rate(t)/max(rate).
 * The train spans [tStart, tStart + n·samplingPeriod].
 */
export function inhomogeneousPoisson(rate: ArrayLike<number>, samplingPeriod: number, opts: { tStart?: number; rng?: Generator } = {}): SpikeTrain {
  const op = 'inhomogeneousPoisson';
  const tStart = opts.tStart ?? 0;
  const rng = opts.rng ?? defaultGenerator;
  if (!(samplingPeriod > 0) || !Number.isFinite(samplingPeriod)) throw new ArgumentError(`${op}: samplingPeriod must be a positive finite number of seconds, got ${samplingPeriod}`);
  if (rate.length === 0) throw new ArgumentError(`${op}: empty rate signal`);
  let max = 0;
  for (let i = 0; i < rate.length; i++) {
    const r = rate[i]!;
    if (!(r >= 0) || !Number.isFinite(r)) throw new ArgumentError(`${op}: rate[${i}] = ${r}; rates must be finite and >= 0 Hz`);
    if (r > max) max = r;
  }
  const tStop = tStart + rate.length * samplingPeriod;
  checkWindow(op, tStart, tStop);
  if (max === 0) return new SpikeTrain([], { tStart, tStop });
  const times: number[] = [];
  for (let t = tStart + expDraw(rng) / max; t < tStop; t += expDraw(rng) / max) {
    const i = Math.min(rate.length - 1, Math.floor((t - tStart) / samplingPeriod));
    if (rng.random() * max < rate[i]!) times.push(t);
  }
  return new SpikeTrain(times, { tStart, tStop });
}
