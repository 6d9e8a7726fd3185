// Recurrent layers, as torch.nn.RNN / LSTM / GRU and their single-step cells (PyTorch 1.13).
//
// x: (T, B, in) or (B, T, in) with batchFirst, or unbatched (T, in)
// T=time steps, B=batch, H=hiddenSize, L=numLayers, D=2 if bidirectional else 1, G=gates
// (RNN 1, GRU 3 in order r, z, n, LSTM 4 in order i, f, g, o).
// Parameters carry PyTorch's names and layouts, so state dicts move both ways:
//   weight_ih_l{k}{_reverse}: (G·H, in_k)   weight_hh_l{k}{_reverse}: (G·H, H)
//   bias_ih_l{k}{_reverse}:   (G·H,)        bias_hh_l{k}{_reverse}:   (G·H,)
// with in_0 = inputSize and in_k = D·H for k > 0.
//
// Per layer and direction, the input projection of every time step is one GEMM
// (T·B, in) @ W_ihᵀ; the time loop only multiplies the hidden state by W_hhᵀ and applies
// the gates. Everything is built from differentiable ops, plus one local op (`splitShared`)
// that hands out views of a tensor whose backward gathers into a single buffer: slicing a
// step out of (T, B, G·H) with `slice` would make each step's backward allocate and sum a
// full (T, B, G·H) gradient, O(T²) work per sequence.

import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { record, needsGrad } from '../autograd/tape.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import { contiguousStrides, fmtShape } from '../tensor/shape.js';
import { empty, zeros } from '../tensor/creation.js';
import { add, relu, tanh } from '../ops/elementwise.js';
import { gruCell, lstmCell, rnnSequence } from '../ops/rnn_cell.js';
import { linear, matmul } from '../ops/matmul.js';
import { assignInto, cat, contiguous, select, squeeze, stack, transpose, unsqueeze } from '../ops/movement.js';
import { dropout as dropoutOp } from '../ops/norm.js';
import { scalar } from '../ops/util.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { uniform_ } from './init.js';

export type RNNNonlinearity = 'tanh' | 'relu';
type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

// ---- a split whose backward writes into one shared gradient buffer -------------------------

/**
 * Splits `x` along `dim` into pieces of the given sizes, as views (with `dim` removed when
 * `squeezeDim`, for pieces of size 1). Same values and gradient as `split`, but the pieces'
 * backwards copy into one zero-initialised buffer of x's shape, which a single hidden node
 * then passes on to x, instead of each piece producing (and the tape summing) a full-size
 * gradient.
 */
function splitShared(x: Tensor, dim: number, sizes: readonly number[], squeezeDim = false): Tensor[] {
  const src = x.isContiguous() ? x : contiguous(x);
  const cs = contiguousStrides(src.shape);
  const pieces: Tensor[] = [];
  const starts: number[] = [];
  let at = 0;
  for (const s of sizes) {
    const shape = [...src.shape];
    const strides = [...cs];
    if (squeezeDim) {
      shape.splice(dim, 1);
      strides.splice(dim, 1);
    } else shape[dim] = s;
    starts.push(at);
    pieces.push(src.view_(shape, strides, src.offset + at * cs[dim]!));
    at += s;
  }
  if (!needsGrad(src)) return pieces;
  let buf: Tensor | null = null;
  let zero: Tensor | null = null;
  // the hub: a 0-d handle standing for "all the pieces", whose gradient is the gathered buffer
  const hub = record('splitShared', src.view_([], [], src.offset), [src], () => {
    const g = buf ?? zeros(src.shape, { dtype: src.dtype });
    buf = null;
    zero = null;
    return [g];
  });
  return pieces.map((p, k) =>
    record('splitShared.piece', p, [hub], (g) => {
      buf ??= zeros(src.shape, { dtype: src.dtype });
      assignInto(buf.view_(p.shape, p.strides, buf.offset + starts[k]! * cs[dim]!), g);
      zero ??= scalar(0, src.dtype);
      return [zero];
    }),
  );
}

