// The Bonn epilepsy EEG from disk: `dir` holds Z.zip, O.zip, N.zip, F.zip, S.zip (e.g. the
// shared data set); `downloadBonn` fetches the archives there first.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../errors.js';
import { BONN_SETS, BONN_URL, fetchBonnSet, loadBonn, type BonnData, type BonnSet, type FetchFn } from '../datasets/bonn.js';
import { readBytes, writeFileAtomic } from './fs.js';

/** The five archives under `dir`; a FormatError naming the first one missing. */
export function loadBonnDir(dir: string): BonnData {
  const zips = {} as Record<BonnSet, Uint8Array>;
  for (const s of BONN_SETS) {
    const p = join(dir, `${s}.zip`);
    if (!existsSync(p)) throw new FormatError(`bonn: ${p} does not exist (fetch the archives with downloadBonn)`);
    zips[s] = readBytes(p);
  }
  return loadBonn(zips);
}

/** Downloads the archives missing from `dir` (SHA-256 checked); returns their paths. */
export async function downloadBonn(dir: string, baseUrl = BONN_URL, fetchFn?: FetchFn): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const s of BONN_SETS) {
    const p = join(dir, `${s}.zip`);
    if (!existsSync(p)) writeFileAtomic(p, await fetchBonnSet(s, baseUrl, fetchFn));
    out.push(p);
  }
  return out;
}
