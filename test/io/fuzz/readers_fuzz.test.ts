// Seeded fuzzing of every reader: for each target (targets.ts), hundreds to a thousand mutations of
// a real file (byte flips, overwritten header fields, truncations, insertions; for safetensors also
// structural header edits and headers of 100 k tensors). Every case must end in a clean read or a
// typed dendrite error: never a TypeError/RangeError, a crash, a hang or an unbounded allocation.
// For gzipped inputs a clean read must also give the original values (the CRC32 must catch the rest).
//
// Cases run in child processes under a watchdog (watchdog.ts): a case that takes longer than
// DENDRITE_FUZZ_CASE_MS (default 5 000 ms) or whose process passes DENDRITE_FUZZ_RSS_MIB (default
// 768 MiB) of resident memory fails with its target, index, seed and mutation, and its input is
// saved under the OS temp folder (dendrite-fuzz/) so that it can be replayed alone.
// DENDRITE_FUZZ_SCALE multiplies every target's case count, for a deeper search than CI's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipMissing } from '../../helpers/data.js';
import { caseSeed } from './mutate.js';
import { SELF_TESTS, TARGETS, type Target } from './targets.js';
import { fuzzTarget, type CaseFailure, type WatchdogOptions } from './watchdog.js';

const num = (v: string | undefined, d: number) => (v !== undefined && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
const OPTS: WatchdogOptions = {
  caseMs: num(process.env['DENDRITE_FUZZ_CASE_MS'], 5000),
  rssMiB: num(process.env['DENDRITE_FUZZ_RSS_MIB'], 768),
  maxFailures: 10,
};
const SCALE = num(process.env['DENDRITE_FUZZ_SCALE'], 1);

/** One line per failing case, with its input saved for replay. */
function explain(t: Target, failures: CaseFailure[]): string {
  const dir = join(tmpdir(), 'dendrite-fuzz');
  mkdirSync(dir, { recursive: true });
  const src = t.load();
  return failures.map((f) => {
    const m = t.make(src, f.index);
    const file = join(dir, `${t.name.replace(/[^A-Za-z0-9+.-]+/g, '_')}-${f.index}.bin`);
    writeFileSync(file, m.bytes);
    return `  ${t.name} case ${f.index} (seed ${caseSeed(t.name, f.index)}; ${m.what}): ${f.kind}: ${f.detail} [input: ${file}]`;
  }).join('\n');
}

describe('reader fuzz', { concurrency: 2 }, () => {
  for (const t of TARGETS) {
    const cases = Math.max(1, Math.round(t.cases * SCALE));
    it(`${t.name}: ${cases} seeded mutations give a clean read or a typed error, each within ${OPTS.caseMs} ms and ${OPTS.rssMiB} MiB`, { timeout: 240_000 * SCALE }, async (ctx) => {
      if (skipMissing(ctx, ...t.needs)) return;
      const run = await fuzzTarget(t.name, cases, OPTS);
      if (run.failures.length) {
        const more = run.failures.length >= OPTS.maxFailures ? ` (stopped at ${OPTS.maxFailures})` : '';
        assert.fail(`${run.failures.length} case(s) failed${more}:\n${explain(t, run.failures)}`);
      }
      assert.equal(run.ok + run.typed, cases);
      ctx.diagnostic(`${run.ok} read, ${run.typed} typed errors, peak RSS ${run.peakRssMiB.toFixed(0)} MiB`);
    });
  }
});

describe('reader fuzz watchdog', { concurrency: 2 }, () => {
  const opts: WatchdogOptions = { caseMs: 1000, rssMiB: 256, maxFailures: 10 };
  const expect: [number, CaseFailure['kind']][][] = [[[3, 'timeout']], [[2, 'rss']], [[1, 'untyped'], [5, 'untyped']]];
  SELF_TESTS.forEach((t, k) => {
    it(`names the failing case and goes on with the rest: ${t.name}`, async () => {
      const run = await fuzzTarget(t.name, t.cases, opts);
      assert.deepEqual(run.failures.map((f) => [f.index, f.kind]), expect[k], JSON.stringify(run.failures));
      assert.equal(run.ok + run.typed + run.failures.length, t.cases); // every other case still ran
      if (expect[k]![0]![1] === 'untyped') assert.match(run.failures[0]!.detail, /^RangeError: Invalid array length/);
    });
  });
});
