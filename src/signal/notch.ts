// mne.filter.notch_filter with method='fir' (MNE's default): one multi-band band-stop FIR.

import { ArgumentError } from '../errors.js';
import { filterData, type FilterDataOptions } from './filter_data.js';

export interface NotchFilterOptions extends Omit<FilterDataOptions, 'lTransBandwidth' | 'hTransBandwidth'> {
  /** Stop-band width(s) centred on each frequency; default freqs / 200. */
  notchWidths?: number | readonly number[];
  /** Transition width in Hz (default 1). */
  transBandwidth?: number;
}

/**
 * Remove line noise at `freqs` (Hz), e.g. [50, 100, 150]. For each f the stop band is
 * f ± notchWidth/2, with transitions of transBandwidth/2 on each side.
 */
export function notchFilter(x: Float64Array, sfreq: number, freqs: number | readonly number[], opts?: NotchFilterOptions): Float64Array;
export function notchFilter(x: Float64Array[], sfreq: number, freqs: number | readonly number[], opts?: NotchFilterOptions): Float64Array[];
export function notchFilter(x: Float64Array | Float64Array[], sfreq: number, freqs: number | readonly number[], opts: NotchFilterOptions = {}): Float64Array | Float64Array[] {
  const fs = typeof freqs === 'number' ? [freqs] : [...freqs];
  if (fs.length === 0) throw new ArgumentError('notchFilter: freqs is empty');
  let widths: number[];
  if (opts.notchWidths === undefined) widths = fs.map((f) => f / 200);
  else {
    const w = typeof opts.notchWidths === 'number' ? [opts.notchWidths] : [...opts.notchWidths];
    if (w.some((v) => v < 0)) throw new ArgumentError(`notchFilter: notchWidths must be >= 0, got ${JSON.stringify(w)}`);
    if (w.length === 1) widths = fs.map(() => w[0]!);
    else if (w.length === fs.length) widths = w;
    else throw new ArgumentError(`notchFilter: notchWidths must be a scalar or have one entry per frequency (${fs.length}), got ${w.length}`);
  }
  const tb2 = (opts.transBandwidth ?? 1) / 2;
  const lows = fs.map((f, i) => f - widths[i]! / 2 - tb2);
  const highs = fs.map((f, i) => f + widths[i]! / 2 + tb2);
  const { notchWidths: _nw, transBandwidth: _tb, ...rest } = opts;
  void _nw; void _tb;
  const fo: FilterDataOptions = { ...rest, lTransBandwidth: tb2, hTransBandwidth: tb2 };
  return Array.isArray(x) ? filterData(x, sfreq, highs, lows, fo) : filterData(x, sfreq, highs, lows, fo);
}
