// Raw: a continuous multichannel recording in memory, as mne.io.Raw. Data are in SI units
// (volts for voltage channels), one Float64Array per channel, all at one sampling rate.
// x: (C, T)  C=channels, T=samples

import { ArgumentError, ShapeError } from '../errors.js';
import type { ChannelType, Recording } from '../io/types.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import { Annotations } from './annotations.js';
import { montagePositions, standardMontage, type Montage, type MontageKind, type MontageMatchOptions, type Vec3 } from './montage.js';
import { filterData, notchFilter, resample, type FilterDataOptions, type NotchFilterOptions, type ResampleOptions } from '../signal/index.js';

export interface RawInfo {
  sfreq: number;
  chNames: string[];
  chTypes: ChannelType[];
  /** Units of the stored data, SI ('V' for voltage channels). */
  units: string[];
  bads: string[];
  measDate: Date | null;
  /** Head-frame positions (m) per channel, as MNE's info['chs'][i]['loc'][:3]; set by setMontage
   * (null for a channel the montage does not place). */
  chPos?: (Vec3 | null)[];
}

export type Picks = readonly (string | number)[] | ChannelType | readonly ChannelType[] | 'all' | 'data';

const VOLT_TYPES = new Set<ChannelType>(['eeg', 'eog', 'emg', 'ecg', 'seeg', 'ecog', 'bio']);

export class Raw {
  readonly info: RawInfo;
  readonly data: Float64Array[];
  annotations: Annotations;

  constructor(data: Float64Array[], info: RawInfo, annotations: Annotations = new Annotations([], [], [])) {
    if (data.length !== info.chNames.length || info.chTypes.length !== info.chNames.length) {
      throw new ShapeError(`Raw: ${data.length} data rows for ${info.chNames.length} channel names and ${info.chTypes.length} types`);
    }
    const n = data[0]?.length ?? 0;
    for (const [i, d] of data.entries()) if (d.length !== n) throw new ShapeError(`Raw: channel ${info.chNames[i]} has ${d.length} samples, channel ${info.chNames[0]} ${n}`);
    if (!(info.sfreq > 0)) throw new ArgumentError(`Raw: sfreq must be positive, got ${info.sfreq}`);
    this.data = data;
    this.info = info;
    this.annotations = annotations;
  }

  /**
   * Loads a recording (EDF/BDF/GDF reader output). The picked channels must share one
   * sampling rate; pick channels by name to leave out the others (e.g. a slow status channel).
   */
  static fromRecording(rec: Recording, opts: { picks?: readonly (string | number)[] } = {}): Raw {
    const h = rec.header;
    const idx = (opts.picks ?? h.channels.map((_, i) => i)).map((p) => {
      const i = typeof p === 'number' ? p : h.channels.findIndex((c) => c.name === p);
      if (i < 0 || i >= h.channels.length) throw new ArgumentError(`Raw: no channel ${JSON.stringify(p)} in ${h.source} (has ${h.channels.map((c) => c.name).join(', ')})`);
      return i;
    });
    if (idx.length === 0) throw new ArgumentError(`Raw: no channels picked from ${h.source}`);
    const rates = [...new Set(idx.map((i) => h.channels[i]!.sfreq))];
    if (rates.length > 1) {
      throw new ArgumentError(
        `Raw: channels of ${h.source} have different sampling rates (${idx.map((i) => `${h.channels[i]!.name} ${h.channels[i]!.sfreq} Hz`).join(', ')}); pick channels that share one rate`,
      );
    }
    const data = rec.read({ picks: idx });
    return new Raw(data, {
      sfreq: rates[0]!,
      chNames: idx.map((i) => h.channels[i]!.name),
      chTypes: idx.map((i) => h.channels[i]!.type),
      units: idx.map((i) => (VOLT_TYPES.has(h.channels[i]!.type) && h.channels[i]!.unitScale !== 1 ? 'V' : h.channels[i]!.unit)),
      bads: [],
      measDate: h.startTime,
    }, Annotations.fromList(h.annotations, h.startTime));
  }

  get nTimes(): number {
    return this.data[0]?.length ?? 0;
  }
  get nChannels(): number {
    return this.data.length;
  }
  /** Duration in seconds. */
  get duration(): number {
    return this.nTimes / this.info.sfreq;
  }
  /** Sample times in seconds. */
  times(): Float64Array {
    return Float64Array.from({ length: this.nTimes }, (_, i) => i / this.info.sfreq);
  }

