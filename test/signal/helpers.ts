// Shared helpers for the signal tests: golden fixtures from scripts/golden/signal_reference.py
// (scipy 1.10 / MNE 1.3 / pandas 1.5 in float64) and tolerance checks.
import { readFileSync } from 'node:fs';

export { relErr, assertClose, assertSummary, type Summary } from '../helpers/close.js';

export function golden<T>(name: string): T {
  return JSON.parse(readFileSync(`test/golden/signal/${name}`, 'utf8')) as T;
}

interface Inputs { synth: { fs: number; x: number[] }; eeg: { sfreq: number; channels: string[]; x: number[][] } }
const inputs = golden<Inputs>('inputs.json');
export const synth = Float64Array.from(inputs.synth.x);
export const synthFs = inputs.synth.fs;
export const eeg = inputs.eeg.x.map((r) => Float64Array.from(r));
export const eegFs = inputs.eeg.sfreq;

/** Python keyword names to camelCase option names. */
export function camelKw(kw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kw)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

/** max |a - b| / max |b|: error relative to the reference's scale. */
