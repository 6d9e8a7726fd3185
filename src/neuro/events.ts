// Events: (sample, previous value, id) triples, as MNE's events arrays.

import { ArgumentError } from '../errors.js';
import type { Raw } from './raw.js';

export interface Event {
  /** Sample index of the event onset. */
  sample: number;
  /** MNE's middle column (the stim channel value before the event); 0 for annotations. */
  previous: number;
  id: number;
}

export interface EventsFromAnnotations {
  events: Event[];
  /** Description → event id. */
  eventId: Record<string, number>;
}

/**
 * Events at the annotation onsets (rounded to the nearest sample), as
 * mne.events_from_annotations. Without `eventId`, descriptions are numbered 1..n in sorted
 * order; with it, annotations whose description is not mapped are left out.
 */
export function eventsFromAnnotations(raw: Raw, eventId?: Record<string, number>): EventsFromAnnotations {
  const ann = raw.annotations;
  const map: Record<string, number> = eventId ? { ...eventId } : Object.fromEntries(ann.uniqueDescriptions().map((d, i) => [d, i + 1]));
  for (const [k, v] of Object.entries(map)) if (!Number.isInteger(v)) throw new ArgumentError(`eventsFromAnnotations: id for '${k}' must be an integer, got ${v}`);
  const events: Event[] = [];
  for (let i = 0; i < ann.length; i++) {
    const id = map[ann.description[i]!];
    if (id === undefined) continue;
    const sample = raw.timeAsIndex(ann.onset[i]!);
    if (sample < 0 || sample >= raw.nTimes) continue;
    events.push({ sample, previous: 0, id });
  }
  events.sort((a, b) => a.sample - b.sample);
  const used = new Set(events.map((e) => e.id));
  return { events, eventId: Object.fromEntries(Object.entries(map).filter(([, v]) => used.has(v))) };
}

/**
 * First sample of the span [sample + offset, sample + offset + length) cut around an event, or
 * null when the span leaves the recording (MNE's NO_DATA: such epochs are dropped, not padded).
 * Epochs and trial windows both cut their spans here.
 */
export function eventSpanStart(ev: Event, offset: number, length: number, nTimes: number): number | null {
  const a = ev.sample + offset;
  return a < 0 || a + length > nTimes ? null : a;
}
