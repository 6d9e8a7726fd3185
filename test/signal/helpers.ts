// Shared helpers for the signal tests: golden fixtures from scripts/golden/signal_reference.py
// (scipy 1.10 / MNE 1.3 / pandas 1.5 in float64) and tolerance checks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export interface Summary { n: number; step: number; spots: number[]; sum: number; sumAbs: number; sumSq: number }

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
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, `length ${a.length} vs reference ${b.length}`);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return scale === 0 ? err : err / scale;
}

export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, what: string): void {
  const e = relErr(a, b);
  assert.ok(e <= rtol, `${what}: relative error ${e.toExponential(2)} > ${rtol}`);
}

/** Compare a full output with a stored summary (spot values every `step`, sums). */
export function assertSummary(y: ArrayLike<number>, s: Summary, rtol: number, what: string): void {
  assert.equal(y.length, s.n, `${what}: length ${y.length}, reference ${s.n}`);
  const spots: number[] = [];
  let sum = 0, sumAbs = 0, sumSq = 0;
  for (let i = 0; i < y.length; i++) {
    if (i % s.step === 0) spots.push(y[i]!);
    sum += y[i]!;
    sumAbs += Math.abs(y[i]!);
    sumSq += y[i]! * y[i]!;
  }
  assertClose(spots, s.spots, rtol, `${what} (spot values)`);
  assert.ok(Math.abs(sum - s.sum) <= rtol * s.sumAbs + 1e-300, `${what}: sum ${sum} vs ${s.sum}`);
  assert.ok(Math.abs(sumAbs - s.sumAbs) <= rtol * s.sumAbs, `${what}: sum|y| ${sumAbs} vs ${s.sumAbs}`);
  assert.ok(Math.abs(sumSq - s.sumSq) <= 2 * rtol * s.sumSq, `${what}: sum y^2 ${sumSq} vs ${s.sumSq}`);
}
