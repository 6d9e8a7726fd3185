// Header conventions shared by the biosignal readers of the EDF family (EDF, EDF+, BDF, BDF+) and
// GDF, so both read text fields, units, channel types, calibration and picks the same way, the
// way MNE-Python (1.3) does where it defines one.

import { ArgumentError, IndexError } from '../errors.js';
import type { ChannelType, ReadOptions } from './types.js';

/** `len` bytes from `from` as Latin-1 text, unaltered. */
export function latin1(b: Uint8Array, from: number, len: number): string {
  let s = '';
  for (let i = from; i < from + len; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** A header text field: Latin-1, cut at the first NUL, trimmed. */
export function headerText(b: Uint8Array, from: number, len: number): string {
  return latin1(b, from, len).split('\x00')[0]!.trim();
}

// Micro: MNE's µ (micro sign), μ (Greek mu), Shift-JIS mu and 'u', plus the UTF-8 bytes of µ and
// μ read as Latin-1 (what a UTF-8 writer leaves in a Latin-1 field); milli as MNE. MNE leaves
// every other unit unscaled, nV and kV included; units here are SI, so those two are scaled.
const UNIT_SCALE: Readonly<Record<string, number>> = {
  uV: 1e-6, 'µV': 1e-6, 'μV': 1e-6, '\x83\xcaV': 1e-6, 'Âµ V': 1e-6, 'ÂµV': 1e-6, 'Î¼V': 1e-6,
  mV: 1e-3, V: 1, nV: 1e-9, kV: 1e3,
};

/** Factor from a stored textual physical dimension to SI (1 for unknown units, as MNE). */
export function unitScaleOf(unit: string): number {
  return UNIT_SCALE[unit.trim()] ?? 1;
}

/** True for stim-channel labels: MNE's stim_channel='auto' ('Status', 'Trigger', any case) and 'STI', 'STI 014', 'STI014'. */
export function isStimLabel(name: string): boolean {
  return /^(status|trigger)$/i.test(name) || /^sti[ _]?\d*$/i.test(name);
}

// MNE's CH_TYPE_MAPPING: the first word of a label that names a type (its infer_types rule).
const PREFIX_TYPES: Readonly<Record<string, ChannelType>> = {
  EEG: 'eeg', SEEG: 'seeg', ECOG: 'ecog', EOG: 'eog', ECG: 'ecg', EMG: 'emg', BIO: 'bio', RESP: 'resp',
  TEMP: 'temperature', MISC: 'misc', SAO2: 'bio',
};

/**
 * Channel type from the label: 'stim' for stim labels; the type named by the label's first word
 * when it is one of MNE's ('EEG Fp1', 'ECG x', 'SaO2 x', as MNE's infer_types; the name is kept);
 * everything else 'eeg', as MNE (a bare 'ECG' label included).
 */
export function guessChannelType(name: string): ChannelType {
  if (isStimLabel(name)) return 'stim';
  const parts = name.split(' ');
  if (parts.length > 1) {
    const t = PREFIX_TYPES[parts[0]!.toUpperCase()];
    if (t) return t;
  }
  return 'eeg';
}

/**
 * Digital → physical: phys = dig · gain + offset with gain = (physMax − physMin) / (digMax − digMin)
 * and offset = physMin − digMin · gain. As MNE, a digital range that is zero or not finite counts
 * as 1, and a zero physical range as 1; each is reported through `warn`.
 */
export function calibration(physMin: number, physMax: number, digMin: number, digMax: number, what: string, warn: (msg: string) => void): { gain: number; offset: number } {
  let dr = digMax - digMin;
  let pr = physMax - physMin;
  if (!Number.isFinite(dr) || dr === 0) { warn(`${what}: digital range ${digMin} to ${digMax} is zero or undefined; taken as 1 (as MNE)`); dr = 1; }
  if (pr === 0) { warn(`${what}: physical minimum equals maximum (${physMin}); physical range taken as 1 (as MNE)`); pr = 1; }
  const gain = pr / dr;
  return { gain, offset: physMin - digMin * gain };
}

/** Channel indices for `read({picks})`: indices or names; every channel when absent. `op` names the reader in errors. */
export function resolvePicks(names: readonly string[], picks: ReadOptions['picks'], op: string): number[] {
  if (picks === undefined) return names.map((_, i) => i);
  return picks.map((p) => {
    if (typeof p === 'number') {
      if (!Number.isInteger(p) || p < 0 || p >= names.length) throw new IndexError(`${op}: channel index ${p} out of range [0, ${names.length})`);
      return p;
    }
    const i = names.indexOf(p);
    if (i < 0) throw new ArgumentError(`${op}: no channel named ${JSON.stringify(p)} (have ${names.slice(0, 8).map((l) => JSON.stringify(l)).join(', ')}${names.length > 8 ? ', …' : ''})`);
    return i;
  });
}
