// Public ops, and the one place the Tensor methods (x.add(y), x.sum(), loss.backward()) are
// installed: every entry point reaches this module (nn/module and nn/parameter import their ops
// from here), so no other file imports methods.ts. test/architecture/ops_graph.test.ts keeps it so.
import './methods.js';

export * from './elementwise.js';
export * from './reduce.js';
export * from './movement.js';
export { expand } from './broadcast.js';
export * from './matmul.js';
export * from './conv.js';
export * from './conv3d.js';
export * from './pool.js';
export * from './pool3d.js';
export * from './interpolate.js';
export * from './group_norm.js';
export * from './conv_transpose.js';
export * from './activation.js';
export * from './norm.js';
export * from './loss.js';
export * from './rnn_cell.js';
export { cast, promote, scalar, type TensorLike } from './util.js';
