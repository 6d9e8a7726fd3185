// Unique channel names from possibly repeated EDF labels, renamed exactly as MNE-Python's
// `_unique_channel_names` does (mne/io/meas_info.py, 1.3): every channel of a repeated label
// gets '-0', '-1', ... in file order; where that name is already taken it tries '-a' ... '-z'.
// Picking by name then reaches every channel, not just the first of a label.

export interface UniqueNames {
  names: string[];
  /** Repeated labels, in order of first appearance, with the names their channels got. */
  renamed: { label: string; names: string[] }[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Renames repeated labels; throws `fail(label)` when no suffix gives a free name (as MNE). */
export function uniqueChannelNames(labels: readonly string[], fail: (msg: string) => never): UniqueNames {
  const names = [...labels];
  const where = new Map<string, number[]>();
  labels.forEach((l, i) => { const w = where.get(l); if (w) w.push(i); else where.set(l, [i]); });
  const dups = [...where].filter(([, w]) => w.length > 1).map(([l]) => l);
  // How many channels hold each name now (the names change as channels are renamed).
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  const renamed: UniqueNames['renamed'] = [];
  for (const stem of dups) {
    const at = where.get(stem)!;
    const got: string[] = [];
    at.forEach((ch, idx) => {
      const free = [String(idx), ...LETTERS].map((s) => `${stem}-${s}`).find((n) => !count.get(n));
      if (free === undefined) return fail(`channel label ${JSON.stringify(stem)} repeats ${at.length} times and no suffix -${idx}, -a ... -z gives an unused name`);
      count.set(stem, count.get(stem)! - 1);
      count.set(free, 1);
      names[ch] = free;
      got.push(free);
    });
    renamed.push({ label: stem, names: got });
  }
  return { names, renamed };
}
