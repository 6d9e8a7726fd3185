// Data augmentation for EEG batches, after Braindecode's transforms (braindecode.augmentation):
// TimeReverse, SignFlip, GaussianNoise, ChannelsDropout, FrequencyShift, FTSurrogate,
// SmoothTimeMask. X: (B, C, T)  B=batch, C=channels, T=samples.
//
// As in Braindecode, each sample of the batch is transformed with probability p (a Bernoulli
// draw per sample, in batch order), then the transform's random parameters are drawn for the
// selected samples only. Randomness comes from a seeded Generator (the transform's own, or the
// one passed to apply, e.g. the trainer's). Outputs are new float32 tensors; inputs are left
// untouched; the graph is not recorded (augmentation runs outside the tape). y passes through.

import { ArgumentError, ShapeError } from '../errors.js';
import { hilbert } from '../signal/hilbert.js';
import { fft, fftInPlace } from '../signal/fft.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor, fromValues } from '../tensor/tensor.js';

export interface TransformOptions {
  /** Probability that each sample is transformed (Braindecode requires it; here default 0.5). */
  probability?: number;
  /** Seed of the transform's own Generator (ignored when generator is given). */
  seed?: number;
  /** Generator used by forward(); default the global generator. */
  generator?: Generator;
}

/** Signature of decode.fit's augment hook. */
export type AugmentFn = (x: Tensor, y: Tensor, gen: Generator) => [Tensor, Tensor];

export abstract class Transform {
  readonly probability: number;
  readonly generator: Generator;

  constructor(name: string, opts: TransformOptions = {}) {
    const p = opts.probability ?? 0.5;
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`${name}: probability must be in [0, 1], got ${p}`);
    this.probability = p;
    this.generator = opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
  }

  /** Transforms a batch with the transform's own generator. */
  forward<Y>(X: Tensor, y?: Y): [Tensor, Y | undefined] {
    return [this.run(X, this.generator), y];
  }

  /** Transforms a batch with the given generator (the decode.fit augment hook's signature). */
  apply<Y>(X: Tensor, y: Y, gen: Generator = this.generator): [Tensor, Y] {
    return [this.run(X, gen), y];
  }

  /** Works on a (B, C, T) batch given as a row-major Float64Array; returns a new one. */
  transformArray(data: Float64Array, shape: readonly [number, number, number], gen: Generator = this.generator): Float64Array {
    const [B, C, T] = shape;
    if (data.length !== B * C * T) throw new ShapeError(`${this.constructor.name}: ${data.length} values do not fill (${B}, ${C}, ${T})`);
    const out = Float64Array.from(data);
    const sel: number[] = [];
    for (let b = 0; b < B; b++) if (gen.random() < this.probability) sel.push(b);
    if (sel.length === 0) return out;
    const n = C * T;
    const sub = new Float64Array(sel.length * n);
    sel.forEach((b, i) => sub.set(out.subarray(b * n, (b + 1) * n), i * n));
    this.operation(sub, sel.length, C, T, gen);
    sel.forEach((b, i) => out.set(sub.subarray(i * n, (i + 1) * n), b * n));
    return out;
  }

  private run(X: Tensor, gen: Generator): Tensor {
    if (!(X instanceof Tensor) || X.ndim !== 3) throw new ShapeError(`${this.constructor.name}: X must be a (batch, channels, times) tensor, got shape (${X instanceof Tensor ? X.shape.join(', ') : typeof X})`);
    const shape = [X.shape[0]!, X.shape[1]!, X.shape[2]!] as const;
    const data = Float64Array.from(X.dataSync());
    return fromValues(this.transformArray(data, shape, gen), shape, 'float32');
  }

  /** Transforms the n selected samples in place (x: (n, C, T)), drawing parameters from gen. */
  protected abstract operation(x: Float64Array, n: number, C: number, T: number, gen: Generator): void;
}

/** Flips the time axis (braindecode TimeReverse). */
export class TimeReverse extends Transform {
  constructor(opts: TransformOptions = {}) {
    super('TimeReverse', opts);
  }
  protected operation(x: Float64Array, n: number, C: number, T: number): void {
    for (let r = 0; r < n * C; r++) x.subarray(r * T, (r + 1) * T).reverse();
  }
}

/** Negates the signal (braindecode SignFlip). */
export class SignFlip extends Transform {
  constructor(opts: TransformOptions = {}) {
    super('SignFlip', opts);
  }
  protected operation(x: Float64Array): void {
    for (let i = 0; i < x.length; i++) x[i] = -x[i]!;
  }
}

