// MNIST from IDX bytes (gzip or raw), so it works in browsers and Node alike. Images stay as
// bytes outside the tensor heap; each batch is normalised straight into a heap tensor.

import { FormatError, IndexError } from '../errors.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import type { Dataset } from '../data/dataset.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { parseIdx } from '../io/idx/index.js';

/** The training set's pixel mean and standard deviation (on the [0, 1] scale), as torchvision's recipe. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** The four original IDX files (each may also be gzip-compressed, with a `.gz` suffix). */
export const MNIST_FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

export interface MnistOptions {
  /** Subtract MNIST_MEAN and divide by MNIST_STD after scaling to [0, 1] (default true). */
  normalize?: boolean;
  /**
   * Augmentation for training: shift each image by a random whole number of pixels in
   * [-maxShift, maxShift] along each axis (filling with background), drawn per batch item.
   */
  maxShift?: number;
  /** Source of the shifts (default: the global generator). */
  generator?: Generator;
}

/** MNIST digits: example i is [image (1, 28, 28) float32, label int32]. */
export class MNIST implements Dataset<[Tensor, Tensor]> {
  readonly rows: number;
  readonly cols: number;
  private readonly scale: number;
  private readonly shift: number;
  private readonly maxShift: number;
  private readonly gen: Generator;

  constructor(readonly images: Uint8Array, readonly labels: Uint8Array, readonly count: number, rows = 28, cols = 28, opts: MnistOptions = {}) {
    this.rows = rows;
    this.cols = cols;
    const norm = opts.normalize ?? true;
    this.scale = norm ? 1 / (255 * MNIST_STD) : 1 / 255;
    this.shift = norm ? -MNIST_MEAN / MNIST_STD : 0;
    this.maxShift = opts.maxShift ?? 0;
    this.gen = opts.generator ?? defaultGenerator;
  }

  /** Parses the images and labels IDX files (each gzip-compressed or raw). */
  static fromIdx(imageBytes: Uint8Array, labelBytes: Uint8Array, opts: MnistOptions & { source?: string } = {}): MNIST {
    const src = opts.source ?? 'mnist';
    const im = parseIdx(imageBytes, `${src} images`);
    const lb = parseIdx(labelBytes, `${src} labels`);
    if (im.dtype !== 'uint8' || im.shape.length !== 3) throw new FormatError(`${src} images: expected a 3-d uint8 IDX array, got ${im.shape.length}-d ${im.dtype}`);
    if (lb.dtype !== 'uint8' || lb.shape.length !== 1) throw new FormatError(`${src} labels: expected a 1-d uint8 IDX array, got ${lb.shape.length}-d ${lb.dtype}`);
    if (im.shape[0] !== lb.shape[0]) throw new FormatError(`${src}: ${im.shape[0]} images but ${lb.shape[0]} labels`);
    for (const l of lb.data as Uint8Array) if (l > 9) throw new FormatError(`${src} labels: label ${l} is not a digit`);
    return new MNIST(im.data as Uint8Array, lb.data as Uint8Array, im.shape[0]!, im.shape[1], im.shape[2], opts);
  }

  get length(): number {
    return this.count;
  }

  get(index: number): [Tensor, Tensor] {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) throw new IndexError(`MNIST: index ${index} out of range [0, ${this.count})`);
    const [x, y] = this.getBatch(Int32Array.of(index));
    return [x.reshape(1, this.rows, this.cols), y.reshape()];
  }

  /** x: (B, 1, 28, 28) float32, y: (B,) int32. */
  getBatch(indices: Int32Array): [Tensor, Tensor] {
    const B = indices.length;
    const px = this.rows * this.cols;
    const labels = new Int32Array(B);
    // pixels are written straight into the batch tensor's block: one pass, no staging copy
    const x = Tensor.fromFn([B, 1, this.rows, this.cols], 'float32', (v) => {
      // locals, not captured fields, in the per-pixel loops
      const images = this.images, scale = this.scale, shift = this.shift;
      for (let b = 0; b < B; b++) {
        const i = indices[b]!;
        if (i < 0 || i >= this.count) throw new IndexError(`MNIST: index ${i} out of range [0, ${this.count})`);
        const src = i * px;
        const dst = b * px;
        if (this.maxShift === 0) {
          for (let k = 0; k < px; k++) v[dst + k] = images[src + k]! * scale + shift;
        } else {
          const s = this.maxShift;
          const dy = this.gen.int(-s, s + 1);
          const dx = this.gen.int(-s, s + 1);
          const R = this.rows, C = this.cols;
          for (let r = 0; r < R; r++) {
            const sr = r - dy;
            for (let c = 0; c < C; c++) {
              const sc = c - dx;
              const p = sr >= 0 && sr < R && sc >= 0 && sc < C ? images[src + sr * C + sc]! : 0;
              v[dst + r * C + c] = p * scale + shift;
            }
          }
        }
        labels[b] = this.labels[i]!;
      }
    });
    return [x, fromValues(labels, [B], 'int32')];
  }
}

/** The public mirror of the original files that torchvision uses. */
export const MNIST_URL = 'https://ossci-datasets.s3.amazonaws.com/mnist/';

/** Names a stored IDX file may have: as published, gzip-compressed, and with '.idx' for '-idx'. */
export function mnistFileNames(base: string): string[] {
  const dotted = base.replace('-idx', '.idx');
  return [base, `${base}.gz`, dotted, `${dotted}.gz`];
}

/** Fetches one original .gz file (e.g. 'train-images-idx3-ubyte') from `baseUrl`. */
export async function fetchMnistFile(base: string, baseUrl = MNIST_URL): Promise<Uint8Array> {
  const url = `${baseUrl}${base}.gz`;
  const res = await fetch(url);
  if (!res.ok) throw new FormatError(`mnist: download of ${url} failed with HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The training (default) or test set fetched from `baseUrl` (the browser's way; Node can use loadMnist). */
export async function fetchMnist(opts: MnistOptions & { train?: boolean; baseUrl?: string } = {}): Promise<MNIST> {
  const [imgs, lbls] = MNIST_FILES[opts.train === false ? 'test' : 'train'];
  const baseUrl = opts.baseUrl ?? MNIST_URL;
  const [im, lb] = await Promise.all([fetchMnistFile(imgs, baseUrl), fetchMnistFile(lbls, baseUrl)]);
  return MNIST.fromIdx(im, lb, { ...opts, source: `${baseUrl}${imgs.replace(/-images.*$/, '')}` });
}
