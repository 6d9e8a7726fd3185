// Fitted spike decoders as stream stages: one bin (or one bin-history feature row) in, one
// kinematic estimate out, equal to what the decoder's offline predict gives for that row.
//   WienerStage:  row (F) → (D) = coef · row + intercept   (F = units × history bins)
//   KalmanStage:  bin (U) → (D) state after the bin's predict/update step

import { ArgumentError, ShapeError } from '../../errors.js';
import type { KalmanFilter } from '../../decode/estimators/kalman.js';
import type { WienerFilter } from '../../decode/estimators/wiener.js';
import type { Stage } from './stage.js';

export class WienerStage implements Stage<ArrayLike<number>, Float64Array> {
  readonly name: string;
  readonly nFeatures: number;
  readonly nOutputs: number;

  constructor(readonly filter: WienerFilter, name = 'wiener') {
    if (!filter.coef || !filter.intercept) throw new ArgumentError('WienerStage: the WienerFilter is not fitted; call fit first');
    this.name = name;
    this.nFeatures = filter.coef.cols;
    this.nOutputs = filter.coef.rows;
  }

  process(row: ArrayLike<number>): Float64Array {
    if (row.length !== this.nFeatures) throw new ShapeError(`WienerStage.process: fitted on ${this.nFeatures} features, got a row of ${row.length}`);
    const data = row instanceof Float64Array ? row : Float64Array.from(row);
    return this.filter.predict({ data, rows: 1, cols: this.nFeatures }).data;
  }
}

export class KalmanStage implements Stage<ArrayLike<number>, Float64Array> {
  readonly name: string;

  /** Resets the filter to `initialState` (default: the training kinematics mean). */
  constructor(readonly filter: KalmanFilter, opts: { initialState?: ArrayLike<number>; name?: string } = {}) {
    if (!filter.A) throw new ArgumentError('KalmanStage: the KalmanFilter is not fitted; call fit first');
    this.name = opts.name ?? 'kalman';
    filter.reset(opts.initialState);
  }

  /** The estimate before any bin: the initial state. */
  get state(): Float64Array {
    return this.filter.state;
  }

  process(bin: ArrayLike<number>): Float64Array {
    return this.filter.step(bin);
  }
}

/** Any fitted decoder with a one-sample form (the recurrent and dense decoders' predictOne). */
export interface OneStepDecoder {
  readonly name: string;
  predictOne(window: ArrayLike<number>): Float64Array;
}

/**
 * A recurrent (GRU/LSTM/RNN) or dense decoder as a stage: its input is one history row from
 * BinHistory — the last L bins, oldest first, bin-major — exactly one row of its offline
 * (N, L, F) input.
 */
export class PredictOneStage implements Stage<ArrayLike<number>, Float64Array> {
  readonly name: string;

  constructor(readonly decoder: OneStepDecoder, name?: string) {
    this.name = name ?? decoder.name;
  }

  process(window: ArrayLike<number>): Float64Array {
    return this.decoder.predictOne(window);
  }
}
