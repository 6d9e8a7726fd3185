// The `--out` folder of a command: checked before any work starts (a file, an unwritable place or
// a kernel filesystem is refused with one line), and the run's time-stamped folder inside it.

import { accessSync, constants, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ArgumentError } from '../errors.js';
import { removeStaleTemps } from '../node/fs.js';

// Kernel filesystems hold no user files; mkdir there fails oddly (Node's recursive mkdir loops
// forever under /proc).
const VIRTUAL = ['/proc', '/sys', '/dev'];
const isVirtual = (p: string) => VIRTUAL.some((v) => p === v || p.startsWith(`${v}/`));

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/**
 * Checks that `dir` (the value of --out) is a folder or can be made one: the nearest existing
 * ancestor must be a writable folder outside /proc, /sys and /dev. Returns the absolute path.
 * An existing folder is also swept of the temp files that killed runs left in it and in its run
 * folders (a Ctrl-C during a write ends the process before any handler could remove them).
 */
export function checkOutDir(op: string, dir: string): string {
  const abs = resolve(dir);
  if (isVirtual(abs)) throw new ArgumentError(`${op}: --out '${dir}' is on a kernel filesystem (${abs}); give a folder for results`);
  let p = abs;
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = errno(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new ArgumentError(`${op}: --out '${dir}': cannot inspect '${p}' (${code})`);
      const up = dirname(p);
      if (up === p) throw new ArgumentError(`${op}: --out '${dir}': no existing folder above it`);
      p = up;
      continue;
    }
    if (!st.isDirectory()) throw new ArgumentError(`${op}: --out '${dir}': '${p}' is a file, not a folder`);
    const real = realpathSync(p);
    if (isVirtual(real)) throw new ArgumentError(`${op}: --out '${dir}' is on a kernel filesystem (${real}); give a folder for results`);
    try {
      accessSync(p, constants.W_OK | constants.X_OK);
    } catch (e) {
      throw new ArgumentError(`${op}: --out '${dir}': folder '${p}' is not writable (${errno(e)})`);
    }
    if (p === abs) removeStaleTemps(abs, 1);
    return abs;
  }
}

/** Creates `<out>/<time>/` (a `-1`, `-2`... suffix when two runs start in the same millisecond) after checkOutDir. */
export function makeRunDir(op: string, out: string): string {
  const root = checkOutDir(op, out);
  try {
    mkdirSync(root, { recursive: true });
  } catch (e) {
    throw new ArgumentError(`${op}: cannot create --out folder '${out}' (${errno(e)})`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let k = 0; ; k++) {
    const dir = join(root, k ? `${stamp}-${k}` : stamp);
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw new ArgumentError(`${op}: cannot create run folder '${dir}' (${errno(e)})`);
    }
  }
}
