// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13).
// Both modify the `.grad` of the given tensors in place; tensors without a grad are skipped.

import { ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Tensor, fromValues, tidy } from '../tensor/tensor.js';
import { div } from '../ops/elementwise.js';

function grads(params: Tensor | Iterable<Tensor>, op: string): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  const out: Tensor[] = [];
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new ArgumentError(`${op}: expected Tensors, got ${String(p)}`);
    if (p.ownedGrad !== null) out.push(p.ownedGrad);
  }
  return out;
}

export interface ClipGradNormOptions {
  /** Throw if the total norm is NaN or infinite (the grads are then left unchanged). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients so that their total norm (the `normType`-norm of all of them together,
 * as if concatenated) is at most `maxNorm`: each grad is multiplied by
 * `min(1, maxNorm / (total + 1e-6))`. `normType` may be any p > 0, 0 (count of nonzeros) or
 * Infinity (largest magnitude). Returns the total norm before clipping (0 with no grads).
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2, opts: ClipGradNormOptions = {}): number {
  if (!(maxNorm >= 0)) throw new ArgumentError(`clipGradNorm: invalid maxNorm ${maxNorm}`);
  if (!(normType >= 0)) throw new ArgumentError(`clipGradNorm: invalid normType ${normType}, expected p >= 0 or Infinity`);
  const gs = grads(params, 'clipGradNorm');
  if (gs.length === 0) return 0;
  // sum over grads of each grad's reduction (in the grad's dtype), combined in float64
  const total = noGrad(() =>
    tidy(() => {
      let acc = 0;
      for (const g of gs) {
        if (g.numel === 0) continue;
        if (normType === Infinity) acc = Math.max(acc, g.abs().amax().item());
        else if (normType === 0) acc += g.ne(0).sum().item();
        else if (normType === 2) acc += g.square().sum().item();
        else if (normType === 1) acc += g.abs().sum().item();
        else acc += g.abs().pow(normType).sum().item();
      }
      return normType === Infinity || normType === 0 || normType === 1 ? acc : acc ** (1 / normType);
    }),
  );
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ArgumentError(
      `clipGradNorm: the total norm of order ${normType} for gradients from \`parameters\` is non-finite (${total}), so it cannot be clipped`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // as PyTorch: a NaN norm makes the grads NaN, an infinite one zeroes them
  if (!(coef >= 1)) noGrad(() => { for (const g of gs) g.mul_(coef); });
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ArgumentError(`clipGradValue: invalid clipValue ${clipValue}`);
  const gs = grads(params, 'clipGradValue');
  noGrad(() => { for (const g of gs) g.clamp_(-clipValue, clipValue); });
}

/**
 * clipGradNorm without a read-back, for backends that read asynchronously (webgpu): the total
 * norm stays a 0-d float32 tensor on the device, and every grad is multiplied by
 * `min(1, maxNorm / (total + 1e-6))` (PyTorch's clamped coefficient), so a training step that
 * clips still submits once. Returns the total norm tensor (the caller disposes it; read it with
 * `await t.data()`). The per-grad reductions are summed in float32 (clipGradNorm sums them in
 * float64), and there is no errorIfNonfinite (it would need the value on the host).
 */
export function clipGradNormDevice(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2): Tensor {
  if (!(maxNorm >= 0)) throw new ArgumentError(`clipGradNormDevice: invalid maxNorm ${maxNorm}`);
  if (!(normType >= 0)) throw new ArgumentError(`clipGradNormDevice: invalid normType ${normType}, expected p >= 0 or Infinity`);
  const gs = grads(params, 'clipGradNormDevice').filter((g) => g.numel > 0);
  if (gs.length === 0) return fromValues([0], [], 'float32');
  return noGrad(() => tidy(() => {
    let acc: Tensor | null = null;
    for (const g of gs) {
      const r = normType === Infinity ? g.abs().amax()
        : normType === 0 ? g.ne(0).sum()
          : normType === 2 ? g.square().sum()
            : normType === 1 ? g.abs().sum()
              : g.abs().pow(normType).sum();
      const rf = r.dtype === 'float32' ? r : r.to('float32');
      acc = acc === null ? rf : normType === Infinity ? acc.maximum(rf) : acc.add(rf);
    }
    const total = normType === Infinity || normType === 0 || normType === 1 ? acc! : acc!.pow(1 / normType);
    const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1);
    for (const g of gs) g.mul_(coef);
    return total;
  }));
}
