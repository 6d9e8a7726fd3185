// Replay speed: 'realtime' (1× the recording's own rate) or a multiple of it, written "10x",
// "0.5x", "2" or given as a number. Anything else is an ArgumentError naming the value.

import { ArgumentError } from '../../errors.js';

/** Largest speed-up accepted: beyond it the clock's resolution, not the rate, sets the pace. */
export const MAX_RATE = 1e6;

/** Parses a replay rate: 'realtime' → 1, 'Nx' / 'N' (N > 0, finite, ≤ MAX_RATE) → N. */
export function parseRate(spec: string | number, op = 'replay'): number {
  let v: number;
  if (typeof spec === 'number') v = spec;
  else {
    const s = spec.trim().toLowerCase();
    if (s === 'realtime' || s === 'real-time') return 1;
    const m = /^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)x?$/.exec(s);
    if (!m) throw new ArgumentError(`${op}: rate must be 'realtime' or a speed-up like '2x' or '0.5x', got '${spec}'`);
    v = Number(m[1]);
  }
  if (!(Number.isFinite(v) && v > 0 && v <= MAX_RATE)) throw new ArgumentError(`${op}: rate must be a speed-up in (0, ${MAX_RATE}] × real time, got ${String(spec)}`);
  return v;
}
