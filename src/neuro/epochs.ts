// Epochs: fixed-length segments of a Raw around events, as mne.Epochs: baseline correction,
// peak-to-peak rejection and flatness thresholds per channel type, decimation.
// data: (E, C, T)  E=epochs, C=channels, T=samples

import { ArgumentError, ShapeError } from '../errors.js';
import type { ChannelType } from '../io/types.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import { eventSpanStart, type Event } from './events.js';
import type { Picks, Raw } from './raw.js';

export interface EpochsOptions {
  /** Start and end of each epoch relative to the event, in seconds (both included). */
  tmin?: number;
  tmax?: number;
  /** Interval (seconds, null = epoch edge) whose mean is subtracted per channel; null = none. */
  baseline?: readonly [number | null, number | null] | null;
  picks?: Picks;
  /** Peak-to-peak maxima per channel type (SI units): an epoch exceeding one is dropped. */
  reject?: Partial<Record<ChannelType, number>>;
  /** Peak-to-peak minima per channel type: an epoch with a flatter channel is dropped. */
  flat?: Partial<Record<ChannelType, number>>;
  /** Keep every decim-th sample (no anti-alias filter: low-pass first, as MNE advises). */
  decim?: number;
}

export class Epochs {
  /** (E, C, T) row-major. */
  readonly data: Float64Array;
  readonly events: Event[];
  readonly eventId: Record<string, number>;
  readonly chNames: string[];
  readonly chTypes: ChannelType[];
  readonly sfreq: number;
  readonly tmin: number;
  readonly nTimes: number;
  /** Per input event: [] when kept, else the reasons it was dropped (MNE's drop_log). */
  readonly dropLog: string[][];

  constructor(raw: Raw, events: readonly Event[], eventId?: Record<string, number>, opts: EpochsOptions = {}) {
    const tmin = opts.tmin ?? -0.2;
    const tmax = opts.tmax ?? 0.5;
    if (!(tmax >= tmin)) throw new ArgumentError(`Epochs: tmax ${tmax} must be ≥ tmin ${tmin}`);
    const decim = opts.decim ?? 1;
    if (!Number.isInteger(decim) || decim < 1) throw new ArgumentError(`Epochs: decim must be a positive integer, got ${decim}`);
    const sf = raw.info.sfreq;
    const ids = eventId ?? Object.fromEntries([...new Set(events.map((e) => e.id))].sort((a, b) => a - b).map((id) => [String(id), id]));
    const wanted = new Set(Object.values(ids));
    for (const [k, v] of Object.entries(ids)) {
      if (!events.some((e) => e.id === v)) throw new ArgumentError(`Epochs: event id ${k}=${v} not found among the events`);
    }
    const picks = raw.pickIndices(opts.picks ?? 'all');
    this.chNames = picks.map((i) => raw.info.chNames[i]!);
    this.chTypes = picks.map((i) => raw.info.chTypes[i]!);
    // MNE: the first sample is round(tmin·sfreq) from the event, the last round(tmax·sfreq)
    const s0 = Math.round(tmin * sf);
    const s1 = Math.round(tmax * sf);
    const nFull = s1 - s0 + 1;
    const keepIdx = Array.from({ length: Math.ceil(nFull / decim) }, (_, i) => i * decim);
    const T = keepIdx.length;
    const C = picks.length;
    const times = Array.from({ length: nFull }, (_, i) => (s0 + i) / sf);
    let bl: [number, number] | null = null;
    if (opts.baseline !== null) {
      const [b0, b1] = opts.baseline ?? [null, 0];
      const lo = b0 === null ? 0 : times.findIndex((t) => t >= b0 - 1e-9);
      let hi = b1 === null ? nFull - 1 : -1;
      if (b1 !== null) for (let i = 0; i < nFull; i++) if (times[i]! <= b1 + 1e-9) hi = i;
      if (lo < 0 || hi < lo) throw new ArgumentError(`Epochs: baseline [${b0}, ${b1}] lies outside the epoch [${tmin}, ${tmax}] s`);
      bl = [lo, hi];
    }
    const rows: Float64Array[] = [];
    const kept: Event[] = [];
    this.dropLog = [];
    const epoch = new Float64Array(C * nFull);
    for (const ev of events) {
      if (!wanted.has(ev.id)) {
        this.dropLog.push(['IGNORED']);
        continue;
      }
      const a = eventSpanStart(ev, s0, nFull, raw.nTimes);
      if (a === null) {
        this.dropLog.push(['NO_DATA']);
        continue;
      }
      for (let c = 0; c < C; c++) epoch.set(raw.data[picks[c]!]!.subarray(a, a + nFull), c * nFull);
      if (bl) {
        for (let c = 0; c < C; c++) {
          let m = 0;
          for (let i = bl[0]; i <= bl[1]; i++) m += epoch[c * nFull + i]!;
          m /= bl[1] - bl[0] + 1;
          for (let i = 0; i < nFull; i++) epoch[c * nFull + i] -= m;
        }
      }
      // MNE judges the epoch after baseline correction and decimation
      const reasons: string[] = [];
      for (let c = 0; c < C; c++) {
        const rj = opts.reject?.[this.chTypes[c]!];
        const fl = opts.flat?.[this.chTypes[c]!];
        if (rj === undefined && fl === undefined) continue;
        let lo = Infinity;
        let hi = -Infinity;
        for (const i of keepIdx) {
          const v = epoch[c * nFull + i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if ((rj !== undefined && hi - lo > rj) || (fl !== undefined && hi - lo < fl)) reasons.push(this.chNames[c]!);
      }
      this.dropLog.push(reasons);
      if (reasons.length) continue;
      const row = new Float64Array(C * T);
      for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) row[c * T + t] = epoch[c * nFull + keepIdx[t]!]!;
      rows.push(row);
      kept.push(ev);
    }
    this.data = new Float64Array(rows.length * C * T);
    rows.forEach((r, e) => this.data.set(r, e * C * T));
    this.events = kept;
    this.eventId = ids;
    this.sfreq = sf / decim;
    this.tmin = s0 / sf;
    this.nTimes = T;
  }

  get length(): number {
    return this.events.length;
  }
  get nChannels(): number {
    return this.chNames.length;
  }
  get shape(): [number, number, number] {
    return [this.length, this.nChannels, this.nTimes];
  }
  /** Epoch sample times in seconds. */
  times(): Float64Array {
    return Float64Array.from({ length: this.nTimes }, (_, i) => this.tmin + i / this.sfreq);
  }

  /** One epoch (C, T) as a copy. */
  getEpoch(i: number): Float64Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new ShapeError(`Epochs: index ${i} out of range [0, ${this.length})`);
    const n = this.nChannels * this.nTimes;
    return this.data.slice(i * n, (i + 1) * n);
  }

  /** Event ids of the kept epochs (the labels for decoding). */
  labels(): Int32Array {
    return Int32Array.from(this.events, (e) => e.id);
  }

  /** (E, C, T) float32 tensor, optionally scaled (e.g. 1e6 for µV). */
  toTensor(scale = 1): Tensor {
    const f = new Float32Array(this.data.length);
    for (let i = 0; i < f.length; i++) f[i] = this.data[i]! * scale;
    return fromValues(f, this.shape, 'float32');
  }
}