/** x (T, ...) → T views (...), with one gathered gradient (see splitShared). */
function unbindTime(x: Tensor): Tensor[] {
  return splitShared(x, 0, new Array<number>(x.shape[0]!).fill(1), true);
}

// ---- one time step of each cell kind ---------------------------------------------------------
// gi: the input projection of this step, (B, G·H), already holding bias_ih (and, for RNN and
// LSTM, bias_hh too); whhT: W_hhᵀ (H, G·H); bhh: GRU's bias_hh, which must stay inside r ⊙ (·).

function rnnStep(gi: Tensor, h: Tensor, whhT: Tensor, act: RNNNonlinearity): Tensor {
  const pre = add(gi, matmul(h, whhT));
  return act === 'tanh' ? tanh(pre) : relu(pre);
}

function lstmStep(gi: Tensor, h: Tensor, c: Tensor, whhT: Tensor): [Tensor, Tensor] {
  const gates = add(gi, matmul(h, whhT)); // (B, 4H): i, f, g, o
  // c' = σf ⊙ c + σi ⊙ tanh g, h' = σo ⊙ tanh c', in one fused kernel
  return lstmCell(gates, c);
}

function gruStep(gi: Tensor, h: Tensor, whhT: Tensor, bhh: Tensor | null): Tensor {
  let gh = matmul(h, whhT); // (B, 3H): W_hr h, W_hz h, W_hn h
  if (bhh) gh = add(gh, bhh);
  // r, z = σ(gi + gh), n = tanh(gi_n + r ⊙ gh_n), h' = (1 − z) ⊙ n + z ⊙ h, in one fused kernel
  return gruCell(gi, gh, h);
}

// ---- shared checks ---------------------------------------------------------------------------

function checkSizes(name: string, inputSize: number, hiddenSize: number): void {
  if (!(Number.isInteger(inputSize) && inputSize >= 0)) throw new ArgumentError(`${name}: inputSize must be a non-negative integer, got ${inputSize}`);
  if (!(Number.isInteger(hiddenSize) && hiddenSize > 0)) throw new ArgumentError(`${name}: hiddenSize must be a positive integer, got ${hiddenSize}`);
}

function checkDType(name: string, what: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new DTypeError(`${name}: ${what} has dtype ${t.dtype}, but the layer's parameters are ${dtype}`);
}

function checkShape(name: string, what: string, t: Tensor, want: readonly number[], note: string): void {
  if (t.ndim !== want.length || t.shape.some((s, i) => s !== want[i])) {
    throw new ShapeError(`${name}: expected ${what} of shape ${fmtShape(want)} ${note}, got ${fmtShape(t.shape)}`);
  }
}

/** Initialises every parameter uniformly in ±1/√H, as PyTorch's RNNBase/RNNCellBase. */
function resetUniform(params: Iterable<Parameter>, hiddenSize: number): void {
  const k = 1 / Math.sqrt(hiddenSize);
  for (const p of params) uniform_(p, -k, k);
}

// ---- RNN, LSTM, GRU --------------------------------------------------------------------------

export interface RNNBaseOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output as (B, T, ·) instead of (T, B, ·); h_n stays (L·D, B, H). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode only. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
}

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: RNNNonlinearity;
}

interface LayerWeights {
  wih: Parameter; // (G·H, in)
  whh: Parameter; // (G·H, H)
  bih: Parameter | null; // (G·H,)
  bhh: Parameter | null; // (G·H,)
}

