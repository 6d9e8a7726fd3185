// The deep decoder networks of Glaser et al. 2020 ("Machine learning for neural decoding";
// Neural_Decoding's SimpleRNNDecoder, GRUDecoder, LSTMDecoder and DenseNNDecoder) as nn Modules;
// decode/estimators/neural_decoder.ts fits them to binned spikes:
//   recurrent: spike history (B, L, F) → RNN/GRU/LSTM → dropout → linear on the last step → (B, D)
//   dense:     flattened history (B, L·F) → [linear → ReLU → dropout] × layers → linear → (B, D)
//   B=samples (time bins), L=bins of history, F=neurons, D=outputs (kinematics)

import type { Tensor } from '../../tensor/tensor.js';
import { dropout } from '../../ops/norm.js';
import { relu } from '../../ops/elementwise.js';
import { select } from '../../ops/movement.js';
import { Module } from '../../nn/module.js';
import { Linear } from '../../nn/linear.js';
import { GRU, LSTM, RNN } from '../../nn/rnn.js';
import { ModuleList } from '../../nn/container.js';

export type RecurrentCell = 'rnn' | 'gru' | 'lstm';

/** The recurrent decoder network. forward(x (B, L, F)) → (B, D). */
export class RecurrentDecoderNet extends Module {
  rnn: RNN | GRU | LSTM;
  fc: Linear;
  constructor(readonly cell: RecurrentCell, inputSize: number, hiddenSize: number, outputSize: number, readonly dropProb = 0, numLayers = 1) {
    super();
    const o = { batchFirst: true, numLayers };
    this.rnn = cell === 'lstm' ? new LSTM(inputSize, hiddenSize, o) : cell === 'gru' ? new GRU(inputSize, hiddenSize, o) : new RNN(inputSize, hiddenSize, o);
    this.fc = new Linear(hiddenSize, outputSize);
  }
  forward(x: Tensor): Tensor {
    const out = (this.rnn.call(x) as [Tensor, unknown])[0]; // (B, L, H)
    const last = select(out, 1, out.shape[1]! - 1); // (B, H)
    return this.fc.call(dropout(last, this.dropProb, this.training));
  }
}

/** The feed-forward decoder network. forward(x (B, L·F)) → (B, D). */
export class DenseDecoderNet extends Module {
  layers: ModuleList;
  out: Linear;
  constructor(inputSize: number, units: readonly number[], outputSize: number, readonly dropProb = 0) {
    super();
    const sizes = [inputSize, ...units];
    this.layers = new ModuleList(units.map((u, i) => new Linear(sizes[i]!, u)));
    this.out = new Linear(sizes[sizes.length - 1]!, outputSize);
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const l of this.layers) h = dropout(relu((l as Linear).call(h)), this.dropProb, this.training);
    return this.out.call(h);
  }
}
