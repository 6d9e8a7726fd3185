// Shared helpers for the EDF tests: where the data lives and how to load a file.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const DATA = resolve(process.cwd(), process.env.DENDRITE_DATA ?? '../shared/data');
export const CONF = resolve(DATA, 'eeg/edf-conformance');
export const MMIDB = resolve(DATA, 'eeg/eegmmidb');
export const HAVE_DATA = existsSync(CONF) && existsSync(MMIDB);
export const SKIP_MSG = `EDF test data not found at ${DATA} (set DENDRITE_DATA to the shared data folder)`;

/** Bytes of a file under the data folder (relative path, e.g. 'eeg/eegmmidb/S001R03.edf'). */
export function load(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(DATA, rel)));
}

/** The golden JSON written by scripts/golden/edf_reference.py. */
export interface Golden {
  file: string;
  mne_version: string;
  ch_names: string[];
  sfreq: number;
  n_times: number;
  meas_date: string | null;
  annotations: [number, number, string][];
  channels: {
    name: string; sfreq: number; n: number; stim: boolean; sum: number; abs_sum: number;
    first: number[]; mid_start: number; mid: number[]; last: number[];
  }[];
  eeglab?: { shape: number[]; unit: string; sums: number[]; picks: number[]; mid_start: number; first: number[][]; mid: number[][] };
  uneven?: { grid_sfreq: number; channels: { repeat: number; n: number; sum: number; first: number[]; mid_start: number; mid: number[] }[] };
}
