// The one windowing path: cut trials (events with a fixed window around them, or annotations
// with durations, as braindecode) or whole recordings into fixed-size windows that a DataLoader
// can batch. Every window list is made by windowStarts and served by WindowsDataset.
// window: (C, W)  C=channels, W=window samples

import { ArgumentError, ShapeError } from '../errors.js';
import { eventSpanStart, eventsFromAnnotations } from './events.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import type { Dataset } from '../data/dataset.js';
import type { Picks, Raw } from './raw.js';

export interface WindowSpec {
  /** First sample of the window. */
  start: number;
  /** One past the last sample. */
  stop: number;
  /** Index of the window within its trial. */
  iWindowInTrial: number;
  /** Class label (from the event mapping; −1 for unlabelled fixed-length windows). */
  target: number;
}

/** Windows over one Raw, as a Dataset of [x (C, W) float32, y int32]. */
export class WindowsDataset implements Dataset<[Tensor, Tensor]> {
  private readonly picks: number[];
  constructor(readonly raw: Raw, readonly windows: readonly WindowSpec[], picks: Picks = 'all', readonly scale = 1) {
    this.picks = raw.pickIndices(picks);
  }
  get length(): number {
    return this.windows.length;
  }
  get nChannels(): number {
    return this.picks.length;
  }
  get(i: number): [Tensor, Tensor] {
    const [x, y] = this.getBatch(Int32Array.of(i));
    return [x.reshape(x.shape[1]!, x.shape[2]!), y.reshape()];
  }
  /** Writes window i (C, W) into `dst` at element `offset` (scaled); returns its label. */
  fill(i: number, dst: Float32Array, offset: number): number {
    const w = this.windows[i];
    if (!w) throw new ArgumentError(`WindowsDataset: index ${i} out of range [0, ${this.windows.length})`);
    const W = w.stop - w.start;
    this.picks.forEach((ch, c) => {
      const src = this.raw.data[ch]!;
      const o = offset + c * W;
      for (let t = 0; t < W; t++) dst[o + t] = src[w.start + t]! * this.scale;
    });
    return w.target;
  }

  /** x: (B, C, W) float32, y: (B,) int32. All windows must have one size. */
  getBatch(indices: Int32Array): [Tensor, Tensor] {
    const ws = Array.from(indices, (i) => {
      const w = this.windows[i];
      if (!w) throw new ArgumentError(`WindowsDataset: index ${i} out of range [0, ${this.windows.length})`);
      return w;
    });
    const W = ws[0]!.stop - ws[0]!.start;
    if (ws.some((w) => w.stop - w.start !== W)) throw new ArgumentError('WindowsDataset: windows in one batch must have the same length');
    const C = this.picks.length;
    // samples go straight into the batch tensor's block: one pass, no staging copy
    const x = Tensor.fromFn([ws.length, C, W], 'float32', (v) => {
      const scale = this.scale;
      ws.forEach((w, b) => {
        this.picks.forEach((ch, c) => {
          const src = this.raw.data[ch]!;
          const o = (b * C + c) * W;
          const s0 = w.start;
          for (let t = 0; t < W; t++) v[o + t] = src[s0 + t]! * scale;
        });
      });
    });
    return [x, fromValues(Int32Array.from(ws, (w) => w.target), [ws.length], 'int32')];
  }
}

/** Start offsets of windows of `size` every `stride` over [0, n); the last one aligned to the end unless dropped. */
function windowStarts(n: number, size: number, stride: number, dropLast: boolean): number[] {
  if (!Number.isInteger(size) || size < 1) throw new ArgumentError(`windows: windowSizeSamples must be a positive integer, got ${size}`);
  if (!Number.isInteger(stride) || stride < 1) throw new ArgumentError(`windows: windowStrideSamples must be a positive integer, got ${stride}`);
  if (size > n) return [];
  const starts: number[] = [];
  for (let s = 0; s + size <= n; s += stride) starts.push(s);
  // braindecode adds a final window ending at the trial end when the stride skips past it
  if (!dropLast && starts[starts.length - 1]! + size < n) starts.push(n - size);
  return starts;
}

export interface TrialWindowOptions {
  /** Description → class label; annotations not in the mapping are ignored. */
  mapping: Record<string, number>;
  /** Samples added to each trial's start (may be negative) and to its end. */
  trialStartOffsetSamples?: number;
  trialStopOffsetSamples?: number;
  /** Window size and stride in samples; default one window per trial. */
  windowSizeSamples?: number;
  windowStrideSamples?: number;
  dropLastWindow?: boolean;
  picks?: Picks;
  /** Multiply samples by this (e.g. 1e6 for µV). */
  scale?: number;
}

/**
 * Windows inside trials, as braindecode's create_windows_from_events: each annotation with a
 * mapped description is a trial from onset + startOffset to onset + duration + stopOffset.
 * Trials reaching outside the recording raise an error naming the trial.
 */
