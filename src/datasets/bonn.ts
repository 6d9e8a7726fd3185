// The Bonn epilepsy EEG (Andrzejak, Lehnertz, Mormann, Rieke, David & Elger 2001, Phys Rev E
// 64:061907): five sets of 100 single-channel segments, 4097 samples at 173.61 Hz (23.6 s),
// read straight from the set archives Z.zip, O.zip, N.zip, F.zip, S.zip.
//   Z (A) healthy, eyes open, surface    O (B) healthy, eyes closed, surface
//   N (C) interictal, opposite hippocampal formation, intracranial
//   F (D) interictal, epileptogenic zone, intracranial    S (E) ictal, intracranial
// Each segment is an ASCII file of integer samples, one a line (CRLF), named <set><nnn>.txt
// (set N uses .TXT); Z.zip nests them one folder deeper; the macOS resource forks (__MACOSX/)
// in the archives are skipped.

import { ArgumentError, FormatError } from '../errors.js';
import { openZip } from '../io/zip/index.js';

export const BONN_SETS = ['Z', 'O', 'N', 'F', 'S'] as const;
export type BonnSet = (typeof BONN_SETS)[number];
/** The letters of the dataset paper, per set. */
export const BONN_PAPER_NAMES: Record<BonnSet, string> = { Z: 'A', O: 'B', N: 'C', F: 'D', S: 'E' };
export const BONN_DESCRIPTIONS: Record<BonnSet, string> = {
  Z: 'healthy, eyes open (surface)',
  O: 'healthy, eyes closed (surface)',
  N: 'interictal, opposite hippocampal formation (intracranial)',
  F: 'interictal, epileptogenic zone (intracranial)',
  S: 'ictal (intracranial)',
};
export const BONN_SFREQ = 173.61;
export const BONN_SAMPLES = 4097;
export const BONN_SEGMENTS_PER_SET = 100;
/** The three diagnostic classes: healthy (Z+O), interictal (N+F), ictal (S). */
export const BONN_CLASSES = ['Z+O', 'N+F', 'S'] as const;
/** Class of each set (index into BONN_CLASSES). */
export const BONN_CLASS_OF_SET: readonly number[] = [0, 0, 1, 1, 2];

/**
 * Where the archives are published: the repository the shared copies come from, pinned to a
 * commit (the Bonn group's own page has moved more than once), with each archive's SHA-256.
 */
export const BONN_URL = 'https://raw.githubusercontent.com/arushnab/bonn-eeg-ml/7fb31cdd4e2271f39b92b25765b633f051ba446f/data/';
export const BONN_FILES: Record<BonnSet, { remote: string; sha256: string }> = {
  Z: { remote: 'z%20(2).zip', sha256: 'df97ad8f55dbaa0db43a84ced5ecdddbbca7ebc0f8b74e0b3f542dee87745789' },
  O: { remote: 'o.zip', sha256: '82b806f39aa04bf010640154dc1bbd548fc8defc2f267653070aaf09129e72da' },
  N: { remote: 'n.zip', sha256: '98ab85976b5cc8e0b77cc4d4f76a98c6457ea58184751f6f4141a8c30ff5a2c1' },
  F: { remote: 'f.zip', sha256: 'f6cc5a5ce9bcb1f16a00cbfde7bb501cd7fe3874b549118182501aa3d509d578' },
  S: { remote: 's.zip', sha256: 'befda5a0f352e3bd222b2a8dafa715eb4dc6337ac2bf7a050de62a467615fc3a' },
};

export function checkBonnSet(set: string): BonnSet {
  if (!(BONN_SETS as readonly string[]).includes(set)) throw new ArgumentError(`bonn: unknown set '${set}' (expected one of ${BONN_SETS.join(', ')})`);
  return set as BonnSet;
}

/** One segment's samples from its text file: exactly 4097 integers, one a line. */
export function parseBonnSegment(bytes: Uint8Array, source: string): Float64Array {
  const text = new TextDecoder().decode(bytes);
  const out = new Float64Array(BONN_SAMPLES);
  let n = 0;
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const s = raw.trim();
    if (s === '') continue;
    if (!/^[+-]?\d+$/.test(s)) throw new FormatError(`bonn: ${source} line ${line}: '${s.slice(0, 40)}' is not an integer sample`);
    if (n === BONN_SAMPLES) throw new FormatError(`bonn: ${source} holds more than ${BONN_SAMPLES} samples (extra at line ${line})`);
    out[n++] = Number(s);
  }
  if (n !== BONN_SAMPLES) throw new FormatError(`bonn: ${source} holds ${n} samples, expected ${BONN_SAMPLES}`);
  return out;
}

