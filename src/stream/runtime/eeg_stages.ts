// Trained EEG decoders as stream stages on sliding windows: one (C, W) window in, the class and
// its probabilities out — what the decoder gives offline for that window.
//   CspLdaStage: CSP log-power features of the window → LDA
//   EegNetStage: a trained net's forward on the window as a (1, C, W) batch, under noGrad

import { ArgumentError, ShapeError } from '../../errors.js';
import type { CSP } from '../../decode/estimators/csp.js';
import type { LDA } from '../../decode/estimators/lda.js';
import type { Module } from '../../nn/module.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { tensor } from '../../tensor/creation.js';
import { tidy } from '../../tensor/tensor.js';
import { softmax } from '../../ops/activation.js';
import type { Stage } from './stage.js';
import type { StreamWindow } from './sliding_windows.js';

export interface WindowPrediction {
  /** Predicted class index. */
  pred: number;
  /** Class probabilities, indexed by class. */
  proba: Float64Array;
  /** Index of the window's first sample in the stream, and its last sample's timestamp. */
  start: number;
  end: number;
}

function checkWindow(op: string, w: StreamWindow, c: number, t: number): void {
  if (w.data.length !== c * t) throw new ShapeError(`${op}: expected a (${c}, ${t}) window of ${c * t} values, got ${w.data.length}`);
}

export class CspLdaStage implements Stage<StreamWindow, WindowPrediction> {
  readonly name: string;
  readonly nClasses: number;

  constructor(readonly csp: CSP, readonly lda: LDA, readonly nChannels: number, readonly nTimes: number, opts: { nClasses?: number; name?: string } = {}) {
    if (!lda.classes || lda.classes.length === 0) throw new ArgumentError('CspLdaStage: the LDA is not fitted; call fit first');
    if (!Number.isInteger(nChannels) || nChannels < 1 || !Number.isInteger(nTimes) || nTimes < 1) throw new ArgumentError(`CspLdaStage: window must be (C >= 1, W >= 1), got (${nChannels}, ${nTimes})`);
    this.name = opts.name ?? 'csp-lda';
    this.nClasses = opts.nClasses ?? Math.max(...lda.classes) + 1;
  }

  process(w: StreamWindow): WindowPrediction {
    checkWindow('CspLdaStage.process', w, this.nChannels, this.nTimes);
    const f = this.csp.transform({ data: w.data, shape: [1, this.nChannels, this.nTimes] });
    const pred = this.lda.predict(f)[0]!;
    const p = this.lda.predictProba(f)[0]!;
    // LDA's probabilities follow its fitted classes; place them by class index
    const proba = new Float64Array(this.nClasses);
    p.forEach((v, j) => { proba[this.lda.classes[j]!] = v; });
    return { pred, proba, start: w.start, end: w.end };
  }
}

export class EegNetStage implements Stage<StreamWindow, WindowPrediction> {
  readonly name: string;
  readonly scale: number;

  /** `scale` multiplies the window before the forward (the decoder's unit scaling, e.g. V → µV). */
  constructor(readonly net: Module, readonly nChannels: number, readonly nTimes: number, opts: { scale?: number; name?: string } = {}) {
    if (!Number.isInteger(nChannels) || nChannels < 1 || !Number.isInteger(nTimes) || nTimes < 1) throw new ArgumentError(`EegNetStage: window must be (C >= 1, W >= 1), got (${nChannels}, ${nTimes})`);
    this.scale = opts.scale ?? 1;
    if (!Number.isFinite(this.scale)) throw new ArgumentError(`EegNetStage: scale must be finite, got ${this.scale}`);
    this.name = opts.name ?? 'eeg-net';
    net.eval();
  }

  process(w: StreamWindow): WindowPrediction {
    checkWindow('EegNetStage.process', w, this.nChannels, this.nTimes);
    // softmax as the offline predictProba applies it, on the same float32 input
    const proba = noGrad(() => tidy(() => {
      const x = tensor(Float32Array.from(w.data, (v) => v * this.scale), { shape: [1, this.nChannels, this.nTimes] });
      const y = this.net.call(x);
      // one window, one row of class scores (a cropped net's (1, K, T') output is not a window decoder)
      if (y.shape.length !== 2 || y.shape[0] !== 1) throw new ShapeError(`EegNetStage.process: the net must map a (1, ${this.nChannels}, ${this.nTimes}) window to (1, K) class scores, got (${y.shape.join(', ')})`);
      return Float64Array.from(softmax(y, 1).dataSync());
    }));
    let pred = 0;
    for (let k = 1; k < proba.length; k++) if (proba[k]! > proba[pred]!) pred = k;
    return { pred, proba, start: w.start, end: w.end };
  }
}
