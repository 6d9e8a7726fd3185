// Node-only file helpers (kept out of browser-safe code).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `data` so that readers see either the old file or the complete new one, never a torn
 * write: temp file in the same directory (rename is only atomic within a filesystem), fsync, rename.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
    throw new Error(`writeFileAtomic: cannot write '${path}': ${(e as Error).message}`, { cause: e });
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
    buf = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const wrapped: NodeJS.ErrnoException = new Error(`readBytes: cannot read '${path}': ${err.message}`, { cause: e });
    if (err.code !== undefined) wrapped.code = err.code;
    throw wrapped;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
