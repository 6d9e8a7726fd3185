// Annotations: labelled time spans of a recording (onset and duration in seconds from the start
// of the recording), as mne.Annotations.

import { ArgumentError } from '../errors.js';
import type { Annotation } from '../io/types.js';

export class Annotations {
  readonly onset: number[];
  readonly duration: number[];
  readonly description: string[];

  constructor(onset: readonly number[], duration: readonly number[], description: readonly string[], readonly origTime: Date | null = null) {
    if (onset.length !== duration.length || onset.length !== description.length) {
      throw new ArgumentError(`Annotations: onset (${onset.length}), duration (${duration.length}) and description (${description.length}) must have the same length`);
    }
    for (const [i, d] of duration.entries()) {
      if (!(d >= 0)) throw new ArgumentError(`Annotations: duration ${d} at index ${i} must be ≥ 0`);
    }
    this.onset = [...onset];
    this.duration = [...duration];
    this.description = [...description];
  }

  static fromList(list: readonly Annotation[], origTime: Date | null = null): Annotations {
    return new Annotations(list.map((a) => a.onset), list.map((a) => a.duration), list.map((a) => a.description), origTime);
  }

  get length(): number {
    return this.onset.length;
  }

  /** The annotations as plain objects. */
  toList(): Annotation[] {
    return this.onset.map((o, i) => ({ onset: o, duration: this.duration[i]!, description: this.description[i]! }));
  }

  /** Only the annotations whose description passes `keep`. */
  filter(keep: (description: string, index: number) => boolean): Annotations {
    const idx = this.description.flatMap((d, i) => (keep(d, i) ? [i] : []));
    return new Annotations(idx.map((i) => this.onset[i]!), idx.map((i) => this.duration[i]!), idx.map((i) => this.description[i]!), this.origTime);
  }

  /**
   * Annotations overlapping [tmin, tmax), clipped to it and shifted so tmin becomes 0 (the
   * time base of a cropped recording).
   */
  crop(tmin: number, tmax: number): Annotations {
    const on: number[] = [];
    const du: number[] = [];
    const de: string[] = [];
    for (let i = 0; i < this.length; i++) {
      const a = this.onset[i]!;
      const b = a + this.duration[i]!;
      if (b < tmin || a >= tmax || (this.duration[i] === 0 && a < tmin)) continue;
      const s = Math.max(a, tmin);
      on.push(s - tmin);
      du.push(Math.min(b, tmax) - s);
      de.push(this.description[i]!);
    }
    return new Annotations(on, du, de, this.origTime);
  }

  /** Sorted unique descriptions. */
  uniqueDescriptions(): string[] {
    return [...new Set(this.description)].sort();
  }
}