export interface BonnSetData {
  set: BonnSet;
  /** Segment names in order (Z001 ... Z100). */
  names: string[];
  /** 100 segments of 4097 samples (raw A/D integers). */
  segments: Float64Array[];
}

/** The 100 segments of one set from its archive's bytes. */
export function loadBonnSet(zip: Uint8Array, set: BonnSet, source = `${set}.zip`): BonnSetData {
  checkBonnSet(set);
  const re = new RegExp(`(?:^|/)${set}(\\d{3})\\.txt$`, 'i');
  const found = new Map<number, Float64Array>();
  const archive = openZip(zip, `bonn: ${source}`);
  for (const e of archive.entries) {
    if (e.name.includes('__MACOSX/') || e.name.endsWith('/')) continue;
    const m = re.exec(e.name);
    if (!m) continue;
    const k = Number(m[1]);
    if (k < 1 || k > BONN_SEGMENTS_PER_SET) throw new FormatError(`bonn: ${source}: segment number ${k} in ${e.name} is outside 1..${BONN_SEGMENTS_PER_SET}`);
    if (found.has(k)) throw new FormatError(`bonn: ${source}: segment ${set}${m[1]} appears twice`);
    found.set(k, parseBonnSegment(archive.read(e), `${source}:${e.name}`));
  }
  const missing: number[] = [];
  for (let k = 1; k <= BONN_SEGMENTS_PER_SET; k++) if (!found.has(k)) missing.push(k);
  if (missing.length > 0) throw new FormatError(`bonn: ${source} lacks ${missing.length} of set ${set}'s ${BONN_SEGMENTS_PER_SET} segments (first missing: ${set}${String(missing[0]).padStart(3, '0')}.txt)`);
  const names: string[] = [];
  const segments: Float64Array[] = [];
  for (let k = 1; k <= BONN_SEGMENTS_PER_SET; k++) {
    names.push(`${set}${String(k).padStart(3, '0')}`);
    segments.push(found.get(k)!);
  }
  return { set, names, segments };
}

export interface BonnData {
  sfreq: number;
  /** 500 segments (Z, O, N, F, S, 100 each, in that order). */
  segments: Float64Array[];
  names: string[];
  /** Set index (0..4 into BONN_SETS) per segment. */
  set: Int32Array;
  /** Diagnostic class (0..2 into BONN_CLASSES) per segment. */
  label: Int32Array;
}

/** All five sets from their archives' bytes. */
export function loadBonn(zips: Readonly<Record<BonnSet, Uint8Array>>): BonnData {
  const segments: Float64Array[] = [];
  const names: string[] = [];
  const set: number[] = [];
  BONN_SETS.forEach((s, i) => {
    const d = loadBonnSet(zips[s], s);
    segments.push(...d.segments);
    names.push(...d.names);
    for (let k = 0; k < d.segments.length; k++) set.push(i);
  });
  return { sfreq: BONN_SFREQ, segments, names, set: Int32Array.from(set), label: Int32Array.from(set, (s) => BONN_CLASS_OF_SET[s]!) };
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export type FetchFn = (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

/** Downloads one set's archive and checks its SHA-256 (fetchFn defaults to the global fetch). */
export async function fetchBonnSet(set: BonnSet, baseUrl = BONN_URL, fetchFn: FetchFn = fetch): Promise<Uint8Array> {
  const url = baseUrl + BONN_FILES[checkBonnSet(set)].remote;
  const res = await fetchFn(url);
  if (!res.ok) throw new FormatError(`bonn: download of ${url} failed with HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const got = await sha256Hex(bytes);
  if (got !== BONN_FILES[set].sha256) throw new FormatError(`bonn: ${url} has SHA-256 ${got}, expected ${BONN_FILES[set].sha256}`);
  return bytes;
}
