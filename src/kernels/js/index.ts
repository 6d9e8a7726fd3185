// The pure-TypeScript reference backend: the living definition every fast kernel is tested
// against. It implements the core and, as their reference, the fused kernels and the direct
// convolution (not the FFT path, which a reference has no need of).

import { convDirectSuits, type Backend } from '../backend.js';
import type { Heap } from '../heap.js';
import { binary, copy, fill, unary, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { argReduce, gather, indexSelect, reduce, scatterAdd, softmax } from './reduce.js';
import * as w from './window.js';
import * as bn from './norm.js';
import * as opt from './optim.js';
import * as cell from './rnn_cell.js';
import * as c3 from '../compose/conv3d.js';

export function jsBackend(h: Heap): Backend & { convDirect: NonNullable<Backend['convDirect']>; convDirectWeightGrad: NonNullable<Backend['convDirectWeightGrad']> } {
  const self: ReturnType<typeof jsBackend> = {
    name: 'js',
    copy: (...a) => copy(h, ...a),
    fill: (...a) => fill(h, ...a),
    unary: (...a) => unary(h, ...a),
    binary: (...a) => binary(h, ...a),
    where: (...a) => where(h, ...a),
    reduce: (...a) => reduce(h, ...a),
    argReduce: (...a) => argReduce(h, ...a),
    softmax: (...a) => softmax(h, ...a),
    matmul: (...a) => matmul(h, ...a),
    im2col: (...a) => w.im2col(h, ...a),
    col2im: (...a) => w.col2im(h, ...a),
    convDirect(dt, x, N, C, O, g, wt, bias, y) {
      if (!convDirectSuits(C, g)) return false;
      w.convDirect(h, dt, x, N, C, O, g, wt, bias, y);
      return true;
    },
    convDirectWeightGrad: (...a) => w.convDirectWeightGrad(h, ...a),
    maxPool2d: (...a) => w.maxPool2d(h, ...a),
    maxPool2dBackward: (...a) => w.maxPool2dBackward(h, ...a),
    avgPool2d: (...a) => w.avgPool2d(h, ...a),
    allFinite(dt, src, n) {
      if (dt === 'int32') return true;
      const v = h.view(dt);
      for (let i = src; i < src + n; i++) if (!Number.isFinite(v[i]!)) return false;
      return true;
    },
    avgPool2dBackward: (...a) => w.avgPool2dBackward(h, ...a),
    adaptiveAvgPool2d: (...a) => w.adaptiveAvgPool2d(h, ...a),
    adaptiveAvgPool2dBackward: (...a) => w.adaptiveAvgPool2dBackward(h, ...a),
    batchNormStats: (...a) => bn.batchNormStats(h, ...a),
    batchNormApply: (...a) => bn.batchNormApply(h, ...a),
    batchNormBackward: (...a) => bn.batchNormBackward(h, ...a),
    sgdStep: (...a) => opt.sgdStep(h, ...a),
    adamStep: (...a) => opt.adamStep(h, ...a),
    lstmCell: (...a) => cell.lstmCell(h, ...a),
    lstmCellBackward: (...a) => cell.lstmCellBackward(h, ...a),
    gruCell: (...a) => cell.gruCell(h, ...a),
    gruCellBackward: (...a) => cell.gruCellBackward(h, ...a),
    rnnSequence: (...a) => cell.rnnSequence(h, ...a),
    gather: (...a) => gather(h, ...a),
    indexSelect: (...a) => indexSelect(h, ...a),
    scatterAdd: (...a) => scatterAdd(h, ...a),
    // the 3-D convolution's definition is its composition from the 2-D unfold and the GEMM
    conv3d: (...a) => c3.conv3d(self, h, ...a),
    conv3dBackwardInput: (...a) => c3.conv3dBackwardInput(self, h, ...a),
    conv3dWeightGrad: (...a) => c3.conv3dWeightGrad(self, h, ...a),
  };
  return self;
}
