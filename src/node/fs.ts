// Node-only file helpers (kept out of browser-safe code).
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArgumentError } from '../errors.js';

// Temp files are `.<name>.<pid>.<12 hex>.tmp` beside their target. A process killed between
// creating one and renaming it (Ctrl-C, SIGKILL, power loss) cannot remove it itself, so writers
// remove the temps of processes that no longer exist.
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function removeIfStale(dir: string, name: string, target?: string): boolean {
  const m = TEMP.exec(name);
  if (!m || (target !== undefined && m[1] !== target) || processAlive(Number(m[2]))) return false;
  try {
    unlinkSync(join(dir, name));
    return true;
  } catch {
    return false; // removed by another writer meanwhile, or not ours to remove
  }
}

/**
 * Removes the temp files writeFileAtomic left in `dir` (and `depth` levels of sub-folders) when
 * the process writing them died; temps of live processes stay. Returns the paths removed.
 */
export function removeStaleTemps(dir: string, depth = 0): string[] {
  const removed: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return removed;
  }
  for (const e of entries) {
    if (e.isFile() && removeIfStale(dir, e.name)) removed.push(join(dir, e.name));
    else if (e.isDirectory() && depth > 0) removed.push(...removeStaleTemps(join(dir, e.name), depth - 1));
  }
  return removed;
}

/**
 * Writes `data` so that readers see either the old file or the complete new one, never a torn
 * write: temp file in the same directory (rename is only atomic within a filesystem), fsync, rename.
 * Temps that dead processes left for the same target are removed first.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = dirname(path);
  const base = basename(path);
  try {
    for (const name of readdirSync(dir)) if (name.startsWith(`.${base}.`)) removeIfStale(dir, name, base);
  } catch {
    /* a missing folder is reported by the write below */
  }
  const tmp = join(dir, `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing; report the first error */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* temp may not exist */
    }
    const wrapped: NodeJS.ErrnoException = new Error(`writeFileAtomic: cannot write '${path}': ${(e as Error).message}`, { cause: e });
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined) wrapped.code = code;
    throw wrapped;
  }
  // Persist the rename itself; directories cannot be opened for fsync on every platform.
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* best effort */
  }
}

/** Reads a whole file as a plain Uint8Array; errors name the path and keep the system `code`. */
export function readBytes(path: string): Uint8Array {
  let buf: Buffer;
  try {
    // a device or pipe (/dev/zero, /dev/stdin) may never end: only files and what stat cannot tell
    const st = statSync(path);
    const kind = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : null;
    if (kind !== null) throw new ArgumentError(`readBytes: '${path}' is ${kind}, not a file`);
    buf = readFileSync(path);
  } catch (e) {
    if (e instanceof ArgumentError) throw e;
    const err = e as NodeJS.ErrnoException;
    const wrapped: NodeJS.ErrnoException = new Error(`readBytes: cannot read '${path}': ${err.message}`, { cause: e });
    if (err.code !== undefined) wrapped.code = err.code;
    throw wrapped;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