abstract class RNNBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly dtype: DType;
  protected readonly mode: Mode;

  constructor(
    mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: RNNBaseOptions,
  ) {
    super();
    this.mode = mode;
    const name = new.target.name;
    checkSizes(name, inputSize, hiddenSize);
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    this.dtype = opts.dtype ?? 'float32';
    if (!(Number.isInteger(this.numLayers) && this.numLayers >= 1)) throw new ArgumentError(`${name}: numLayers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ArgumentError(`${name}: dropout must be in [0, 1], got ${this.dropout}`);
    const G = GATES[mode] * hiddenSize;
    const D = this.numDirections;
    const dtype = this.dtype;
    // registration order is PyTorch's: per layer, per direction, w_ih, w_hh, b_ih, b_hh
    for (let l = 0; l < this.numLayers; l++) {
      const inL = l === 0 ? inputSize : hiddenSize * D;
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(empty([G, inL], { dtype })));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(empty([G, hiddenSize], { dtype })));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(empty([G], { dtype })));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(empty([G], { dtype })));
        }
      }
    }
    this.resetParameters();
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  resetParameters(): void {
    resetUniform(this.parameters(), this.hiddenSize);
  }

  /** The parameters of one layer and direction (looked up by name, so replacements are seen). */
  layerWeights(layer: number, reverse = false): LayerWeights {
    const sfx = `_l${layer}${reverse ? '_reverse' : ''}`;
    const get = (n: string) => this._parameters.get(n + sfx) ?? null;
    const wih = get('weight_ih');
    const whh = get('weight_hh');
    if (!wih || !whh) throw new ArgumentError(`${this.constructor.name}: no weights for layer ${layer}${reverse ? ' (reverse)' : ''}`);
    return { wih, whh, bih: get('bias_ih'), bhh: get('bias_hh') };
  }

  /** As PyTorch's all_weights: per layer and direction, [w_ih, w_hh, b_ih?, b_hh?]. */
  get allWeights(): Parameter[][] {
    const out: Parameter[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.numDirections; d++) {
        const w = this.layerWeights(l, d === 1);
        out.push([w.wih, w.whh, ...(w.bih ? [w.bih] : []), ...(w.bhh ? [w.bhh] : [])]);
      }
    }
    return out;
  }

  /**
   * Validates the input and initial states, runs every layer, and restores the caller's
   * layout. Returns the output, h_n and (LSTM) c_n.
   */
  protected runSequence(input: Tensor, h0: Tensor | null, c0: Tensor | null): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    const name = this.constructor.name;
    const { hiddenSize: H } = this;
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ShapeError(`${name}: expected input of 3 dims ${this.batchFirst ? '(B, T, in)' : '(T, B, in)'} or 2 dims (T, in) unbatched, got ${fmtShape(input.shape)}`);
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${name}: input ${fmtShape(input.shape)} has ${input.shape[input.ndim - 1]} features in its last dim, expected inputSize ${this.inputSize}`);
    }
    checkDType(name, 'input', input, this.dtype);
    const batched = input.ndim === 3;
    const LD = this.numLayers * this.numDirections;
    let x = batched ? (this.batchFirst ? transpose(input, 0, 1) : input) : unsqueeze(input, 1); // (T, B, in)
    const T = x.shape[0]!;
    const B = x.shape[1]!;
    if (T === 0) throw new ShapeError(`${name}: expected a sequence length > 0, got input ${fmtShape(input.shape)}`);
    const hShape = batched ? [LD, B, H] : [LD, H];
    const prep = (t: Tensor | null, what: string): Tensor | null => {
      if (t === null) return null;
      checkShape(name, what, t, hShape, `(numLayers·numDirections, ${batched ? 'B, ' : ''}hiddenSize) for input ${fmtShape(input.shape)}`);
      checkDType(name, what, t, this.dtype);
      return batched ? t : unsqueeze(t, 1);
    };
    const h0b = prep(h0, 'h0');
    const c0b = prep(c0, 'c0');

    const lstm = this.mode === 'LSTM';
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      if (l > 0 && this.training && this.dropout > 0) x = dropoutOp(x, this.dropout, true);
      const outs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const k = l * this.numDirections + d;
        const h = h0b ? select(h0b, 0, k) : zeros([B, H], { dtype: this.dtype });
        const c = lstm ? (c0b ? select(c0b, 0, k) : zeros([B, H], { dtype: this.dtype })) : null;
        const r = this.runDirection(x, this.layerWeights(l, d === 1), d === 1, h, c);
        outs.push(r.out);
        hN.push(r.h);
        if (r.c) cN.push(r.c);
      }
      x = outs.length === 1 ? outs[0]! : cat(outs, 2); // (T, B, D·H)
    }
    let output = x;
    let hn = stack(hN, 0); // (L·D, B, H)
    let cn = lstm ? stack(cN, 0) : null;
    if (!batched) {
      output = squeeze(output, 1);
      hn = squeeze(hn, 1);
      cn = cn && squeeze(cn, 1);
    } else if (this.batchFirst) output = transpose(output, 0, 1);
    return { output, hN: hn, cN: cn };
  }

  /** One layer in one direction over x (T, B, in); returns outputs (T, B, H) in time order. */
  private runDirection(x: Tensor, w: LayerWeights, reverse: boolean, h: Tensor, c: Tensor | null): { out: Tensor; h: Tensor; c: Tensor | null } {
    const T = x.shape[0]!;
    // RNN and LSTM add both biases outside the loop; GRU's bias_hh must stay inside r ⊙ (·)
    const gru = this.mode === 'GRU';
    const bIn = gru ? w.bih : w.bih && w.bhh ? add(w.bih, w.bhh) : (w.bih ?? w.bhh);
    if (!needsGrad(x, w.wih, w.whh, w.bih, w.bhh, h, c)) {
      // inference: every step in one kernel call (no per-step op dispatch)
      return rnnSequence(this.mode, linear(x, w.wih, bIn), w.whh, gru ? w.bhh : null, h, c, reverse);
    }
    const gi = unbindTime(linear(x, w.wih, bIn)); // T × (B, G·H)
    const whhT = transpose(w.whh, 0, 1);
    const ys = new Array<Tensor>(T);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      switch (this.mode) {
        case 'RNN_TANH':
          h = rnnStep(gi[t]!, h, whhT, 'tanh');
          break;
        case 'RNN_RELU':
          h = rnnStep(gi[t]!, h, whhT, 'relu');
          break;
        case 'LSTM':
          [h, c] = lstmStep(gi[t]!, h, c!, whhT);
          break;
        case 'GRU':
          h = gruStep(gi[t]!, h, whhT, w.bhh);
          break;
      }
      ys[t] = h;
    }
    return { out: stack(ys, 0), h, c };
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'RNN_RELU') parts.push(`nonlinearity='relu'`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/**
 * Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act = tanh or relu.
 * forward(input, h0?) → [output (T, B, D·H), h_n (L·D, B, H)].
 */
export class RNN extends RNNBase<[input: Tensor, hx?: Tensor | null], [Tensor, Tensor]> {
  readonly nonlinearity: RNNNonlinearity;
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError(`RNN: unknown nonlinearity '${String(nl)}', expected 'tanh' or 'relu'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const r = this.runSequence(input, hx, null);
    return [r.output, r.hN];
  }
}

/**
 * LSTM with gates i, f, g, o: c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
 * forward(input, [h0, c0]?) → [output, [h_n, c_n]].
 */
export class LSTM extends RNNBase<[input: Tensor, hx?: readonly [Tensor, Tensor] | null], [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super('LSTM', inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError('LSTM: hx must be a pair [h0, c0]');
    const r = this.runSequence(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [r.output, [r.hN, r.cN!]];
  }
}

/**
 * GRU with gates r, z, n: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
 * h' = (1 − z) ⊙ n + z ⊙ h. forward(input, h0?) → [output, h_n].
 */
export class GRU extends RNNBase<[input: Tensor, hx?: Tensor | null], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super('GRU', inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const r = this.runSequence(input, hx, null);
    return [r.output, r.hN];
  }
}

// ---- cells -----------------------------------------------------------------------------------

export interface RNNCellBaseOptions {
  bias?: boolean;
  dtype?: DType;
}

export interface RNNCellOptions extends RNNCellBaseOptions {
  nonlinearity?: RNNNonlinearity;
}

abstract class RNNCellBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly bias: boolean;
  readonly dtype: DType;

  constructor(
    gates: number,
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: RNNCellBaseOptions,
  ) {
    super();
    checkSizes(new.target.name, inputSize, hiddenSize);
    this.bias = opts.bias ?? true;
    this.dtype = opts.dtype ?? 'float32';
    const dtype = this.dtype;
    const G = gates * hiddenSize;
    this.registerParameter('weight_ih', new Parameter(empty([G, inputSize], { dtype })));
    this.registerParameter('weight_hh', new Parameter(empty([G, hiddenSize], { dtype })));
    if (this.bias) {
      this.registerParameter('bias_ih', new Parameter(empty([G], { dtype })));
      this.registerParameter('bias_hh', new Parameter(empty([G], { dtype })));
    }
    this.resetParameters();
  }

  resetParameters(): void {
    resetUniform(this.parameters(), this.hiddenSize);
  }

  get weightIh(): Parameter {
    return this._parameters.get('weight_ih')!;
  }
  get weightHh(): Parameter {
    return this._parameters.get('weight_hh')!;
  }
  get biasIh(): Parameter | null {
    return this._parameters.get('bias_ih') ?? null;
  }
  get biasHh(): Parameter | null {
    return this._parameters.get('bias_hh') ?? null;
  }

  /** Checks input (B, in) or (in) and a state (B, H) or (H); returns them batched, and whether input was. */
  protected prepare(input: Tensor, states: (Tensor | null)[], names: string[]): { x: Tensor; hs: Tensor[]; batched: boolean } {
    const name = this.constructor.name;
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${name}: expected input of 2 dims (B, in) or 1 dim (in), got ${fmtShape(input.shape)}`);
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${name}: input ${fmtShape(input.shape)} has ${input.shape[input.ndim - 1]} features, expected inputSize ${this.inputSize}`);
    }
    checkDType(name, 'input', input, this.dtype);
    const batched = input.ndim === 2;
    const x = batched ? input : unsqueeze(input, 0);
    const B = x.shape[0]!;
    const want = batched ? [B, this.hiddenSize] : [this.hiddenSize];
    const hs = states.map((s, i) => {
      if (s === null) return zeros([B, this.hiddenSize], { dtype: this.dtype });
      checkShape(name, names[i]!, s, want, `(${batched ? 'B, ' : ''}hiddenSize) for input ${fmtShape(input.shape)}`);
      checkDType(name, names[i]!, s, this.dtype);
      return batched ? s : unsqueeze(s, 0);
    });
    return { x, hs, batched };
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/** One step of an Elman RNN: forward(input (B, in), hx (B, H)?) → h' (B, H). */
export class RNNCell extends RNNCellBase<[input: Tensor, hx?: Tensor | null], Tensor> {
  readonly nonlinearity: RNNNonlinearity;
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError(`RNNCell: unknown nonlinearity '${String(nl)}', expected 'tanh' or 'relu'`);
    super(1, inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const { x, hs, batched } = this.prepare(input, [hx], ['hx']);
    const b = this.biasIh && this.biasHh ? add(this.biasIh, this.biasHh) : null;
    const h = rnnStep(linear(x, this.weightIh, b), hs[0]!, transpose(this.weightHh, 0, 1), this.nonlinearity);
    return batched ? h : squeeze(h, 0);
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : ''}`;
  }
}

/** One LSTM step: forward(input (B, in), [h, c]?) → [h', c']. */
export class LSTMCell extends RNNCellBase<[input: Tensor, hx?: readonly [Tensor, Tensor] | null], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) {
    super(4, inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError('LSTMCell: hx must be a pair [h, c]');
    const { x, hs, batched } = this.prepare(input, [hx?.[0] ?? null, hx?.[1] ?? null], ['h', 'c']);
    const b = this.biasIh && this.biasHh ? add(this.biasIh, this.biasHh) : null;
    const [h, c] = lstmStep(linear(x, this.weightIh, b), hs[0]!, hs[1]!, transpose(this.weightHh, 0, 1));
    return batched ? [h, c] : [squeeze(h, 0), squeeze(c, 0)];
  }
}

/** One GRU step: forward(input (B, in), hx (B, H)?) → h' (B, H). */
export class GRUCell extends RNNCellBase<[input: Tensor, hx?: Tensor | null], Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) {
    super(3, inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const { x, hs, batched } = this.prepare(input, [hx], ['hx']);
    const h = gruStep(linear(x, this.weightIh, this.biasIh), hs[0]!, transpose(this.weightHh, 0, 1), this.biasHh);
    return batched ? h : squeeze(h, 0);
  }
}