/** Adds white Gaussian noise of standard deviation std (braindecode GaussianNoise, default std 0.1). */
export class GaussianNoise extends Transform {
  readonly std: number;
  constructor(opts: TransformOptions & { std?: number } = {}) {
    super('GaussianNoise', opts);
    this.std = opts.std ?? 0.1;
    if (!(this.std >= 0)) throw new ArgumentError(`GaussianNoise: std must be ≥ 0, got ${this.std}`);
  }
  protected operation(x: Float64Array, _n: number, _C: number, _T: number, gen: Generator): void {
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + this.std * gen.normal();
  }
}

/** Zeroes each channel of a sample independently with probability pDrop (braindecode ChannelsDropout, default 0.2). */
export class ChannelsDropout extends Transform {
  readonly pDrop: number;
  constructor(opts: TransformOptions & { pDrop?: number } = {}) {
    super('ChannelsDropout', opts);
    this.pDrop = opts.pDrop ?? 0.2;
    if (!(this.pDrop >= 0 && this.pDrop <= 1)) throw new ArgumentError(`ChannelsDropout: pDrop must be in [0, 1], got ${this.pDrop}`);
  }
  protected operation(x: Float64Array, n: number, C: number, T: number, gen: Generator): void {
    for (let r = 0; r < n * C; r++) {
      const keep = gen.random() < 1 - this.pDrop;
      if (!keep) x.fill(0, r * T, (r + 1) * T);
    }
  }
}

/**
 * Shifts every frequency of a sample by δ Hz, δ uniform in [−maxDeltaFreq, maxDeltaFreq]
 * (braindecode FrequencyShift): Re(analytic(x) · e^{2πiδt}), the analytic signal computed on
 * the sample zero-padded to the next power of two.
 */
export class FrequencyShift extends Transform {
  readonly sfreq: number;
  readonly maxDeltaFreq: number;
  constructor(opts: TransformOptions & { sfreq: number; maxDeltaFreq?: number }) {
    super('FrequencyShift', opts);
    if (!(opts.sfreq > 0)) throw new ArgumentError(`FrequencyShift: sfreq must be > 0, got ${opts.sfreq}`);
    this.sfreq = opts.sfreq;
    this.maxDeltaFreq = opts.maxDeltaFreq ?? 2;
    if (!(this.maxDeltaFreq >= 0)) throw new ArgumentError(`FrequencyShift: maxDeltaFreq must be ≥ 0, got ${this.maxDeltaFreq}`);
  }
  protected operation(x: Float64Array, n: number, C: number, T: number, gen: Generator): void {
    const deltas = Array.from({ length: n }, () => gen.random() * 2 * this.maxDeltaFreq - this.maxDeltaFreq);
    for (let b = 0; b < n; b++) frequencyShiftInPlace(x.subarray(b * C * T, (b + 1) * C * T), C, T, deltas[b]!, this.sfreq);
  }
}

/** Shifts all frequencies of a (C, T) block by delta Hz in place (analytic signal over a power-of-two padding). */
export function frequencyShiftInPlace(x: Float64Array, C: number, T: number, delta: number, sfreq: number): void {
  const nPad = 2 ** Math.ceil(Math.log2(T));
  const w = (2 * Math.PI * delta) / sfreq;
  for (let c = 0; c < C; c++) {
    const row = x.subarray(c * T, (c + 1) * T);
    const a = hilbert(row, nPad);
    for (let t = 0; t < T; t++) row[t] = a.re[t]! * Math.cos(w * t) - a.im[t]! * Math.sin(w * t);
  }
}

/**
 * Fourier-transform surrogate (braindecode FTSurrogate): the phases of each sample's spectrum
 * are rotated by random angles 2π·u·phaseNoiseMagnitude (u uniform, Hermitian-symmetric so the
 * result is real; DC and Nyquist untouched), the same for all channels unless channelIndep.
 * The amplitude spectrum is preserved.
 */
