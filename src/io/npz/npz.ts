// NumPy .npz reading: a zip archive (np.savez stores, np.savez_compressed deflates) of .npy files,
// one per array, named '<key>.npy'. Arrays are read on demand, as np.load's NpzFile does, each
// entry inflated no further than the size its directory record declares (see io/zip).

import { FormatError } from '../../errors.js';
import { openZip, type ZipOptions } from '../zip/index.js';
import { readNpy, type NpyArray, type NpyReadOptions } from './npy.js';

export interface NpzFile {
  source: string;
  /** Array names (entry names without their '.npy' suffix), in archive order. */
  keys: string[];
  /** One array; FormatError naming the keys there are when `key` is not one. */
  get(key: string, opts?: NpyReadOptions): NpyArray;
}

/** Opens a .npz archive (reads its directory only). */
export function openNpz(input: Uint8Array | ArrayBuffer, source = '<bytes>', opts: ZipOptions = {}): NpzFile {
  const zip = openZip(input, source, opts);
  const keys = zip.entries.map((e) => (e.name.endsWith('.npy') ? e.name.slice(0, -4) : e.name));
  const get = (key: string, o: NpyReadOptions = {}): NpyArray => {
    const k = keys.indexOf(key);
    if (k < 0) throw new FormatError(`readNpz: ${source}: no array '${key}' (arrays: ${keys.join(', ') || 'none'})`);
    const entry = zip.entries[k]!;
    return readNpy(zip.read(entry), `${source}:${entry.name}`, o);
  };
  return { source, keys, get };
}

/** Every array of a .npz archive, by name. */
export function readNpz(input: Uint8Array | ArrayBuffer, source = '<bytes>', opts: ZipOptions & NpyReadOptions = {}): Record<string, NpyArray> {
  const f = openNpz(input, source, opts);
  const out: Record<string, NpyArray> = {};
  for (const k of f.keys) out[k] = f.get(k, opts.order ? { order: opts.order } : {});
  return out;
}
