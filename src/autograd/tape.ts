// The dynamic tape: each op that sees an input requiring grad records a GradNode on its output;
// backward() walks the nodes in reverse topological order (micrograd's scheme) and accumulates
// gradients into leaves' `.grad`.

import { AutogradError, ShapeError } from '../errors.js';
import { keep, nextSerial, releaseGrad, Tensor, type GradNode } from '../tensor/tensor.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { isGradEnabled, noGrad } from './grad_mode.js';

/** Does an op on these inputs need to record a node? */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t?.requiresGrad) return true;
  return false;
}

/**
 * Attaches a backward function to `out` when any input requires grad. The backward receives
 * the output's gradient and returns one gradient (or null) per input. `saved` lists the
 * tensors whose values backward reads (inputs, the output, index tensors); their versions are
 * noted, and backward refuses to run if any was written in place since (torch's check for
 * saved tensors "modified by an inplace operation").
 */
export function record(
  name: string,
  out: Tensor,
  inputs: readonly (Tensor | null | undefined)[],
  backward: (grad: Tensor) => (Tensor | null)[],
  saved?: readonly (Tensor | null | undefined | false)[],
): Tensor {
  if (!needsGrad(...inputs)) return out;
  const ins = inputs.map((t) => t ?? placeholder());
  const node: GradNode = saved
    ? { name, inputs: ins, backward, saved: saved.flatMap((t) => (t ? [[t, t.version] as const] : [])) }
    : { name, inputs: ins, backward };
  out.gradFn = node;
  out.requiresGrad = true;
  return out;
}

let _placeholder: Tensor | null = null;
function placeholder(): Tensor {
  if (_placeholder === null) _placeholder = keep(Tensor.empty([0]));
  return _placeholder;
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (torch's retain_graph). */
  retainGraph?: boolean;
}

/** Accumulates d(root)/d(leaf) into every leaf's .grad, seeded with `grad` (1 for scalars). */
export function backward(root: Tensor, grad?: Tensor | null, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) throw new AutogradError('backward: tensor does not require grad and has no grad_fn');
  let seed: Tensor;
  if (grad === undefined || grad === null) {
    if (root.numel !== 1) {
      throw new AutogradError(`backward: grad can be implicitly created only for scalar outputs (got shape ${fmtShape(root.shape)}); pass a seed gradient`);
    }
    seed = Tensor.empty(root.shape, root.dtype);
    fillOne(seed);
  } else {
    if (!sameShape(grad.shape, root.shape)) {
      throw new ShapeError(`backward: seed gradient shape ${fmtShape(grad.shape)} does not match output shape ${fmtShape(root.shape)}`);
    }
    seed = grad;
  }

  // topological order over nodes reachable from the root
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const node = t.gradFn;
    if (node !== null && i < node.inputs.length) {
      top[1]++;
      const inp = node.inputs[i]!;
      if (inp.requiresGrad && !seen.has(inp)) {
        seen.add(inp);
        stack.push([inp, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }

  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  // A leaf's gradient is adopted as its .grad instead of copied when this backward made it and
  // handed it to that leaf alone (no copy, no second block per parameter per step); `handed`
  // counts each gradient handle given out, `shared` holds those given out more than once.
  const firstSerial = grad === undefined || grad === null ? seed.serial : nextSerial();
  const handed = new Set<Tensor>();
  const shared = new Set<Tensor>();
  noGrad(() => {
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const node = t.gradFn;
      if (node === null) accumulate(t, g, g.serial >= firstSerial && !shared.has(g));
      else if (t.retainsGrad) accumulate(t, g, false);
      if (node === null) continue;
      if (node.backward === null) {
        throw new AutogradError(
          `backward: trying to backward through the graph a second time (node ${node.name}); pass retainGraph: true to the first backward`,
        );
      }
      checkSaved(node);
      const ig = node.backward(g);
      if (!opts.retainGraph) {
        // drops the closure's tensors and the version records
        node.backward = null;
        node.saved = undefined;
      }
      for (let j = 0; j < node.inputs.length; j++) {
        const inp = node.inputs[j]!;
        const gi = ig[j];
        if (gi === null || gi === undefined || !inp.requiresGrad) continue;
        if (!sameShape(gi.shape, inp.shape)) {
          throw new ShapeError(`backward: ${node.name} returned gradient ${fmtShape(gi.shape)} for input ${fmtShape(inp.shape)}`);
        }
        if (handed.has(gi)) shared.add(gi);
        else handed.add(gi);
        const prev = grads.get(inp);
        grads.set(inp, prev === undefined ? gi : prev.add(gi));
      }
    }
  });
}

function checkSaved(node: GradNode): void {
  for (const [t, v] of node.saved ?? []) {
    if (t.version !== v) {
      throw new AutogradError(
        `backward: a tensor ${fmtShape(t.shape)} that ${node.name} saved for its gradient has been modified by an in-place operation ` +
          `(version ${v} when ${node.name} ran, ${t.version} now); modify a clone instead, or run the in-place operation after backward`,
      );
    }
  }
}

function fillOne(t: Tensor): void {
  // kept local to avoid importing creation ops into the tape
  t.fill_(1);
}

/** Whether `g` is the only handle on its block and covers it whole (no view of it is alive). */
function ownsBlock(g: Tensor): boolean {
  const b = g.dtype === 'float64' ? 8 : 4; // bytes per element (float32, int32: 4)
  return g.storage.refs === 1 && g.isContiguous() && g.offset * b === g.storage.byteOffset && g.numel * b === g.storage.byteLength;
}

function accumulate(t: Tensor, g: Tensor, adoptable: boolean): void {
  const old = t.ownedGrad;
  if (old === null) {
    // a gradient this backward made for this leaf alone becomes its .grad as it is; any other
    // is copied: grads may be views shared between inputs, or tensors the caller holds
    t.grad = keep(adoptable && g.dtype === t.dtype && ownsBlock(g) ? g : g.clone());
  } else {
    const sum = keep(old.add(g));
    // the previous gradient is freed unless .grad handed it out (its reader keeps it)
    if (old.handedOut) releaseGrad(old);
    else old.dispose();
    t.grad = sum;
  }
}
