// EEGMMIDB runs from disk: `root` is a folder holding the EDF+ files either flat (S001R04.edf)
// or in PhysioNet's layout (S001/S001R04.edf), e.g. the shared data set; `downloadEegmmidb`
// fetches runs from PhysioNet into that layout.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FormatError } from '../errors.js';
import { eegmmidbFileName, EEGMMIDB_URL, fetchEegmmidbRun, loadEegmmidbRun, type EegmmidbRun } from '../datasets/eegmmidb.js';
import { readBytes, writeFileAtomic } from './fs.js';

/** The path of a run under `root` (flat or PhysioNet's layout); a FormatError naming both when neither exists. */
export function eegmmidbPath(root: string, subject: number, run: number): string {
  const { name, path } = eegmmidbFileName(subject, run);
  for (const p of [join(root, name), join(root, path)]) if (existsSync(p)) return p;
  throw new FormatError(`eegmmidb: neither ${join(root, name)} nor ${join(root, path)} exists (fetch it with downloadEegmmidb)`);
}

export interface LoadEegmmidbOptions {
  /** Folder with the EDF+ files. */
  root: string;
  subject: number;
  runs: readonly number[];
  /** Map rest (T0) to class 0 as well. */
  rest?: boolean;
}

/** The runs of one subject, each a Raw with its standard event mapping. */
export function loadEegmmidb(opts: LoadEegmmidbOptions): EegmmidbRun[] {
  return opts.runs.map((run) => {
    const p = eegmmidbPath(opts.root, opts.subject, run);
    return loadEegmmidbRun(readBytes(p), p, { subject: opts.subject, run, ...(opts.rest === undefined ? {} : { rest: opts.rest }) });
  });
}

/** Downloads runs into `dest` in PhysioNet's layout (skips files already there); returns their paths. */
export async function downloadEegmmidb(dest: string, subject: number, runs: readonly number[], baseUrl = EEGMMIDB_URL): Promise<string[]> {
  const out: string[] = [];
  for (const run of runs) {
    const p = join(dest, eegmmidbFileName(subject, run).path);
    if (!existsSync(p)) {
      const bytes = await fetchEegmmidbRun(subject, run, baseUrl);
      mkdirSync(dirname(p), { recursive: true });
      writeFileAtomic(p, bytes);
    }
    out.push(p);
  }
  return out;
}
