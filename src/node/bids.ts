// BIDS data sets on disk.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { findBidsEeg, type BidsFiles, type BidsRecording } from '../io/bids/index.js';

export const nodeFiles: BidsFiles = {
  list: (dir) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory() })) : []),
  readText: (p) => readFileSync(p, 'utf8'),
  readBytes: (p) => new Uint8Array(readFileSync(p)),
  exists: (p) => existsSync(p),
};

/** Every EEG recording of the BIDS data set at `root`. */
export function readBidsEeg(root: string): BidsRecording[] {
  return findBidsEeg(nodeFiles, root);
}
