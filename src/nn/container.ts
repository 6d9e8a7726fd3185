// Containers and shape layers: Sequential, ModuleList, Flatten, Dropout.

import type { Tensor } from '../tensor/tensor.js';
import { flatten } from '../ops/movement.js';
import { dropout } from '../ops/norm.js';
import { ArgumentError } from '../errors.js';
import { Module, type AnyModule } from './module.js';

/** Runs its children in order; keys are "0", "1", ... as in PyTorch. */
export class Sequential extends Module {
  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }

  /** Named children, in order: Sequential({conv: ..., relu: ...}) gives keys conv.*, relu.*. */
  static fromNamed(layers: Record<string, Module>): Sequential {
    const s = new Sequential();
    for (const [k, m] of Object.entries(layers)) s.registerModule(k, m);
    return s;
  }

  get length(): number {
    return this._modules.size;
  }

  at(i: number): Module {
    const m = [...this._modules.values()][i < 0 ? i + this.length : i];
    if (!m) throw new ArgumentError(`Sequential.at: index ${i} out of range for ${this.length} layers`);
    return m as unknown as Module;
  }

  append(m: Module): this {
    this.registerModule(String(this._modules.size), m);
    return this;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this._modules.values()) if (m) y = (m as unknown as Module).call(y);
    return y;
  }
}

/** Holds submodules under "0", "1", ...; has no forward of its own. */
export class ModuleList extends Module<never[], never> {
  constructor(modules: AnyModule[] = []) {
    super();
    modules.forEach((m, i) => this.registerModule(String(i), m));
  }
  get length(): number {
    return this._modules.size;
  }
  at(i: number): AnyModule {
    return [...this._modules.values()][i] as AnyModule;
  }
  push(m: AnyModule): void {
    this.registerModule(String(this._modules.size), m);
  }
  forward(): never {
    throw new ArgumentError('ModuleList has no forward; call its modules');
  }
  [Symbol.iterator](): Iterator<AnyModule> {
    return ([...this._modules.values()] as AnyModule[])[Symbol.iterator]();
  }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new ArgumentError(`Dropout: probability must be in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
