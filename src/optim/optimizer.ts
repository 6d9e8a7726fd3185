// Optimizer base class, as torch.optim.Optimizer (PyTorch 1.13 semantics, TypeScript casing).
//
// Parameters are plain Tensors (leaves, usually with requiresGrad = true). An optimizer holds
// them in `paramGroups`, each group with its own copy of the hyperparameters; per-parameter
// state (moment buffers, step counts) is created lazily on the first step that sees a gradient.
//
// Memory: every update runs under noGrad inside a `tidy` scope per parameter, so the
// temporaries an update makes are freed at once; state tensors are `keep`-ed so they outlive
// that scope (and any scope the caller's step() runs in). After the first step a training loop
// therefore allocates nothing that survives the step.

import { ArgumentError, ShapeError, StateDictError } from '../errors.js';
import { enableGrad, noGrad } from '../autograd/grad_mode.js';
import { keep, tidy, Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';

/** Hyperparameters every optimizer has. */
export interface HyperParams {
  lr: number;
}

/** A parameter group: the tensors and their hyperparameters (a full copy of the defaults). */
export type ParamGroup<H extends HyperParams = HyperParams> = H & {
  params: Tensor[];
  /** The lr a scheduler started from (set by the first LRScheduler, as torch's `initial_lr`). */
  initialLr?: number;
  [key: string]: unknown;
};

/** A group as given to the constructor or `addParamGroup`: params plus any overrides. */
export type ParamGroupInput<H extends HyperParams = HyperParams> = Partial<H> & {
  params: Tensor | Iterable<Tensor>;
  [key: string]: unknown;
};

/** What an optimizer takes: tensors (`model.parameters()`, an array...) or groups. */
export type ParamsArg<H extends HyperParams = HyperParams> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/** Per-parameter state: tensors (moment buffers) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

/**
 * `optimizer.stateDict()`, laid out as PyTorch's: parameters are named by their index in the
 * order the groups list them. Tensors in `state` are the live state tensors (as in PyTorch);
 * `loadStateDict` copies them.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: ({ params: number[] } & Record<string, unknown>)[];
}

/** snake_case -> camelCase, so state dicts written with PyTorch's key names load too. */
const camel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Rejects a hyperparameter outside its range, with PyTorch's wording in dendrite's form. */
export function check(name: string, ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new ArgumentError(`${name}: invalid ${what} ${fmt(value)}`);
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(fmt).join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export abstract class Optimizer<H extends HyperParams = HyperParams> {
  /** The hyperparameters groups fall back on. */
  readonly defaults: Readonly<Partial<H>>;
  paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, keyed by the parameter tensor. */
  state = new Map<Tensor, ParamState>();
  /** The optimizer's name in error messages ("SGD", "Adam"). */
  protected readonly name: string;

  protected constructor(name: string, params: ParamsArg<H>, defaults: Partial<H>) {
    this.name = name;
    this.defaults = Object.freeze({ ...defaults });
    if (params instanceof Tensor) {
      throw new ArgumentError(`${name}: params should be an iterable of Tensors or of parameter groups, but got a Tensor; wrap it in an array`);
    }
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new ArgumentError(`${name}: params should be an iterable of Tensors or of parameter groups, got ${fmt(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) throw new ArgumentError(`${name}: got an empty parameter list`);
    if (list[0] instanceof Tensor) {
      this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupInput<H>);
    } else {
      for (const g of list) {
        if (g instanceof Tensor) throw new ArgumentError(`${name}: params mixes Tensors and parameter groups`);
        this.addParamGroup(g);
      }
    }
  }

  /**
   * Checks one group's hyperparameters (after the defaults are filled in); throws
   * ArgumentError. Runs from the base constructor, so it must not read subclass fields.
   */
  protected abstract validate(group: ParamGroup<H>): void;

  /** Updates one parameter in place. Runs under noGrad inside a tidy scope. */
  protected abstract update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<H>): void;

  /** Adds a group of parameters (e.g. layers unfrozen later), as torch's add_param_group. */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (group === null || typeof group !== 'object') {
      throw new ArgumentError(`${this.name}: a parameter group must be an object with a 'params' key, got ${fmt(group)}`);
    }
    const raw = group.params;
    if (raw === undefined) throw new ArgumentError(`${this.name}: parameter group has no 'params'`);
    const params = raw instanceof Tensor ? [raw] : [...raw];
    const index = this.paramGroups.length;
    const seen = new Set<Tensor>();
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${this.name}: can only optimize Tensors, but parameter group ${index} holds ${fmt(p)}`);
      if (!p.isLeaf) throw new ArgumentError(`${this.name}: can't optimize a non-leaf Tensor (shape ${fmtShape(p.shape)})`);
      if (!p.isFloat) throw new ArgumentError(`${this.name}: can only optimize floating-point Tensors, got ${p.dtype} (shape ${fmtShape(p.shape)})`);
      if (seen.has(p)) throw new ArgumentError(`${this.name}: parameter group ${index} lists a parameter twice (shape ${fmtShape(p.shape)})`);
      seen.add(p);
    }
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (seen.has(p)) throw new ArgumentError(`${this.name}: some parameters appear in more than one parameter group`);
      }
    }
    const full: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) full[k] = Array.isArray(v) ? [...v] : v;
    for (const [k, v] of Object.entries(group)) {
      if (k !== 'params' && v !== undefined) full[k] = Array.isArray(v) ? [...v] : v;
    }
    if (typeof full['lr'] !== 'number') {
      throw new ArgumentError(`${this.name}: parameter group ${index} didn't specify a value of required optimization parameter lr`);
    }
    full['params'] = params;
    const g = full as ParamGroup<H>;
    this.validate(g);
    this.paramGroups.push(g);
  }

  /** Every parameter, group by group (the order state dicts number them in). */
  *parameters(): IterableIterator<Tensor> {
    for (const g of this.paramGroups) yield* g.params;
  }

  /**
   * Clears the gradients. With `setToNone` (the default, as PyTorch 2) `.grad` becomes null
   * and the old gradient tensor is disposed: the optimizer owns `.grad`, as backward() does,
   * so do not keep a reference to it across zeroGrad(). Otherwise the grads are zeroed in place.
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p.ownedGrad;
      if (g === null) continue;
      if (setToNone) {
        p.grad = null;
        g.dispose();
      } else {
        if (g.gradFn !== null) p.grad = g.detach();
        noGrad(() => p.ownedGrad!.zero_());
      }
    }
  }

  /**
   * One optimization step over every parameter that has a gradient (those with
   * `grad === null` are skipped). `closure`, if given, re-evaluates the model and returns the
   * loss; it runs with gradients enabled and its result is returned.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    let loss: L | undefined;
    if (closure !== undefined) loss = enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p.ownedGrad;
          if (grad === null) continue;
          if (grad.shape.length !== p.shape.length || grad.shape.some((s, i) => s !== p.shape[i])) {
            throw new ShapeError(`${this.name}: gradient of shape ${fmtShape(grad.shape)} for a parameter of shape ${fmtShape(p.shape)}`);
          }
          p.assertAlive(`${this.name}.step`);
          let s = this.state.get(p);
          if (s === undefined) this.state.set(p, (s = {}));
          const st = s;
          tidy(() => {
            this.update(p, grad, st, group);
          });
        }
      }
    });
    return loss;
  }

  /** A zero tensor shaped like `p` for the state, kept out of every tidy scope. */
  protected zerosState(p: Tensor): Tensor {
    const t = keep(Tensor.empty(p.shape, p.dtype));
    t.zero_();
    return t;
  }

  /** A contiguous copy of `x` for the state, kept out of every tidy scope. */
  protected cloneState(x: Tensor): Tensor {
    return keep(x.clone());
  }

  /** The state as a plain object; see OptimizerStateDict. */
  stateDict(): OptimizerStateDict {
    const ids = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[k] = Array.isArray(v) ? [...v] : v;
      out['params'] = g.params.map((p) => {
        const id = ids.size;
        ids.set(p, id);
        return id;
      });
      return out as { params: number[] } & Record<string, unknown>;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const id = ids.get(p);
      if (id !== undefined) state[id] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state dict made by `stateDict()` (or a PyTorch one turned into this layout:
   * `param_groups` and snake_case keys are accepted). Hyperparameters come from the dict,
   * parameters stay this optimizer's; state tensors are copied and cast to the parameter dtype.
   */
  loadStateDict(sd: OptimizerStateDict | Record<string, unknown>): void {
    const n = this.name;
    const rec = sd as Record<string, unknown>;
    const groups = (rec['paramGroups'] ?? rec['param_groups']) as unknown;
    const stateIn = rec['state'] as unknown;
    if (!Array.isArray(groups) || stateIn === null || typeof stateIn !== 'object') {
      throw new StateDictError(`${n}.loadStateDict: expected an object with 'state' and 'paramGroups'`);
    }
    if (groups.length !== this.paramGroups.length) {
      throw new StateDictError(`${n}.loadStateDict: loaded state dict has ${groups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const idMap = new Map<string, Tensor>();
    const newGroups: ParamGroup<H>[] = [];
    groups.forEach((sg: unknown, i) => {
      const mine = this.paramGroups[i]!;
      const ids = (sg as Record<string, unknown> | null)?.['params'];
      if (!Array.isArray(ids) || ids.length !== mine.params.length) {
        throw new StateDictError(
          `${n}.loadStateDict: loaded parameter group ${i} has ${Array.isArray(ids) ? ids.length : 'no'} params, the optimizer's has ${mine.params.length}`,
        );
      }
      ids.forEach((id: unknown, j) => idMap.set(String(id), mine.params[j]!));
      // this group's settings, overridden by the dict's (so a dict missing a key still loads)
      const g: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(mine)) if (k !== 'params') g[k] = Array.isArray(v) ? [...v] : v;
      for (const [k, v] of Object.entries(sg as Record<string, unknown>)) {
        if (k !== 'params') g[camel(k)] = Array.isArray(v) ? [...v] : v;
      }
      g['params'] = mine.params;
      this.validate(g as ParamGroup<H>);
      newGroups.push(g as ParamGroup<H>);
    });
    // build the whole new state before touching the old one, so a bad dict changes nothing
    const newState = new Map<Tensor, ParamState>();
    try {
      for (const [id, s] of Object.entries(stateIn as Record<string, unknown>)) {
        const p = idMap.get(id);
        if (p === undefined) throw new StateDictError(`${n}.loadStateDict: state for parameter ${id}, which no group lists`);
        if (s === null || typeof s !== 'object') throw new StateDictError(`${n}.loadStateDict: state of parameter ${id} is not an object`);
        const out: ParamState = {};
        newState.set(p, out);
        for (const [k0, v] of Object.entries(s as Record<string, unknown>)) {
          const k = camel(k0);
          if (typeof v === 'number') out[k] = v;
          else if (v instanceof Tensor) {
            if (k === 'step') out[k] = v.item(); // PyTorch keeps step as a 0-d tensor
            else {
              if (v.numel !== p.numel || v.shape.length !== p.shape.length || v.shape.some((d, q) => d !== p.shape[q])) {
                throw new StateDictError(`${n}.loadStateDict: state '${k}' of parameter ${id} has shape ${fmtShape(v.shape)}, the parameter ${fmtShape(p.shape)}`);
              }
              out[k] = noGrad(() => tidy(() => keep(v.to(p.dtype).clone())));
            }
          } else if (v !== null && v !== undefined) {
            throw new StateDictError(`${n}.loadStateDict: state '${k}' of parameter ${id} is neither a number nor a Tensor`);
          }
        }
      }
    } catch (e) {
      disposeState(newState);
      throw e;
    }
    disposeState(this.state);
    this.state = newState;
    this.paramGroups = newGroups;
  }

  /** Frees the state tensors (the optimizer starts afresh on its next step). */
  dispose(): void {
    disposeState(this.state);
    this.state = new Map();
  }
}

function disposeState(m: Map<Tensor, ParamState>): void {
  for (const s of m.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
}
