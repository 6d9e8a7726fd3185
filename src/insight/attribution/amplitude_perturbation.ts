// Amplitude-perturbation analysis of EEG decoders (Schirrmeister et al. 2017, as Braindecode's
// compute_amplitude_prediction_correlations): the Fourier amplitudes of every trial are perturbed
// (never below 0) while the phases are kept, the trials are transformed back and predicted again,
// and, per channel × frequency × output, the perturbation is correlated (Pearson, across trials)
// with the change of the prediction. Repeated nIterations times; the mean correlation is returned
// with the per-iteration ones.
// x: (N, C, T)  N=trials, C=channels, T=samples → correlations (C, F, K)  F=T/2+1 bins, K=outputs

import { ArgumentError, ShapeError } from '../../errors.js';
import { Tensor, tidy } from '../../tensor/tensor.js';
import { randn, tensor } from '../../tensor/creation.js';
import { fmtShape } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { irfft, rfft } from '../../signal/fft.js';
import type { AnyModule } from '../../nn/module.js';
import { positiveInt } from './target.js';

/** Returns the additive amplitude perturbation (N·C·F values) for one iteration. */
export type AmplitudePerturbFn = (amps: Float64Array, shape: readonly [number, number, number], iteration: number) => ArrayLike<number>;

export interface AmplitudePerturbationOptions {
  nIterations?: number;
  /** Trials per forward pass (default 30, as Braindecode). */
  batchSize?: number;
  /** Standard deviation of the default Gaussian perturbation (Braindecode's default: 1). */
  scale?: number;
  /** Scale the default perturbation by each (channel, frequency)'s amplitude std across trials (Braindecode's std_scaled_gaussian_perturbation). */
  stdScaled?: boolean;
  /** Replaces the default Gaussian draw, e.g. to reproduce another run. */
  perturb?: AmplitudePerturbFn;
  /** Sampling rate, to label the frequency bins in Hz. */
  sfreq?: number;
}

export interface AmplitudePerturbationResult {
  /** Mean over iterations, (C, F, K) row-major. */
  correlations: Float64Array;
  /** One (C, F, K) array per iteration. */
  perIteration: Float64Array[];
  shape: [number, number, number];
  /** Bin frequencies in Hz (bin index / T · sfreq), or bin indices when sfreq is not given. */
  freqs: Float64Array;
}

function predict(op: string, model: AnyModule, x: Float32Array, N: number, C: number, T: number, batch: number): { y: Float64Array; K: number } {
  let K = -1;
  let y = new Float64Array(0);
  for (let b0 = 0; b0 < N; b0 += batch) {
    const n = Math.min(batch, N - b0);
    const o = noGrad(() => tidy(() => {
      const out = model.call(tensor(x.subarray(b0 * C * T, (b0 + n) * C * T), { shape: [n, C, T] }));
      if (!(out instanceof Tensor) || out.ndim !== 2 || out.shape[0] !== n) throw new ShapeError(`${op}: the model must return (B, K) outputs, got ${out instanceof Tensor ? fmtShape(out.shape) : typeof out}`);
      return { v: Float64Array.from(out.dataSync()), k: out.shape[1]! };
    }));
    if (K < 0) (K = o.k), (y = new Float64Array(N * K));
    y.set(o.v, b0 * K);
  }
  return { y, K };
}

