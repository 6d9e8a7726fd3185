// Shared helpers for the EDF tests: the data folders and how to load a file. Missing data is
// handled by test/helpers/data.ts (skip locally, fail under DENDRITE_REQUIRE_DATA=1).
import { readFileSync } from 'node:fs';
import { dataPath } from '../../helpers/data.js';

export const CONF = dataPath('eeg/edf-conformance');
export const MMIDB = dataPath('eeg/eegmmidb');

/** Bytes of a file under the data folder (relative path, e.g. 'eeg/eegmmidb/S001R03.edf'). */
export function load(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(dataPath(rel)));
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
