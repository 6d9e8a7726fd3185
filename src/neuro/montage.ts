// Standard EEG montages (10-05 and 10-20 positions) as MNE's make_standard_montage builds them,
// channel-name matching as MNE's set_montage, EEGMMIDB label cleaning as
// mne.datasets.eegbci.standardize, and the head-frame positions set_montage stores.

import { ArgumentError } from '../errors.js';
import { FSAVERAGE_FIDUCIALS, STANDARD_1005_MM, STANDARD_1020_MM } from './montage_1005.js';

export type MontageKind = 'standard_1005' | 'standard_1020';
export type Vec3 = readonly [number, number, number];

/** MNE's HEAD_SIZE_DEFAULT (m), for rescaling a montage to a head of that median radius. */
export const HEAD_SIZE_DEFAULT = 0.095;

export interface Montage {
  kind: MontageKind;
  /** Electrode labels (fiducials removed), in file order. */
  chNames: string[];
  /** Positions (m) in the montage's own ('mri') frame, as MNE's montage.get_positions(). */
  chPos: Vec3[];
  nasion: Vec3;
  lpa: Vec3;
  rpa: Vec3;
}

const TABLES: Record<MontageKind, readonly (readonly [string, number, number, number])[]> = {
  standard_1005: STANDARD_1005_MM,
  standard_1020: STANDARD_1020_MM,
};

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A standard montage as MNE's make_standard_montage(kind): the file's positions (mm → m) with
 * the fsaverage fiducials MNE substitutes for these 'mri'-frame files. MNE's default for the
 * standard montages ('auto') leaves them unscaled; a `headSize` (m) scales positions and
 * fiducials so the median distance from the origin of all rows (fiducials included) is headSize.
 */
export function standardMontage(kind: MontageKind, opts: { headSize?: number | null } = {}): Montage {
  const table = TABLES[kind];
  if (!table) throw new ArgumentError(`standardMontage: unknown montage '${String(kind)}', expected one of ${Object.keys(TABLES).join(', ')}`);
  const headSize = opts.headSize ?? null;
  if (headSize !== null && (!(headSize > 0) || !Number.isFinite(headSize))) throw new ArgumentError(`standardMontage: headSize ${headSize} m, expected a positive number`);
  const scale = headSize === null ? 1 : headSize / median(table.map(([, x, y, z]) => Math.hypot(x / 1000, y / 1000, z / 1000)));
  // an ordered map: a repeated label keeps its first place and takes the last position, as MNE
  const pos = new Map<string, Vec3>();
  for (const [name, x, y, z] of table) pos.set(name, [(x / 1000) * scale, (y / 1000) * scale, (z / 1000) * scale]);
  for (const f of ['Nz', 'LPA', 'RPA']) pos.delete(f);
  const sc = (p: readonly number[]): Vec3 => [p[0]! * scale, p[1]! * scale, p[2]! * scale];
  return { kind, chNames: [...pos.keys()], chPos: [...pos.values()], nasion: sc(FSAVERAGE_FIDUCIALS.nasion), lpa: sc(FSAVERAGE_FIDUCIALS.lpa), rpa: sc(FSAVERAGE_FIDUCIALS.rpa) };
}

/** mne.datasets.eegbci.standardize's renaming of one EEGMMIDB label: 'Fc5.' → 'FC5', 'Fpz.' → 'Fpz'. */
export function standardizeEegbciName(name: string): string {
  let s = name.replace(/^\.+|\.+$/g, '').toUpperCase();
  if (s.endsWith('Z')) s = s.slice(0, -1) + 'z';
  if (s.startsWith('FP')) s = 'Fp' + s.slice(2);
  return s;
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const unit = (a: Vec3): Vec3 => {
  const n = Math.hypot(...a);
  return [a[0] / n, a[1] / n, a[2] / n];
};

/**
 * Maps a point from the montage frame into MNE's head ("neuromag") frame defined by the
 * fiducials, as mne.transforms.get_ras_to_neuromag_trans: x towards RPA, y towards the nasion,
 * origin on the LPA-RPA line.
 */
export function headTransform(nasion: Vec3, lpa: Vec3, rpa: Vec3): (p: Vec3) => Vec3 {
  const right = unit(sub(rpa, lpa));
  const t = dot(sub(nasion, lpa), right);
  const origin: Vec3 = [lpa[0] + t * right[0], lpa[1] + t * right[1], lpa[2] + t * right[2]];
  const anterior = unit(sub(nasion, origin));
  const superior: Vec3 = [right[1] * anterior[2] - right[2] * anterior[1], right[2] * anterior[0] - right[0] * anterior[2], right[0] * anterior[1] - right[1] * anterior[0]];
  return (p) => {
    const d = sub(p, origin);
    return [dot(right, d), dot(anterior, d), dot(superior, d)];
  };
}

export interface MontageMatchOptions {
  /** Case-sensitive matching (MNE's match_case). Default false: 'FPZ' finds 'Fpz'. */
  matchCase?: boolean;
  /** What a channel absent from the montage gets: an error (default) or null. */
  onMissing?: 'raise' | 'ignore';
}

/**
 * Head-frame positions (m) of `chNames` in `montage`, as raw.set_montage stores them in
 * info['chs'][i]['loc'][:3]. An exact label wins; else a case-insensitive match when allowed.
 */
export function montagePositions(montage: Montage, chNames: readonly string[], opts: MontageMatchOptions = {}): (Vec3 | null)[] {
  const matchCase = opts.matchCase ?? false;
  const exact = new Map(montage.chNames.map((n, i) => [n, i]));
  const folded = new Map<string, number[]>();
  for (const [i, n] of montage.chNames.entries()) folded.set(n.toLowerCase(), [...(folded.get(n.toLowerCase()) ?? []), i]);
  const toHead = headTransform(montage.nasion, montage.lpa, montage.rpa);
  const missing: string[] = [];
  const out = chNames.map((name) => {
    let i = exact.get(name);
    if (i === undefined && !matchCase) {
      const hits = folded.get(name.toLowerCase()) ?? [];
      if (hits.length > 1) throw new ArgumentError(`montagePositions: channel '${name}' matches ${hits.map((h) => `'${montage.chNames[h]}'`).join(', ')} in ${montage.kind} when case is ignored`);
      i = hits[0];
    }
    if (i === undefined) {
      missing.push(name);
      return null;
    }
    return toHead(montage.chPos[i]!);
  });
  if (missing.length > 0 && (opts.onMissing ?? 'raise') === 'raise') {
    throw new ArgumentError(`montagePositions: ${missing.length} channel(s) not in ${montage.kind}: ${missing.map((m) => `'${m}'`).join(', ')} (EEGMMIDB labels need standardizeEegbciName first)`);
  }
  return out;
}