export function amplitudePerturbation(model: AnyModule, x: Tensor, opts: AmplitudePerturbationOptions = {}): AmplitudePerturbationResult {
  const op = 'amplitudePerturbation';
  if (x.ndim !== 3) throw new ShapeError(`${op}: input must be (trials, channels, samples), got ${fmtShape(x.shape)}`);
  const [N, C, T] = x.shape as [number, number, number];
  if (N < 2) throw new ArgumentError(`${op}: correlations across trials need at least 2 trials, got ${N}`);
  const nIt = positiveInt(op, 'nIterations', opts.nIterations ?? 30);
  const batch = positiveInt(op, 'batchSize', opts.batchSize ?? 30);
  const scale = opts.scale ?? 1;
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new ArgumentError(`${op}: scale must be a finite number ≥ 0, got ${scale}`);
  const xv = Float32Array.from(x.dataSync());
  const F = (T >> 1) + 1;
  const amps = new Float64Array(N * C * F), phases = new Float64Array(N * C * F);
  for (let r = 0; r < N * C; r++) {
    const s = rfft(xv.subarray(r * T, (r + 1) * T));
    for (let f = 0; f < F; f++) {
      amps[r * F + f] = Math.hypot(s.re[f]!, s.im[f]!);
      phases[r * F + f] = Math.atan2(s.im[f]!, s.re[f]!);
    }
  }
  let stds: Float64Array | null = null;
  if (opts.stdScaled) {
    stds = new Float64Array(C * F);
    for (let j = 0; j < C * F; j++) {
      let m = 0, q = 0;
      for (let n = 0; n < N; n++) m += amps[n * C * F + j]!;
      m /= N;
      for (let n = 0; n < N; n++) q += (amps[n * C * F + j]! - m) ** 2;
      stds[j] = Math.sqrt(q / N);
    }
  }
  const orig = predict(op, model, xv, N, C, T, batch);
  const K = orig.K;
  const shape: [number, number, number] = [N, C, F];
  const perIteration: Float64Array[] = [];
  const mean = new Float64Array(C * F * K);
  const re = new Float64Array(F), im = new Float64Array(F);
  const pert = new Float64Array(N * C * F);
  const xp = new Float32Array(N * C * T);
  for (let it = 0; it < nIt; it++) {
    if (opts.perturb) {
      const p = opts.perturb(amps, shape, it);
      if (p.length !== pert.length) throw new ShapeError(`${op}: perturb returned ${p.length} values for amplitudes (${N}, ${C}, ${F})`);
      for (let i = 0; i < pert.length; i++) pert[i] = p[i]!;
    } else {
      const r = randn([N * C * F]);
      const z = r.dataSync();
      for (let i = 0; i < pert.length; i++) pert[i] = z[i]! * scale * (stds ? stds[i % (C * F)]! : 1);
      r.dispose();
    }
    for (let r = 0; r < N * C; r++) {
      for (let f = 0; f < F; f++) {
        const i = r * F + f;
        pert[i] = Math.max(-amps[i]!, pert[i]!); // amplitudes stay ≥ 0
        const a = amps[i]! + pert[i]!;
        re[f] = a * Math.cos(phases[i]!);
        im[f] = a * Math.sin(phases[i]!);
      }
      xp.set(irfft(re, im, T), r * T);
    }
    const y = predict(op, model, xp, N, C, T, batch).y;
    const dy = new Float64Array(N * K);
    for (let i = 0; i < dy.length; i++) dy[i] = y[i]! - orig.y[i]!;
    const corr = pearsonAcrossTrials(pert, dy, N, C * F, K);
    perIteration.push(corr);
    for (let i = 0; i < corr.length; i++) mean[i]! += corr[i]! / nIt;
  }
  const freqs = Float64Array.from({ length: F }, (_, f) => (opts.sfreq === undefined ? f : (f * opts.sfreq) / T));
  return { correlations: mean, perIteration, shape: [C, F, K], freqs };
}

/** corr(a[:, j], b[:, k]) over the N rows, for a (N, J) and b (N, K) → (J, K); 0 where either is constant. */
function pearsonAcrossTrials(a: Float64Array, b: Float64Array, N: number, J: number, K: number): Float64Array {
  const out = new Float64Array(J * K);
  const bm = new Float64Array(K), bs = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let m = 0;
    for (let n = 0; n < N; n++) m += b[n * K + k]!;
    bm[k] = m / N;
    let s = 0;
    for (let n = 0; n < N; n++) s += (b[n * K + k]! - bm[k]!) ** 2;
    bs[k] = Math.sqrt(s);
  }
  const ac = new Float64Array(N);
  for (let j = 0; j < J; j++) {
    let m = 0;
    for (let n = 0; n < N; n++) m += a[n * J + j]!;
    m /= N;
    let s = 0;
    for (let n = 0; n < N; n++) (ac[n] = a[n * J + j]! - m), (s += ac[n]! ** 2);
    const as = Math.sqrt(s);
    for (let k = 0; k < K; k++) {
      let c = 0;
      for (let n = 0; n < N; n++) c += ac[n]! * (b[n * K + k]! - bm[k]!);
      out[j * K + k] = as > 0 && bs[k]! > 0 ? c / (as * bs[k]!) : 0;
    }
  }
  return out;
}
