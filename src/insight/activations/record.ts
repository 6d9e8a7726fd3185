// recordActivations: the outputs of named submodules for an input, captured with forward hooks
// (as one registers torch forward hooks to read intermediate layers), without gradients.

import { ArgumentError } from '../../errors.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { keep, tidy, Tensor } from '../../tensor/tensor.js';
import { cat, clone, narrow } from '../../ops/movement.js';
import type { AnyModule } from '../../nn/module.js';

export interface RecordOptions {
  /** Run the input through the model this many rows (dim 0) at a time, so memory stays bounded. */
  batchSize?: number;
}

/** Dotted names of every submodule a forward hook can be put on (the root excluded). */
export function layerNames(model: AnyModule): string[] {
  return [...model.namedModules()].map(([n]) => n).filter((n) => n !== '');
}

/**
 * Runs `model.call(input)` under noGrad and returns each named layer's output (a detached copy,
 * batches concatenated along dim 0). Names are dotted module paths as in stateDict keys
 * ('conv1', 'features.0'); an unknown name is an ArgumentError listing the available ones.
 * The model's train/eval mode is left as the caller set it.
 */
export function recordActivations(model: AnyModule, names: readonly string[], input: Tensor, opts: RecordOptions = {}): Map<string, Tensor> {
  const wanted = [...new Set(names)];
  if (wanted.length === 0) throw new ArgumentError('recordActivations: no layer names given');
  const modules = new Map(model.namedModules());
  const unknown = wanted.filter((n) => n === '' || !modules.has(n));
  if (unknown.length > 0) {
    throw new ArgumentError(`recordActivations: unknown layer ${unknown.map((n) => `'${n}'`).join(', ')}; available: ${layerNames(model).join(', ')}`);
  }
  if (input.shape.length === 0) throw new ArgumentError('recordActivations: a 0-d input has no batch dimension');
  const n = input.shape[0]!;
  const batch = opts.batchSize ?? n;
  if (!Number.isInteger(batch) || batch < 1) throw new ArgumentError(`recordActivations: batchSize ${opts.batchSize}, expected a positive integer`);
  const parts = new Map<string, Tensor[]>(wanted.map((w) => [w, []]));
  let forwards = 0;
  const handles = wanted.map((name) =>
    modules.get(name)!.registerForwardHook((_m, _in, out) => {
      if (!(out instanceof Tensor)) throw new ArgumentError(`recordActivations: layer '${name}' returned ${out === null ? 'null' : typeof out}, not a tensor`);
      const p = parts.get(name)!;
      // a module used twice in one forward has no single activation to return
      if (p.length >= forwards) throw new ArgumentError(`recordActivations: layer '${name}' runs more than once per forward; record its callers instead`);
      p.push(keep(clone(out)));
    }),
  );
  try {
    noGrad(() => {
      for (let s = 0; s < Math.max(n, 1); s += batch) {
        forwards++;
        tidy(() => {
          model.call(batch >= n ? input : narrow(input, 0, s, Math.min(batch, n - s)));
        });
      }
    });
  } catch (e) {
    for (const p of parts.values()) for (const t of p) t.dispose();
    throw e;
  } finally {
    for (const h of handles) h.remove();
  }
  const idle = wanted.filter((w) => parts.get(w)!.length !== forwards);
  if (idle.length > 0) {
    for (const p of parts.values()) for (const t of p) t.dispose();
    throw new ArgumentError(`recordActivations: layer ${idle.map((n) => `'${n}'`).join(', ')} never ran in the model's forward`);
  }
  const out = new Map<string, Tensor>();
  for (const [name, p] of parts) {
    if (p.length === 1) out.set(name, p[0]!);
    else {
      out.set(name, keep(cat(p, 0)));
      for (const t of p) t.dispose();
    }
  }
  return out;
}