export class FTSurrogate extends Transform {
  readonly phaseNoiseMagnitude: number;
  readonly channelIndep: boolean;
  constructor(opts: TransformOptions & { phaseNoiseMagnitude?: number; channelIndep?: boolean } = {}) {
    super('FTSurrogate', opts);
    this.phaseNoiseMagnitude = opts.phaseNoiseMagnitude ?? 1;
    if (!(this.phaseNoiseMagnitude >= 0 && this.phaseNoiseMagnitude <= 1)) throw new ArgumentError(`FTSurrogate: phaseNoiseMagnitude must be in [0, 1], got ${this.phaseNoiseMagnitude}`);
    this.channelIndep = opts.channelIndep ?? false;
  }
  protected operation(x: Float64Array, n: number, C: number, T: number, gen: Generator): void {
    const half = T % 2 === 0 ? (T - 2) / 2 : (T - 1) / 2;
    const nPhase = this.channelIndep ? C : 1;
    const phases = new Float64Array(n * nPhase * half);
    for (let i = 0; i < phases.length; i++) phases[i] = 2 * Math.PI * gen.random();
    for (let b = 0; b < n; b++) {
      for (let c = 0; c < C; c++) {
        const ph = phases.subarray((b * nPhase + (this.channelIndep ? c : 0)) * half, (b * nPhase + (this.channelIndep ? c : 0) + 1) * half);
        const row = x.subarray((b * C + c) * T, (b * C + c + 1) * T);
        const f = fft(row);
        for (let k = 1; k <= half; k++) {
          const a = this.phaseNoiseMagnitude * ph[k - 1]!;
          rotate(f.re, f.im, k, a);
          rotate(f.re, f.im, T - k, -a);
        }
        fftInPlace(f.re, f.im, true);
        row.set(f.re);
      }
    }
  }
}

function rotate(re: Float64Array, im: Float64Array, k: number, a: number): void {
  const c = Math.cos(a);
  const s = Math.sin(a);
  const r = re[k]!;
  const i = im[k]!;
  re[k] = r * c - i * s;
  im[k] = r * s + i * c;
}

/**
 * Smoothly masks a window of maskLenSamples samples starting at a uniform random position in
 * [0, T − maskLenSamples] (braindecode SmoothTimeMask): x · (σ(−s(t − t₀)) + σ(s(t − t₀ − L))),
 * s = 1000 / T.
 */
export class SmoothTimeMask extends Transform {
  readonly maskLenSamples: number;
  constructor(opts: TransformOptions & { maskLenSamples?: number } = {}) {
    super('SmoothTimeMask', opts);
    this.maskLenSamples = opts.maskLenSamples ?? 100;
    if (!(this.maskLenSamples > 0)) throw new ArgumentError(`SmoothTimeMask: maskLenSamples must be > 0, got ${this.maskLenSamples}`);
  }
  protected operation(x: Float64Array, n: number, C: number, T: number, gen: Generator): void {
    if (this.maskLenSamples > T) throw new ArgumentError(`SmoothTimeMask: maskLenSamples ${this.maskLenSamples} exceeds the ${T} samples`);
    const starts = Array.from({ length: n }, () => gen.random() * (T - this.maskLenSamples));
    for (let b = 0; b < n; b++) smoothTimeMaskInPlace(x.subarray(b * C * T, (b + 1) * C * T), C, T, starts[b]!, this.maskLenSamples);
  }
}

/** Applies the smooth mask starting at `start` (samples) of length `len` to a (C, T) block in place. */
export function smoothTimeMaskInPlace(x: Float64Array, C: number, T: number, start: number, len: number): void {
  const s = 1000 / T;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const mask = Float64Array.from({ length: T }, (_, t) => sig(-s * (t - start)) + sig(s * (t - start - len)));
  for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) x[c * T + t] = x[c * T + t]! * mask[t]!;
}

/** Applies transforms in order (braindecode's list of transforms / torchvision Compose). */
export class Compose {
  constructor(readonly transforms: readonly Transform[]) {}
  forward<Y>(X: Tensor, y?: Y): [Tensor, Y | undefined] {
    let cur = X;
    for (const t of this.transforms) {
      const [next] = t.forward(cur);
      if (cur !== X) cur.dispose();
      cur = next;
    }
    return [cur, y];
  }
  apply<Y>(X: Tensor, y: Y, gen?: Generator): [Tensor, Y] {
    let cur = X;
    for (const t of this.transforms) {
      const [next] = t.apply(cur, y, gen ?? t.generator);
      if (cur !== X) cur.dispose();
      cur = next;
    }
    return [cur, y];
  }
}

/** A decode.fit `augment` hook applying the transforms in order with the trainer's generator. */
export function augmentation(...transforms: Transform[]): AugmentFn {
  const c = new Compose(transforms);
  return (x, y, gen) => c.apply(x, y, gen);
}
