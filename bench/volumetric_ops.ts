// Volumetric ops on this machine: F.interpolate (trilinear, nearest, bilinear), groupNorm and
// transposed convolution, forward alone and forward + backward, median of BENCH_REPS runs (default 7)
// after a warm-up, with the spread. Run: node dist/bench/volumetric_ops.js
import { groupNorm, interpolate, convTranspose2d, convTranspose3d, noGrad, randn, tidy, type Tensor } from '../src/index.js';

const REPS = Number(process.env['BENCH_REPS'] ?? 7);

function time(fn: () => void): { median: number; min: number; max: number } {
  tidy(fn); // warm-up
  const ts: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    tidy(fn);
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)]!, min: ts[0]!, max: ts[ts.length - 1]! };
}

/** Forward, then forward + backward of sum(f(x, …)) (gradients dropped after each run). */
function row(name: string, f: () => Tensor, leaves: Tensor[]): void {
  const fwd = time(() => noGrad(f));
  const bwd = time(() => {
    f().sum().backward();
    for (const l of leaves) {
      l.grad?.dispose();
      l.grad = null;
    }
  });
  const fmt = (t: { median: number; min: number; max: number }) => `${t.median.toFixed(1).padStart(7)} ms (${t.min.toFixed(1)}–${t.max.toFixed(1)})`;
  console.log(`${name.padEnd(52)} fwd ${fmt(fwd)}   fwd+bwd ${fmt(bwd)}`);
}

const v = randn([1, 16, 32, 32, 32], { requiresGrad: true });
row('interpolate trilinear ×2 (1, 16, 32³)', () => interpolate(v, { scaleFactor: 2, mode: 'trilinear' }), [v]);
row('interpolate nearest ×2 (1, 16, 32³)', () => interpolate(v, { scaleFactor: 2, mode: 'nearest' }), [v]);
const im = randn([4, 8, 128, 128], { requiresGrad: true });
row('interpolate bilinear 128 → 256 (4, 8)', () => interpolate(im, { size: 256, mode: 'bilinear' }), [im]);
const gx = randn([2, 32, 32, 32, 32], { requiresGrad: true });
const gw = randn([32], { requiresGrad: true });
const gb = randn([32], { requiresGrad: true });
row('groupNorm 8 groups (2, 32, 32³)', () => groupNorm(gx, 8, gw, gb), [gx, gw, gb]);
const x3 = randn([1, 32, 24, 24, 24], { requiresGrad: true });
const w3 = randn([32, 16, 2, 2, 2], { requiresGrad: true });
row('convTranspose3d k2 s2 (1, 32, 24³) → (1, 16, 48³)', () => convTranspose3d(x3, w3, null, { stride: 2 }), [x3, w3]);
const x2 = randn([8, 32, 32, 32], { requiresGrad: true });
const w2 = randn([32, 16, 3, 3], { requiresGrad: true });
row('convTranspose2d k3 s2 p1 op1 (8, 32, 32²) → (8, 16, 64²)', () => convTranspose2d(x2, w2, null, { stride: 2, padding: 1, outputPadding: 1 }), [x2, w2]);
