// Deep decoders of Glaser et al. 2020 ("Machine learning for neural decoding"; Neural_Decoding's
// SimpleRNNDecoder, GRUDecoder, LSTMDecoder and DenseNNDecoder): sklearn-style fit/predict around
// the networks of models/decoders/neural_net.ts, trained by decode's training loop.
// Training minimises the mean squared error with Adam (Neural_Decoding's Keras models use
// RMSprop for the recurrent nets and Adam for the dense one; `optimizer` picks either), on
// inputs z-scored and outputs centred with training statistics, as its example notebooks do.
//   B=samples (time bins), L=bins of history, F=neurons, D=outputs (kinematics)

import { ArgumentError, ShapeError } from '../../errors.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { Tensor, fromValues, tidy } from '../../tensor/tensor.js';
import { Generator, manualSeed } from '../../tensor/random.js';
import { mseLoss } from '../../ops/loss.js';
import type { Module } from '../../nn/module.js';
import { TensorDataset } from '../../data/dataset.js';
import { DataLoader } from '../../data/dataloader.js';
import { Adam } from '../../optim/adam.js';
import { RMSprop } from '../../optim/rmsprop.js';
import { DenseDecoderNet, RecurrentDecoderNet, type RecurrentCell } from '../../models/decoders/neural_net.js';
import { predict, trainLoop } from '../trainer.js';
import type { Matrix, Regressor, Sequences } from './types.js';

export { RecurrentDecoderNet, DenseDecoderNet, type RecurrentCell };

export interface NeuralDecoderOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'adam' | 'rmsprop';
  dropout?: number;
  seed?: number;
  /** z-score inputs and centre outputs with the training statistics (default true). */
  normalize?: boolean;
  /** Called after each epoch with its mean training loss (normalised units) and, with a validation set, its MSE there. */
  onEpoch?: (epoch: number, loss: number, validMse?: number) => void;
  /** Early stopping: stop when the validation MSE has not improved for this many epochs (needs `fit`'s validation set); the best epoch's weights are kept. */
  patience?: number;
}

abstract class NeuralDecoder<In extends Matrix | Sequences> implements Regressor<In> {
  net: Module | null = null;
  protected xMean: Float64Array | null = null;
  protected xStd: Float64Array | null = null;
  protected yMean: Float64Array | null = null;
  protected nFeatures = 0;
  protected nOut = 0;
  /** Shape of one sample: (L, F) or (L·F). */
  protected stepShape: number[] = [];
  readonly o: Required<Omit<NeuralDecoderOptions, 'onEpoch' | 'patience'>> & Pick<NeuralDecoderOptions, 'onEpoch' | 'patience'>;
  /** Epoch whose weights the fitted net holds (the last, or the best on validation). */
  bestEpoch = 0;