  /** Channel indices for names/indices, one or more types, 'data' (voltage channels) or 'all'. */
  pickIndices(picks: Picks = 'all'): number[] {
    const { chNames, chTypes } = this.info;
    if (picks === 'all') return chNames.map((_, i) => i);
    if (picks === 'data') return chTypes.flatMap((t, i) => (VOLT_TYPES.has(t) ? [i] : []));
    if (typeof picks === 'string') return chTypes.flatMap((t, i) => (t === picks ? [i] : []));
    const list = picks as readonly (string | number)[];
    if (list.every((p) => typeof p === 'string' && !chNames.includes(p)) && list.length > 0 && list.every((p) => ['eeg', 'eog', 'emg', 'ecg', 'stim', 'misc', 'resp', 'bio', 'seeg', 'ecog'].includes(p as string))) {
      return chTypes.flatMap((t, i) => (list.includes(t) ? [i] : []));
    }
    return list.map((p) => {
      const i = typeof p === 'number' ? p : chNames.indexOf(p);
      if (i < 0 || i >= chNames.length) throw new ArgumentError(`Raw.pick: no channel ${JSON.stringify(p)} (has ${chNames.join(', ')})`);
      return i;
    });
  }

  /** A new Raw with only the picked channels (in the order given). */
  pick(picks: Picks): Raw {
    const idx = this.pickIndices(picks);
    if (idx.length === 0) throw new ArgumentError(`Raw.pick: ${JSON.stringify(picks)} matches no channel`);
    const sel = <T>(a: readonly T[]) => idx.map((i) => a[i]!);
    const chPos = this.info.chPos ? { chPos: sel(this.info.chPos) } : {};
    return new Raw(sel(this.data), { ...this.info, chNames: sel(this.info.chNames), chTypes: sel(this.info.chTypes), units: sel(this.info.units), bads: this.info.bads.filter((b) => sel(this.info.chNames).includes(b)), ...chPos }, this.annotations);
  }

  /**
   * A new Raw whose EEG channels carry head-frame positions from `montage` (a standard montage's
   * name or a Montage), as MNE's raw.set_montage: names match exactly, else ignoring case (unless
   * matchCase); an EEG channel the montage lacks is an ArgumentError unless onMissing is
   * 'ignore'. Channels of other types get null. EEGMMIDB's labels ('Fc5.') need
   * standardizeEegbciName first, as in MNE.
   */
  setMontage(montage: Montage | MontageKind, opts: MontageMatchOptions = {}): Raw {
    const m = typeof montage === 'string' ? standardMontage(montage) : montage;
    const eeg = this.info.chTypes.flatMap((t, i) => (t === 'eeg' ? [i] : []));
    const pos = montagePositions(m, eeg.map((i) => this.info.chNames[i]!), opts);
    const chPos: (Vec3 | null)[] = this.info.chNames.map(() => null);
    eeg.forEach((c, k) => (chPos[c] = pos[k]!));
    return new Raw(this.data, { ...this.info, chPos }, this.annotations);
  }

  /** Sample index of a time (rounded, as MNE's time_as_index with rounding). */
  timeAsIndex(t: number): number {
    return Math.round(t * this.info.sfreq);
  }

  /** A new Raw restricted to [tmin, tmax] seconds (tmax inclusive, as MNE's crop), annotations cropped. */
  crop(tmin = 0, tmax: number | null = null): Raw {
    const last = (this.nTimes - 1) / this.info.sfreq;
    const hi = tmax ?? last;
    if (tmin < 0 || hi > last + 1e-9 || hi < tmin) throw new ArgumentError(`Raw.crop: [${tmin}, ${hi}] s is not inside [0, ${last}] s`);
    const a = this.timeAsIndex(tmin);
    const b = this.timeAsIndex(hi) + 1;
    return new Raw(this.data.map((d) => d.slice(a, b)), { ...this.info }, this.annotations.crop(a / this.info.sfreq, b / this.info.sfreq));
  }

  /** Copies of the samples [start, stop) of the picked channels. */
  getData(opts: { picks?: Picks; start?: number; stop?: number } = {}): Float64Array[] {
    const idx = this.pickIndices(opts.picks ?? 'all');
    const start = opts.start ?? 0;
    const stop = opts.stop ?? this.nTimes;
    if (start < 0 || stop > this.nTimes || stop < start) throw new ArgumentError(`Raw.getData: samples [${start}, ${stop}) outside [0, ${this.nTimes})`);
    return idx.map((i) => this.data[i]!.slice(start, stop));
  }

