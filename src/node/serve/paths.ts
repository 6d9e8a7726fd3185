// Names that come from a URL and turn into paths: run roots, run folders and asset files. A name
// is one plain segment (letters, digits, '.', '_', '-', not starting with '.'), so '..', '/',
// '\', encoded separators and NUL never reach the filesystem; the realpath of what it names must
// still lie inside its root, so a symlink leading out is refused too.

import { realpathSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { RequestError } from '../../errors.js';

/** A plain name: what checkName accepts and what run listings show. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** One folder of run folders, and the label that names it in URLs. */
export interface RunRoot {
  label: string;
  /** Absolute path (its realpath when it exists). */
  dir: string;
}

/** `raw` (one URL segment, percent-encoded) decoded and checked as a plain name, else a 400 naming `what`. */
export function checkName(what: string, raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new RequestError(`${what} '${raw}' is not valid percent-encoding`, 400);
  }
  if (!NAME.test(name)) throw new RequestError(`${what} '${name.slice(0, 200)}' is not a plain name (letters, digits, '.', '_', '-'; no separators, no leading '.')`, 400);
  return name;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Run roots for --runs folders: labels are the folders' names, made unique with -2, -3... */
export function runRoots(dirs: readonly string[]): RunRoot[] {
  const roots: RunRoot[] = [];
  for (const d of dirs) {
    const dir = real(d);
    if (roots.some((r) => r.dir === dir)) continue;
    let base = basename(dir).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '') || 'runs';
    base = base.slice(0, 60);
    let label = base;
    for (let k = 2; roots.some((r) => r.label === label); k++) label = `${base}-${k}`;
    roots.push({ label, dir });
  }
  return roots;
}

/**
 * The realpath of `rel` (already-checked names) under `root`, which must exist and lie inside
 * `root`'s realpath: 404 when missing, 403 when a symlink leads outside.
 */
export function insideRoot(what: string, root: string, rel: readonly string[]): string {
  const rootReal = real(root);
  const path = join(rootReal, ...rel);
  let r: string;
  try {
    r = realpathSync(path);
  } catch {
    throw new RequestError(`${what} '${rel.join('/')}' not found`, 404);
  }
  if (!r.startsWith(rootReal + sep)) throw new RequestError(`${what} '${rel.join('/')}' leads outside its folder`, 403);
  return r;
}

/** The folder of run `label/name` (raw URL segments), checked; 404 for an unknown root or run. */
export function resolveRun(roots: readonly RunRoot[], rawLabel: string, rawName: string): string {
  const label = checkName('run root', rawLabel);
  const name = checkName('run', rawName);
  const root = roots.find((r) => r.label === label);
  if (!root) throw new RequestError(`run root '${label}' unknown (roots: ${roots.map((r) => r.label).join(', ')})`, 404);
  const dir = insideRoot('run', root.dir, [name]);
  if (!statSync(dir).isDirectory()) throw new RequestError(`run '${label}/${name}' is not a folder`, 404);
  return dir;
}
