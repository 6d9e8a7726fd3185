// Where the data records of an EDF+/BDF+ file go on the time axis that `read()` returns, and
// what that does to the annotations.
//
// Each record's time-keeping TAL says when it started on the file's clock. In an EDF+D file
// records may be followed by a pause (a gap). Two ways to return such a file:
// - 'contiguous' (default, MNE's layout): records back to back, r x recordDuration, so the
//   output holds exactly the samples the file stores. Every gap becomes a zero-duration
//   'BAD_ACQ_SKIP' annotation at the boundary (how MNE marks an acquisition skip in data that
//   runs on: a filter or an epoch must not run across it), its length is in `gaps`, and the
//   other annotations are moved onto the same axis (a file-clock onset minus the gaps before
//   it; one that falls inside a gap goes to the boundary) so they point at the samples they
//   annotate.
// - 'zeros': records at their file-clock onsets, gaps filled with zeros and covered by a
//   'BAD_ACQ_SKIP' annotation as long as the gap (the convention for skipped spans MNE reads
//   as zeros). The output can be far larger than the file; `maxReadBytes` bounds it.

/** How EDF+D gaps are returned (see above). */
export type EdfGapMode = 'contiguous' | 'zeros';

/** One pause between two data records of an EDF+D file. */
export interface EdfGap {
  /** The record after the gap. */
  record: number;
  /** Where the gap lies on the time axis `read()` returns (s after the start). */
  onset: number;
  /** Where it starts on the file's clock: the end of record `record - 1` (s after the start). */
  fileOnset: number;
  /** Seconds missing from the recording. */
  duration: number;
}

export interface RecordPlacement {
  /** Start of each record on the returned time axis. */
  onsets: Float64Array;
  /** Start of each record on the file's clock (time-keeping onset minus the start offset). */
  fileOnsets: Float64Array;
  gaps: EdfGap[];
  /** Records not at r x recordDuration on the returned axis (zero-filled gaps). */
  spread: boolean;
}

/**
 * Places the records. `keeping` holds each record's time-keeping onset minus the start offset
 * (NaN where a record has none); `tol` is the slack below which a pause is not a gap (half a
 * sample of the fastest channel). `discontinuous` is true for EDF+D/BDF+D: other files are
 * always contiguous, whatever their TALs say.
 */
export function placeRecords(keeping: Float64Array, recordDuration: number, tol: number, discontinuous: boolean,
  mode: EdfGapMode, warn: (msg: string) => void): RecordPlacement {
  const n = keeping.length;
  const contiguous = new Float64Array(n);
  for (let r = 0; r < n; r++) contiguous[r] = r * recordDuration;
  const plain: RecordPlacement = { onsets: contiguous, fileOnsets: contiguous, gaps: [], spread: false };
  if (!discontinuous) return plain;
  for (let r = 0; r < n; r++) {
    const t = keeping[r]!;
    if (!Number.isFinite(t)) { warn(`EDF+D record ${r} has no time-keeping TAL; records placed contiguously`); return plain; }
    if (r > 0 && t < keeping[r - 1]! + recordDuration - tol) {
      warn(`EDF+D record ${r} starts at ${t} s, before the end of record ${r - 1}; records placed contiguously`);
      return plain;
    }
  }
  const fileOnsets = keeping.slice();
  const gaps: EdfGap[] = [];
  let skipped = 0;
  for (let r = 1; r < n; r++) {
    const end = fileOnsets[r - 1]! + recordDuration;
    if (fileOnsets[r]! > end + tol) {
      const duration = fileOnsets[r]! - end;
      gaps.push({ record: r, onset: mode === 'zeros' ? end : r * recordDuration, fileOnset: end, duration });
      skipped += duration;
    }
  }
  if (gaps.length > 0) {
    warn(`EDF+D: ${gaps.length} gap${gaps.length > 1 ? 's' : ''} between data records (${skipped} s in all, the first before record ${gaps[0]!.record}); ` +
      (mode === 'zeros' ? 'zero-filled' : 'records read contiguously') + ' and marked BAD_ACQ_SKIP');
  }
  if (mode === 'zeros') return { onsets: fileOnsets, fileOnsets, gaps, spread: gaps.length > 0 };
  return { onsets: contiguous, fileOnsets, gaps, spread: false };
}

export interface TimedText { onset: number; duration: number; description: string }

/**
 * Annotations (file-clock onsets) on the returned time axis, with one 'BAD_ACQ_SKIP' per gap,
 * sorted by onset. Without gaps, or in 'zeros' mode, onsets and durations are kept exactly.
 */
export function placeAnnotations(anns: readonly TimedText[], p: RecordPlacement, mode: EdfGapMode): TimedText[] {
  const out: TimedText[] = [];
  if (mode === 'zeros' || p.gaps.length === 0) {
    out.push(...anns);
    for (const g of p.gaps) out.push({ onset: g.fileOnset, duration: g.duration, description: 'BAD_ACQ_SKIP' });
  } else {
    // shiftBefore[k]: seconds of gaps before gap k.
    const shiftBefore: number[] = [];
    let s = 0;
    for (const g of p.gaps) { shiftBefore.push(s); s += g.duration; }
    // Index of the last gap starting at or before t (-1: none).
    const lastGap = (t: number): number => {
      let lo = 0, hi = p.gaps.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (p.gaps[mid]!.fileOnset <= t) lo = mid + 1; else hi = mid; }
      return lo - 1;
    };
    const toAxis = (t: number, k: number): number => {
      if (k < 0) return t;
      const g = p.gaps[k]!;
      return t < g.fileOnset + g.duration ? g.onset : t - (shiftBefore[k]! + g.duration);
    };
    for (const a of anns) {
      const k0 = lastGap(a.onset);
      const onset = toAxis(a.onset, k0);
      const endT = a.onset + a.duration;
      const k1 = lastGap(endT);
      // The same stretch of data holds both ends: the duration is kept as stored.
      const inside = k0 === k1 && (k0 < 0 || a.onset >= p.gaps[k0]!.fileOnset + p.gaps[k0]!.duration);
      out.push({ onset, duration: inside ? a.duration : Math.max(0, toAxis(endT, k1) - onset), description: a.description });
    }
    for (const g of p.gaps) out.push({ onset: g.onset, duration: 0, description: 'BAD_ACQ_SKIP' });
  }
  out.sort((a, b) => a.onset - b.onset);
  return out;
}
