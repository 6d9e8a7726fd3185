// Planning the FFT row convolution (asm/conv_fft.ts): block length n, L = n − kh + 1 outputs
// per block; the block length comes from an estimate of its time against the direct product.

const FFT_MAX = 1024;

/** Floats of the spectrum block: twiddles, bit-reversal table, 16 per (output group, bin, channel). */
export function spectrumFloats(O: number, W: number, n: number): number {
  return 2 * n + Math.ceil(O / 8) * (n / 2 + 1) * W * 16;
}

/** Floats of the spectra (xs) and transform blocks (zb, also the forward's rows) of `pairs` block pairs. */
export function fftScratch(pairs: number, W: number, n: number): { xs: number; zb: number } {
  return { xs: (n / 2 + 1) * pairs * W * 4, zb: Math.max(2 * pairs * n * 8, n * Math.ceil(W / 8) * 8) };
}

/**
 * The block length with the least estimated time on T threads, or 0 where the direct product
 * is estimated to be as fast. Costs count SIMD instructions: the GEMM's 4×8 tile issues about
 * 1.75 per 4-lane multiply-add and splits over every thread; a complex channel term of two
 * blocks 28 and a radix-2 butterfly 16, split over images, or over block pairs within an image
 * when there are fewer images than threads. The weight's spectrum counts only when it is made
 * for this call (a weight that needs its gradient); a kept one is free.
 */
export function fftLength(N: number, O: number, H: number, W: number, kh: number, T: number, spectrumPerCall: boolean): number {
  const OH = H - kh + 1;
  if (kh < 8 || OH < 1) return 0;
  const direct = (N * O * W * kh * OH * 1.75) / 4 / T;
  const G = Math.ceil(W / 8);
  const OG = Math.ceil(O / 8);
  let best = 0;
  let bestTime = Infinity;
  for (let n = 16; n <= FFT_MAX; n *= 2) {
    if (n < 2 * kh) continue;
    const B = Math.ceil(OH / (n - kh + 1));
    const BP = Math.ceil(B / 2);
    const perImage = OG * (n / 2 + 1) * BP * W * 28 + (n / 2) * Math.log2(n) * 16 * (B * G + 2 * BP * OG) + 2 * O * OH;
    const spectrum = spectrumPerCall ? OG * W * (n / 2) * Math.log2(n) * 16 : 0;
    const time = (N * perImage) / Math.min(T, Math.max(N, BP)) + spectrum;
    if (time < bestTime) {
      bestTime = time;
      best = n;
    }
    if (n >= 2 * (OH + kh)) break;
  }
  return best > 0 && bestTime < 0.7 * direct ? best : 0;
}
