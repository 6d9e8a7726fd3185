// Ringach, Shapley & Hawken 2002 (J Neurosci 22:5639), macaque V1 orientation database: per
// cell the peak F0 (`maxdc`), F1 at that stimulus (`maxfirst`), the spontaneous rate (`spont`),
// and more. Brain-Score's Ringach2002 benchmark keeps cells with maxdc > spont + 5 spikes/s.

import { FormatError } from '../../errors.js';
import { readMat } from '../../io/mat/reader.js';
import { field, toFloat64 } from '../../io/mat/util.js';
import type { MatNumeric, MatValue } from '../../io/mat/types.js';

const NOT_NUMERIC = new Set(['struct', 'cell', 'char', 'sparse', 'object', 'opaque', 'function', 'logical']);
import { RESPONSE_THRESHOLD } from './rates.js';

export interface RingachCells {
  maxdc: Float64Array;
  maxfirst: Float64Array;
  spont: Float64Array;
  /** Half-bandwidth (degrees) and circular variance, as stored. */
  bw: Float64Array;
  orivar: Float64Array;
}

function column(db: MatValue, name: string, source: string): Float64Array {
  const v = field(db, name);
  if (NOT_NUMERIC.has(v.class)) throw new FormatError(`${source}: db.${name} is a ${v.class} array, expected numeric`);
  return toFloat64((v as MatNumeric).data);
}

/** Reads the `db` struct of ringach_2002_db.mat (bytes) into per-cell columns. */
export function readRingach2002(bytes: Uint8Array | ArrayBuffer, source = 'ringach_2002_db.mat'): RingachCells {
  // A Node Buffer's slice() is a view into a shared pool, which io/mat's element copies assume it
  // is not: hand the reader a plain Uint8Array.
  const plain = bytes instanceof Uint8Array && bytes.constructor !== Uint8Array ? new Uint8Array(bytes) : bytes;
  const vars = readMat(plain, source);
  const db = vars['db'];
  if (!db) throw new FormatError(`${source}: no variable 'db' (has ${Object.keys(vars).join(', ') || 'none'})`);
  const cells = {
    maxdc: column(db, 'maxdc', source), maxfirst: column(db, 'maxfirst', source), spont: column(db, 'spont', source),
    bw: column(db, 'bw', source), orivar: column(db, 'orivar', source),
  };
  const n = cells.maxdc.length;
  for (const [k, v] of Object.entries(cells)) if (v.length !== n) throw new FormatError(`${source}: db.${k} has ${v.length} cells, db.maxdc ${n}`);
  return cells;
}

/** F1/F0 of the cells Brain-Score keeps (maxdc > spont + 5). */
export function ringachModulationRatios(c: RingachCells): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.maxdc.length; i++) if (c.maxdc[i]! > c.spont[i]! + RESPONSE_THRESHOLD) out.push(c.maxfirst[i]! / c.maxdc[i]!);
  return out;
}

/** Circular variance (`orivar`) of the cells Brain-Score keeps. */
export function ringachCircularVariances(c: RingachCells): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.maxdc.length; i++) if (c.maxdc[i]! > c.spont[i]! + RESPONSE_THRESHOLD) out.push(c.orivar[i]!);
  return out;
}
