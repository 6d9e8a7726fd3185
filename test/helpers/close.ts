// Tolerance checks shared by the golden-value tests (signal, spike trains): relative error
// against the largest reference value, with NaN required exactly where the reference has it,
// and comparison with a stored summary of a long output.
import assert from 'node:assert/strict';

/** A long reference output stored as spot values every `step` plus sums. */
export interface Summary { n: number; step: number; spots: number[]; sum: number; sumAbs: number; sumSq: number }

/** max |a − b| / max |b| over the entries where both are numbers; NaN must match NaN. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, what = ''): number {
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs reference ${b.length}`);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(y) || Number.isNaN(x)) {
      assert.ok(Number.isNaN(x) && Number.isNaN(y), `${what}: entry ${i} is ${x}, reference ${y}`);
      continue;
    }
    scale = Math.max(scale, Math.abs(y));
    err = Math.max(err, Math.abs(x - y));
  }
  return scale === 0 ? err : err / scale;
}

export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, what: string): void {
  const e = relErr(a, b, what);
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