  constructor(readonly name: string, o: NeuralDecoderOptions) {
    this.o = { epochs: 10, batchSize: 32, lr: 1e-3, optimizer: 'adam', dropout: 0, seed: 0, normalize: true, ...o };
    const { epochs, batchSize, lr, dropout: p } = this.o;
    if (!Number.isInteger(epochs) || epochs < 1) throw new ArgumentError(`${name}: epochs must be a positive integer, got ${epochs}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`${name}: batchSize must be a positive integer, got ${batchSize}`);
    if (!(lr > 0)) throw new ArgumentError(`${name}: lr must be positive, got ${lr}`);
    if (!(p >= 0 && p < 1)) throw new ArgumentError(`${name}: dropout must be in [0, 1), got ${p}`);
    if (o.patience !== undefined && !(Number.isInteger(o.patience) && o.patience >= 1)) throw new ArgumentError(`${name}: patience must be a positive integer, got ${o.patience}`);
  }

  /** (rows, feature width) of the input and the width of one time step. */
  protected abstract shapeOf(X: In): { rows: number; width: number; stepWidth: number; shape: number[] };
  protected abstract build(stepWidth: number, width: number, nOut: number): Module;

  private check(X: In, op: string): { rows: number; width: number; stepWidth: number; shape: number[] } {
    const s = this.shapeOf(X);
    if (X.data.length !== s.rows * s.width) throw new ShapeError(`${op}: ${X.data.length} values do not fill shape (${s.shape.join(', ')})`);
    for (let i = 0; i < X.data.length; i++) {
      if (!Number.isFinite(X.data[i]!)) throw new ArgumentError(`${op}: X holds ${X.data[i]} at flat index ${i}; values must be finite (drop the NaN edge rows of spikesWithHistory)`);
    }
    return s;
  }

  /** The network's input for raw values (one or more samples): z-scored per neuron with the training statistics. */
  normalizeInput(values: ArrayLike<number>): Float32Array {
    const v = new Float32Array(values.length);
    const f = this.stepShape[this.stepShape.length - 1] ?? 1;
    for (let i = 0; i < v.length; i++) v[i] = this.xMean ? (values[i]! - this.xMean[i % f]!) / this.xStd![i % f]! : values[i]!;
    return v;
  }

  /** X as a float32 tensor of the network's input shape, normalised. */
  private toTensor(X: In, s: { shape: number[] }): Tensor {
    return fromValues(this.normalizeInput(X.data), s.shape, 'float32');
  }

  /**
   * Trains on (X, Y). With `valid` = [X, Y] the validation MSE is computed after every epoch;
   * with `patience` the fit stops early and keeps the best epoch's weights (choose epochs on
   * validation data, never on the test set).
   */
  fit(X: In, Y: Matrix, valid?: readonly [In, Matrix]): this {
    const op = `${this.name}.fit`;
    const s = this.check(X, op);
    if (this.o.patience !== undefined && !valid) throw new ArgumentError(`${op}: patience needs a validation set (fit(X, Y, [Xvalid, Yvalid]))`);
    if (Y.rows !== s.rows) throw new ShapeError(`${op}: X has ${s.rows} samples but Y has ${Y.rows}`);
    if (s.rows === 0) throw new ArgumentError(`${op}: no samples`);
    for (let i = 0; i < Y.data.length; i++) if (!Number.isFinite(Y.data[i]!)) throw new ArgumentError(`${op}: Y holds ${Y.data[i]} at flat index ${i}`);
    this.nFeatures = s.width;
    this.nOut = Y.cols;
    this.stepShape = s.shape.slice(1);
    const f = s.stepWidth;
    this.xMean = this.xStd = this.yMean = null;
    if (this.o.normalize) {
      const m = new Float64Array(f), q = new Float64Array(f);
      const n = X.data.length / f;
      for (let i = 0; i < X.data.length; i++) m[i % f]! += X.data[i]! / n;
      for (let i = 0; i < X.data.length; i++) q[i % f]! += (X.data[i]! - m[i % f]!) ** 2 / n;
      this.xMean = m;
      this.xStd = q.map((v) => (v > 0 ? Math.sqrt(v) : 1)); // a silent neuron stays 0
      this.yMean = new Float64Array(Y.cols);
      for (let i = 0; i < Y.data.length; i++) this.yMean[i % Y.cols]! += Y.data[i]! / Y.rows;
    }
    manualSeed(this.o.seed);
    const net = (this.net = this.build(f, s.width, Y.cols));
    const x = this.toTensor(X, s);
    // the validation input is normalised and copied into the heap once, not every epoch
    let xv: Tensor | null = null;
    if (valid) {
      const sv = this.check(valid[0], `${op} (validation)`);
      if (sv.width !== s.width) throw new ShapeError(`${op}: validation X has ${sv.width} input values per sample, X has ${s.width}`);
      if (valid[1].rows !== sv.rows || valid[1].cols !== Y.cols) throw new ShapeError(`${op}: validation Y is (${valid[1].rows}, ${valid[1].cols}), expected (${sv.rows}, ${Y.cols})`);
      xv = this.toTensor(valid[0], sv);
    }
    const y = fromValues(Float32Array.from(Y.data, (v, i) => v - (this.yMean?.[i % Y.cols] ?? 0)), [Y.rows, Y.cols], 'float32');
    const opt = this.o.optimizer === 'rmsprop' ? new RMSprop(net.parameters(), { lr: this.o.lr }) : new Adam(net.parameters(), { lr: this.o.lr });
    const gen = new Generator(this.o.seed);
    const yv = valid?.[1].data;
    const { bestEpoch } = trainLoop(net, () => new DataLoader(new TensorDataset(x, y), { batchSize: this.o.batchSize, shuffle: true, generator: gen }) as Iterable<[Tensor, Tensor]>, {
      epochs: this.o.epochs, optimizer: opt, lossFn: mseLoss, accuracy: false,
      // the validation MSE is in kinematic units, against the raw targets
      ...(xv && yv ? {
        validate: () => {
          const p = this.forwardRows(net, xv, valid![1].rows);
          let vm = 0;
          for (let i = 0; i < yv.length; i++) vm += (p[i]! - yv[i]!) ** 2 / yv.length;
          return { loss: vm };
        },
      } : {}),
      ...(this.o.patience !== undefined ? { patience: this.o.patience } : {}),
      ...(this.o.onEpoch ? { onEpoch: (row) => this.o.onEpoch!(row.epoch, row.trainLoss, row.validLoss ?? undefined) } : {}),
    });
    this.bestEpoch = bestEpoch;
    x.dispose();
    xv?.dispose();
    y.dispose();
    net.eval();
    return this;
  }

  /**
   * One sample in, one prediction out — the closed-loop form: `window` is one row of X (the
   * last L bins of counts for a recurrent decoder, flattened bin-major; the flattened history
   * for the dense one). No input checks beyond the length, to keep the per-bin cost low.
   */
  predictOne(window: ArrayLike<number>): Float64Array {
    const op = `${this.name}.predictOne`;
    const net = this.net;
    if (!net) throw new ArgumentError(`${op}: not fitted; call fit first`);
    if (window.length !== this.nFeatures) throw new ShapeError(`${op}: fitted on ${this.nFeatures} input values per sample, got ${window.length}`);
    const v = this.normalizeInput(window);
    const out = new Float64Array(this.nOut);
    noGrad(() => tidy(() => {
      const p = net.call(fromValues(v, [1, ...this.stepShape], 'float32')).dataSync();
      for (let j = 0; j < this.nOut; j++) out[j] = p[j]! + (this.yMean?.[j] ?? 0);
    }));
    return out;
  }

  predict(X: In): Matrix {
    const op = `${this.name}.predict`;
    if (!this.net) throw new ArgumentError(`${op}: not fitted; call fit first`);
    const s = this.check(X, op);
    if (s.width !== this.nFeatures) throw new ShapeError(`${op}: fitted on ${this.nFeatures} input values per sample, X has ${s.width}`);
    const x = this.toTensor(X, s);
    const out = this.forwardRows(this.net, x, s.rows);
    x.dispose();
    return { data: out, rows: s.rows, cols: this.nOut };
  }

  /** Predictions (rows, D) in kinematic units for a normalised input tensor, in chunks, eval mode. */
  private forwardRows(net: Module, x: Tensor, rows: number): Float64Array {
    const p = predict(net, new TensorDataset(x), { batchSize: 1024 }).output;
    const out = new Float64Array(rows * this.nOut);
    for (let i = 0; i < p.length; i++) out[i] = p[i]! + (this.yMean?.[i % this.nOut] ?? 0);
    return out;
  }

}

export interface RecurrentDecoderOptions extends NeuralDecoderOptions {
  cell?: RecurrentCell;
  hiddenSize?: number;
  numLayers?: number;
}

/** SimpleRNN / GRU / LSTM decoder over spike-history sequences (N, L, F). */
export class RecurrentDecoder extends NeuralDecoder<Sequences> {
  readonly cell: RecurrentCell;
  readonly hiddenSize: number;
  readonly numLayers: number;
  constructor(o: RecurrentDecoderOptions = {}) {
    super(`${(o.cell ?? 'lstm').toUpperCase()}Decoder`, o);
    this.cell = o.cell ?? 'lstm';
    if (!['rnn', 'gru', 'lstm'].includes(this.cell)) throw new ArgumentError(`RecurrentDecoder: cell must be rnn, gru or lstm, got '${String(o.cell)}'`);
    this.hiddenSize = o.hiddenSize ?? 400;
    this.numLayers = o.numLayers ?? 1;
    if (!Number.isInteger(this.hiddenSize) || this.hiddenSize < 1) throw new ArgumentError(`${this.name}: hiddenSize must be a positive integer, got ${o.hiddenSize}`);
  }
  protected shapeOf(X: Sequences): { rows: number; width: number; stepWidth: number; shape: number[] } {
    if (!X || !(X.data instanceof Float64Array) || !('steps' in X)) throw new ShapeError(`${this.name}: X must be Sequences {data, n, steps, features}`);
    return { rows: X.n, width: X.steps * X.features, stepWidth: X.features, shape: [X.n, X.steps, X.features] };
  }
  protected build(stepWidth: number, _width: number, nOut: number): Module {
    return new RecurrentDecoderNet(this.cell, stepWidth, this.hiddenSize, nOut, this.o.dropout, this.numLayers);
  }
}

export interface DenseDecoderOptions extends NeuralDecoderOptions {
  /** Hidden layer sizes (default [400], Neural_Decoding's DenseNNDecoder). */
  units?: readonly number[];
}

/** Feed-forward decoder over flattened spike history (N, L·F). */
export class DenseDecoder extends NeuralDecoder<Matrix> {
  readonly units: readonly number[];
  constructor(o: DenseDecoderOptions = {}) {
    super('DenseDecoder', o);
    this.units = o.units ?? [400];
    if (this.units.some((u) => !Number.isInteger(u) || u < 1)) throw new ArgumentError(`DenseDecoder: units must be positive integers, got [${this.units.join(', ')}]`);
  }
  protected shapeOf(X: Matrix): { rows: number; width: number; stepWidth: number; shape: number[] } {
    if (!X || !(X.data instanceof Float64Array) || !('cols' in X)) throw new ShapeError('DenseDecoder: X must be a Matrix {data, rows, cols}');
    return { rows: X.rows, width: X.cols, stepWidth: X.cols, shape: [X.rows, X.cols] };
  }
  protected build(_stepWidth: number, width: number, nOut: number): Module {
    return new DenseDecoderNet(width, this.units, nOut, this.o.dropout);
  }
}
