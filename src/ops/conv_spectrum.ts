// Weight spectra for the FFT path of row convolutions (Backend.rowConvFft). A spectrum is kept
// with its weight while the weight is unchanged (same storage, view and version), so batch-1
// inference transforms its kernels once rather than per call; under gradients, where the
// weight changes every step, it is made per call and freed after. A kept spectrum is freed
// once its weight's storage is (checked on every call), not left for the garbage collector:
// evaluation between training steps makes a new weight, and a new spectrum, each time.

import type { Backend } from '../kernels/backend.js';
import { keep, Tensor, type Storage } from '../tensor/tensor.js';

interface Entry {
  be: Backend;
  version: number;
  view: string;
  /** null: the backend declined this weight (non-finite values) */
  spec: Tensor | null;
}

const cache = new Map<Storage, Entry>();

/** Frees the spectra of weights whose storage has been released. */
function sweep(): void {
  for (const [s, e] of cache) {
    if (s.refs === 0) {
      e.spec?.dispose();
      cache.delete(s);
    }
  }
}

/**
 * The spectrum of `w` (the contiguous data of `weight`, (O, 1, kh, W)) for n-point blocks:
 * made for this call alone (the caller disposes it) when `perCall`, else kept with the weight;
 * null where the backend declines the weight (non-finite values).
 */
export function rowConvSpectrum(be: Backend, weight: Tensor, w: Tensor, O: number, kh: number, W: number, n: number, perCall: boolean): Tensor | null {
  const make = (): Tensor | null => {
    const spec = Tensor.empty([be.rowConvSpectrumSize!(O, W, n)], 'float32');
    if (be.rowConvSpectrum!(w.dtype, w.offset, O, kh, W, n, spec.offset)) return spec;
    spec.dispose();
    return null;
  };
  sweep();
  if (perCall) return make();
  const view = `${weight.offset}:${weight.shape.join(',')}:${weight.strides.join(',')}:${n}`;
  const e = cache.get(weight.storage);
  if (e && e.be === be && e.version === weight.version && e.view === view && !e.spec?.isDisposed) return e.spec;
  e?.spec?.dispose();
  const made = make();
  const spec = made && keep(made);
  cache.set(weight.storage, { be, version: weight.version, view, spec });
  return spec;
}