export function createWindowsFromEvents(raw: Raw, o: TrialWindowOptions): WindowsDataset {
  const a = raw.annotations;
  const s0 = o.trialStartOffsetSamples ?? 0;
  const s1 = o.trialStopOffsetSamples ?? 0;
  const windows: WindowSpec[] = [];
  let sizes: number | null = null;
  for (let i = 0; i < a.length; i++) {
    const target = o.mapping[a.description[i]!];
    if (target === undefined) continue;
    const onset = raw.timeAsIndex(a.onset[i]!);
    const start = onset + s0;
    // braindecode truncates the duration to whole samples
    const stop = onset + Math.trunc(a.duration[i]! * raw.info.sfreq) + s1;
    if (start < 0 || stop > raw.nTimes) {
      throw new ArgumentError(`createWindowsFromEvents: trial ${i} ('${a.description[i]}', samples ${start}..${stop}) reaches outside the recording (0..${raw.nTimes})`);
    }
    const len = stop - start;
    const size = o.windowSizeSamples ?? len;
    const stride = o.windowStrideSamples ?? size;
    if (o.windowSizeSamples === undefined) {
      if (sizes !== null && sizes !== len) throw new ArgumentError(`createWindowsFromEvents: trials have different lengths (${sizes} and ${len} samples); give windowSizeSamples`);
      sizes = len;
    }
    if (size > len) throw new ArgumentError(`createWindowsFromEvents: window of ${size} samples is longer than trial ${i} ('${a.description[i]}', ${len} samples)`);
    windowStarts(len, size, stride, o.dropLastWindow ?? false).forEach((s, k) => windows.push({ start: start + s, stop: start + s + size, iWindowInTrial: k, target }));
  }
  if (windows.length === 0) {
    throw new ArgumentError(`createWindowsFromEvents: no annotation matches the mapping (${Object.keys(o.mapping).join(', ')}); descriptions are ${raw.annotations.uniqueDescriptions().join(', ')}`);
  }
  return new WindowsDataset(raw, windows, o.picks ?? 'all', o.scale ?? 1);
}

export interface TrialWindowing {
  /** Event description → class index. */
  mapping: Record<string, number>;
  /** Window start and end relative to each event onset, in seconds. */
  tmin: number;
  tmax: number;
  /**
   * Cropped decoding: cut each trial into windows of `size` samples every `stride` samples (the
   * dense model's predictions per window), the last one ending at the trial end, as
   * Braindecode's create_windows_from_events. Default: one window per trial.
   */
  crop?: { size: number; stride: number };
}

/**
 * Trial windows [onset + tmin, onset + tmax) of the mapped events, labels from the mapping.
 * Events come from the annotations as Epochs' (mne.events_from_annotations: onsets rounded to
 * samples, in time order) and trials leaving the recording are dropped as Epochs drops them
 * (NO_DATA); `source` names the recording in errors.
 */
export function trialWindows(raw: Raw, w: TrialWindowing, source = 'recording'): WindowsDataset {
  const sf = raw.info.sfreq;
  const s0 = Math.round(w.tmin * sf);
  const size = Math.round((w.tmax - w.tmin) * sf);
  if (!(size >= 1)) throw new ArgumentError(`trialWindows: window [${w.tmin}, ${w.tmax}] s is empty`);
  const known = new Set(raw.annotations.description);
  const names = Object.keys(w.mapping);
  if (!names.some((k) => known.has(k))) {
    throw new ArgumentError(`trialWindows: ${source} has none of the events ${names.join(', ')}; its annotations are ${[...known].sort().join(', ') || 'none'}`);
  }
  const crop = w.crop ?? { size, stride: size };
  if (!Number.isInteger(crop.size) || crop.size < 1 || crop.size > size) {
    throw new ArgumentError(`trialWindows: crop size must be an integer in [1, ${size}] (the trial window), got ${crop.size}`);
  }
  if (!Number.isInteger(crop.stride) || crop.stride < 1) throw new ArgumentError(`trialWindows: crop stride must be a positive integer, got ${crop.stride}`);
  const starts = windowStarts(size, crop.size, crop.stride, false);
  const specs: WindowSpec[] = [];
  for (const ev of eventsFromAnnotations(raw, w.mapping).events) {
    const start = eventSpanStart(ev, s0, size, raw.nTimes);
    if (start === null) continue;
    starts.forEach((s, k) => specs.push({ start: start + s, stop: start + s + crop.size, iWindowInTrial: k, target: ev.id }));
  }
  if (specs.length === 0) throw new ShapeError(`trialWindows: ${source} (${raw.nTimes} samples) is too short for any ${size}-sample window at [${w.tmin}, ${w.tmax}] s`);
  return new WindowsDataset(raw, specs);
}

export interface FixedWindowOptions {
  windowSizeSamples: number;
  windowStrideSamples?: number;
  startOffsetSamples?: number;
  /** Samples to leave out at the end (default none). */
  stopOffsetSamples?: number;
  dropLastWindow?: boolean;
  picks?: Picks;
  scale?: number;
  /** Label for every window (default −1). */
  target?: number;
}

/** Windows over the whole recording, as braindecode's create_fixed_length_windows. */
export function createFixedLengthWindows(raw: Raw, o: FixedWindowOptions): WindowsDataset {
  const start = o.startOffsetSamples ?? 0;
  const stop = raw.nTimes - (o.stopOffsetSamples ?? 0);
  const size = o.windowSizeSamples;
  if (!Number.isInteger(size) || size < 1) throw new ArgumentError(`createFixedLengthWindows: windowSizeSamples must be a positive integer, got ${size}`);
  if (stop - start < size) throw new ArgumentError(`createFixedLengthWindows: the recording (${stop - start} samples after offsets) is shorter than one window (${size})`);
  const stride = o.windowStrideSamples ?? size;
  const windows = windowStarts(stop - start, size, stride, o.dropLastWindow ?? false).map((s, k) => ({ start: start + s, stop: start + s + size, iWindowInTrial: k, target: o.target ?? -1 }));
  return new WindowsDataset(raw, windows, o.picks ?? 'all', o.scale ?? 1);
}
