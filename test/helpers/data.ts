// Where the tests find the real data sets (../shared/data, or DENDRITE_DATA), and what a test
// does when a file is missing: skip with a message on a developer's machine, fail under CI.
//
// `.ci/run` sets DENDRITE_REQUIRE_DATA=1, so a renamed or absent data file is a failure there,
// never a quiet skip.

import type { TestContext } from 'node:test';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const DATA = resolve(process.cwd(), process.env['DENDRITE_DATA'] ?? '../shared/data');

/** True when a missing data file must fail the test instead of skipping it. */
export const REQUIRE_DATA = process.env['DENDRITE_REQUIRE_DATA'] === '1';

/** Absolute path of a file or folder under the data root. */
export function dataPath(...parts: string[]): string {
  return resolve(DATA, ...parts);
}

function missing(paths: string[]): string[] {
  return paths.filter((p) => !existsSync(p));
}

function message(absent: string[]): string {
  return `data not found: ${absent.join(', ')} (set DENDRITE_DATA to the shared data folder)`;
}

/**
 * For a test's `skip` option: a skip message when a path is absent, else false. Under
 * DENDRITE_REQUIRE_DATA=1 it never skips (returns false), so the test runs and fails on the
 * missing file.
 */
export function skipUnlessData(...paths: string[]): string | false {
  const absent = missing(paths);
  if (absent.length === 0 || REQUIRE_DATA) return false;
  return message(absent);
}

/**
 * Inside a test: true (and the test is marked skipped) when a path is absent; call as
 * `if (skipMissing(t, file)) return;`. Under DENDRITE_REQUIRE_DATA=1 a missing path throws,
 * failing the test with the paths it needed.
 */
export function skipMissing(t: TestContext, ...paths: string[]): boolean {
  const absent = missing(paths);
  if (absent.length === 0) return false;
  if (REQUIRE_DATA) throw new Error(`${message(absent)}; DENDRITE_REQUIRE_DATA=1 makes this a failure`);
  t.skip(message(absent));
  return true;
}