  /** The picked data as a float32 (C, T) tensor. */
  toTensor(opts: { picks?: Picks; start?: number; stop?: number; scale?: number } = {}): Tensor {
    const rows = this.getData(opts);
    const T = rows[0]?.length ?? 0;
    const flat = new Float32Array(rows.length * T);
    const s = opts.scale ?? 1;
    rows.forEach((r, c) => {
      for (let t = 0; t < T; t++) flat[c * T + t] = r[t]! * s;
    });
    return fromValues(flat, [rows.length, T], 'float32');
  }

  /**
   * Re-references the EEG channels: 'average' subtracts the mean of the (non-bad) EEG channels
   * at each sample; a list of channel names subtracts their mean. Returns a new Raw.
   */
  setEegReference(ref: 'average' | readonly string[] = 'average'): Raw {
    const eeg = this.info.chTypes.flatMap((t, i) => (t === 'eeg' ? [i] : []));
    const refIdx = ref === 'average' ? eeg.filter((i) => !this.info.bads.includes(this.info.chNames[i]!)) : this.pickIndices(ref);
    if (refIdx.length === 0) throw new ArgumentError('Raw.setEegReference: no reference channels');
    const T = this.nTimes;
    const mean = new Float64Array(T);
    for (const i of refIdx) {
      const d = this.data[i]!;
      for (let t = 0; t < T; t++) mean[t] += d[t]!;
    }
    for (let t = 0; t < T; t++) mean[t] /= refIdx.length;
    const data = this.data.map((d, i) => (eeg.includes(i) ? d.map((v, t) => v - mean[t]!) : d.slice()));
    return new Raw(data, { ...this.info }, this.annotations);
  }

  /**
   * Zero-phase FIR filter with MNE's defaults (firwin, Hamming, automatic transition bands and
   * length): lFreq only = high-pass, hFreq only = low-pass, both = band-pass (lFreq < hFreq)
   * or band-stop (lFreq > hFreq). Returns a new Raw; `picks` defaults to the data channels.
   */
  filter(lFreq: number | null, hFreq: number | null, opts: FilterDataOptions & { picks?: Picks } = {}): Raw {
    const { picks, ...fo } = opts;
    const idx = this.pickIndices(picks ?? 'data');
    const out = filterData(idx.map((i) => this.data[i]!), this.info.sfreq, lFreq, hFreq, fo);
    const data: Float64Array[] = this.data.map((d) => d.slice());
    idx.forEach((i, k) => (data[i] = out[k]!));
    return new Raw(data, { ...this.info }, this.annotations);
  }

  /** Removes line noise at `freqs` (Hz) with MNE's default FIR notch. */
  notchFilter(freqs: number | readonly number[], opts: NotchFilterOptions & { picks?: Picks } = {}): Raw {
    const { picks, ...no } = opts;
    const idx = this.pickIndices(picks ?? 'data');
    const out = notchFilter(idx.map((i) => this.data[i]!), this.info.sfreq, freqs, no);
    const data: Float64Array[] = this.data.map((d) => d.slice());
    idx.forEach((i, k) => (data[i] = out[k]!));
    return new Raw(data, { ...this.info }, this.annotations);
  }

  /** Resamples every channel to `sfreq` (FFT method, as MNE's Raw.resample); annotations keep their times. */
  resample(sfreq: number, opts: ResampleOptions = {}): Raw {
    if (!(sfreq > 0)) throw new ArgumentError(`Raw.resample: sfreq must be positive, got ${sfreq}`);
    // MNE's Raw.resample pads with npad='auto' (mne.filter.resample's own default is 100)
    const data = this.data.map((d) => resample(d, sfreq, this.info.sfreq, { npad: 'auto', ...opts }));
    return new Raw(data, { ...this.info, sfreq }, this.annotations);
  }

  /** Applies `fn` to each picked channel's samples (a new Raw; the other channels are copied). */
  applyFunction(fn: (x: Float64Array, channel: number) => Float64Array, picks: Picks = 'data'): Raw {
    const idx = new Set(this.pickIndices(picks));
    return new Raw(this.data.map((d, i) => (idx.has(i) ? fn(d, i) : d.slice())), { ...this.info }, this.annotations);
  }
}
