// Module: the base of every layer and model, after torch.nn.Module. Parameters, buffers and
// children are found in three ordered maps; subclasses fill them by assigning fields
// (`this.conv1 = new Conv2d(...)`, `this.weight = new Parameter(...)`), which are discovered
// in declaration order, or by explicit registration where PyTorch's name is not a TS name
// (`registerBuffer('running_mean', t)`, LSTM's `weight_ih_l0`).

import { StateDictError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { keep, Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
// through the ops entry, which also installs the Tensor methods every layer calls
import { assignInto, cast } from '../ops/index.js';
import { Parameter } from './parameter.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a module of any signature
export type AnyModule = Module<any[], unknown>;

export type ForwardHook = (module: AnyModule, inputs: readonly unknown[], output: unknown) => unknown;
export type ForwardPreHook = (module: AnyModule, inputs: readonly unknown[]) => unknown[] | void;

export interface HookHandle {
  remove(): void;
}

export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

let hookIds = 0;

export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  training = true;
  protected readonly _parameters = new Map<string, Parameter | null>();
  protected readonly _buffers = new Map<string, Tensor | null>();
  protected readonly _nonPersistent = new Set<string>();
  protected readonly _modules = new Map<string, AnyModule | null>();
  private readonly _forwardHooks = new Map<number, ForwardHook>();
  private readonly _forwardPreHooks = new Map<number, ForwardPreHook>();

  abstract forward(...inputs: In): Out;

  /** Runs forward with the registered hooks: model.call(x) is PyTorch's model(x). */
  call(...inputs: In): Out {
    let args: unknown[] = inputs;
    for (const h of this._forwardPreHooks.values()) {
      const r = h(this, args);
      if (r) args = r;
    }
    let out: unknown = this.forward(...(args as In));
    for (const h of this._forwardHooks.values()) {
      const r = h(this, args, out);
      if (r !== undefined) out = r;
    }
    return out as Out;
  }

  /** Whether call() runs any hook: a layer may take a fused path only when nothing observes its own output. */
  protected hasHooks(): boolean {
    return this._forwardHooks.size > 0 || this._forwardPreHooks.size > 0;
  }

  /** Calls `hook(module, inputs, output)` after every forward; a returned value replaces the output. */
  registerForwardHook(hook: ForwardHook): HookHandle {
    const id = hookIds++;
    this._forwardHooks.set(id, hook);
    return { remove: () => this._forwardHooks.delete(id) };
  }

  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    const id = hookIds++;
    this._forwardPreHooks.set(id, hook);
    return { remove: () => this._forwardPreHooks.delete(id) };
  }

  registerParameter(name: string, p: Parameter | null): Parameter | null {
    this._parameters.set(name, p);
    return p;
  }

  /** Non-trainable state saved in checkpoints (unless persistent = false), e.g. running_mean. */
  registerBuffer(name: string, t: Tensor | null, persistent = true): Tensor | null {
    if (t) keep(t);
    this._buffers.set(name, t);
    if (!persistent) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
    return t;
  }

  registerModule<M extends AnyModule>(name: string, m: M | null): M | null {
    this._modules.set(name, m as AnyModule | null);
    return m;
  }

  getBuffer(name: string): Tensor | null {
    return this._buffers.get(name) ?? null;
  }

  /** Replaces a buffer's tensor (e.g. a new running count). */
  setBuffer(name: string, t: Tensor): void {
    const old = this._buffers.get(name);
    keep(t);
    this._buffers.set(name, t);
    if (old && old !== t) old.dispose();
  }

  /** Own parameters: registered ones, then Parameter-valued fields in declaration order. */
  protected ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [k, v] of this._parameters) if (v) out.push([k, v]);
    for (const [k, v] of Object.entries(this)) if (v instanceof Parameter && !this._parameters.has(k)) out.push([k, v]);
    return out;
  }

  /** Direct children: registered ones, then Module-valued fields and arrays of Modules. */
  *namedChildren(): Generator<[string, AnyModule]> {
    for (const [k, v] of this._modules) if (v) yield [k, v];
    for (const [k, v] of Object.entries(this)) {
      if (k.startsWith('_') || this._modules.has(k)) continue;
      if (v instanceof Module) yield [k, v as AnyModule];
      else if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module)) {
        for (let i = 0; i < v.length; i++) yield [`${k}.${i}`, v[i] as AnyModule];
      }
    }
  }

  *children(): Generator<AnyModule> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  *namedModules(prefix = '', seen = new Set<AnyModule>()): Generator<[string, AnyModule]> {
    const self = this as AnyModule;
    if (seen.has(self)) return;
    seen.add(self);
    yield [prefix, self];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k, seen);
  }

  *modules(): Generator<AnyModule> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: [string, AnyModule][] = recurse ? [...this.namedModules(prefix)] : [[prefix, this as AnyModule]];
    for (const [mp, m] of mods) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [mp ? `${mp}.${k}` : k, p];
      }
    }
  }

  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters('', recurse)].map(([, p]) => p);
  }

  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [mp, m] of this.namedModules(prefix)) {
      for (const [k, b] of m._buffers) if (b) yield [mp ? `${mp}.${k}` : k, b];
    }
  }

  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.ownedGrad?.dispose();
      p.grad = null;
    }
  }

  apply(fn: (m: AnyModule) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this as AnyModule);
    return this;
  }

  /** Dotted keys → tensors (views of the live data): parameters, then persistent buffers, per module. */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [mp, m] of this.namedModules()) {
      const pre = mp ? `${mp}.` : '';
      for (const [k, p] of m.ownParameters()) out[pre + k] ??= p;
      for (const [k, b] of m._buffers) if (b && !m._nonPersistent.has(k)) out[pre + k] = b;
    }
    return out;
  }

  /**
   * Copies values in by name. With strict (the default) a missing or unexpected key throws
   * StateDictError listing them; a shape mismatch always throws.
   */
  loadStateDict(sd: Record<string, Tensor>, strict = true): IncompatibleKeys {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      const parts: string[] = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(', ')}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
      throw new StateDictError(`loadStateDict(${this.constructor.name}): ${parts.join('; ')}`);
    }
    const bad = Object.keys(own)
      .filter((k) => k in sd && (sd[k]!.ndim !== own[k]!.ndim || sd[k]!.shape.some((s, i) => s !== own[k]!.shape[i])))
      .map((k) => `${k}: checkpoint ${fmtShape(sd[k]!.shape)} vs model ${fmtShape(own[k]!.shape)}`);
    if (bad.length) throw new StateDictError(`loadStateDict(${this.constructor.name}): shape mismatch for ${bad.join('; ')}`);
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) {
        const src = sd[k];
        if (!src) continue;
        const c = cast(src, t.dtype);
        assignInto(t, c);
        if (c !== src) c.dispose();
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Extra text for toString, as PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = [...this.namedChildren()];
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const body = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }
}
