// PhysioNet EEG Motor Movement/Imagery Dataset 1.0.0 (EEGMMIDB; Schalk et al. 2004, BCI2000):
// 109 subjects, 14 runs each, 64-channel EEG at 160 Hz in EDF+ with T0/T1/T2 annotations.
// A run's bytes in, a Raw and the run's standard event mapping out (browser-safe); the file
// names and the PhysioNet address are here too, so a loader can fetch a run where it is not on
// disk (src/node/eegmmidb.ts reads and downloads them by path).
//
// The runs (PhysioNet's description): 1 baseline, eyes open; 2 baseline, eyes closed; then
// four tasks, three runs each. T0 is rest in every run; T1 and T2 are
//   3, 7, 11   open and close the left (T1) or right (T2) fist
//   4, 8, 12   imagine it
//   5, 9, 13   open and close both fists (T1) or both feet (T2)
//   6, 10, 14  imagine it

import { ArgumentError, FormatError } from '../errors.js';
import { readEdf } from '../io/edf/index.js';
import { Raw } from '../neuro/raw.js';

/** PhysioNet's folder of the data set: <base>S001/S001R04.edf. */
export const EEGMMIDB_URL = 'https://physionet.org/files/eegmmidb/1.0.0/';
export const EEGMMIDB_SUBJECTS = 109;
export const EEGMMIDB_RUNS = 14;

export type EegmmidbTask = 'baseline-eyes-open' | 'baseline-eyes-closed' | 'left-right-fist' | 'fists-feet';

export interface EegmmidbRunInfo {
  run: number;
  task: EegmmidbTask;
  /** Motor imagery (runs 4, 6, 8, 10, 12, 14) rather than executed movement. */
  imagined: boolean;
  /** Annotation description → class index; empty for the baselines (no cued trials). */
  mapping: Record<string, number>;
  classNames: string[];
}

function checkId(what: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new ArgumentError(`eegmmidb: ${what} ${v} is not one of 1..${max}`);
}

/**
 * The standard event mapping of a run: T1/T2 → left/right (fist runs) or hands/feet (fists and
 * feet runs), rest (T0) left out; with `rest`, T0 is class 0 and the cued classes follow.
 */
export function eegmmidbRunInfo(run: number, opts: { rest?: boolean } = {}): EegmmidbRunInfo {
  checkId('run', run, EEGMMIDB_RUNS);
  if (run <= 2) return { run, task: run === 1 ? 'baseline-eyes-open' : 'baseline-eyes-closed', imagined: false, mapping: {}, classNames: [] };
  const fists = (run - 3) % 4 < 2; // 3, 4, 7, 8, 11, 12
  const imagined = run % 2 === 0;
  const cued = fists ? ['left', 'right'] : ['hands', 'feet'];
  const classNames = opts.rest ? ['rest', ...cued] : cued;
  const k = opts.rest ? 1 : 0;
  const mapping: Record<string, number> = { ...(opts.rest ? { T0: 0 } : {}), T1: k, T2: k + 1 };
  return { run, task: fists ? 'left-right-fist' : 'fists-feet', imagined, mapping, classNames };
}

/** 'S001R04.edf' and its path inside the data set ('S001/S001R04.edf'). */
export function eegmmidbFileName(subject: number, run: number): { name: string; path: string } {
  checkId('subject', subject, EEGMMIDB_SUBJECTS);
  checkId('run', run, EEGMMIDB_RUNS);
  const s = `S${String(subject).padStart(3, '0')}`;
  const name = `${s}R${String(run).padStart(2, '0')}.edf`;
  return { name, path: `${s}/${name}` };
}

/** Subject and run from a file name such as '.../S001R04.edf', or null when it is not one. */
export function parseEegmmidbName(name: string): { subject: number; run: number } | null {
  const m = /S(\d{3})R(\d{2})\.edf$/i.exec(name);
  if (!m) return null;
  const subject = Number(m[1]);
  const run = Number(m[2]);
  if (subject < 1 || subject > EEGMMIDB_SUBJECTS || run < 1 || run > EEGMMIDB_RUNS) return null;
  return { subject, run };
}

export interface EegmmidbRun extends EegmmidbRunInfo {
  subject: number;
  raw: Raw;
}

/**
 * One run from its EDF+ bytes. Subject and run come from `opts` or else the file name in
 * `source` (S001R04.edf); a name that says neither is an ArgumentError.
 */
export function loadEegmmidbRun(bytes: Uint8Array, source: string, opts: { subject?: number; run?: number; rest?: boolean } = {}): EegmmidbRun {
  const parsed = parseEegmmidbName(source);
  const subject = opts.subject ?? parsed?.subject;
  const run = opts.run ?? parsed?.run;
  if (subject === undefined || run === undefined) throw new ArgumentError(`eegmmidb: cannot tell subject and run from '${source}' (expected a name like S001R04.edf); pass { subject, run }`);
  checkId('subject', subject, EEGMMIDB_SUBJECTS);
  const info = eegmmidbRunInfo(run, opts.rest === undefined ? {} : { rest: opts.rest });
  return { ...info, subject, raw: Raw.fromRecording(readEdf(bytes, source)) };
}

/** Fetches one run's EDF+ bytes from PhysioNet (or a mirror with the same layout). */
export async function fetchEegmmidbRun(subject: number, run: number, baseUrl = EEGMMIDB_URL): Promise<Uint8Array> {
  const url = baseUrl + eegmmidbFileName(subject, run).path;
  const res = await fetch(url);
  if (!res.ok) throw new FormatError(`eegmmidb: download of ${url} failed with HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
