// Public ops. Importing this module also installs the Tensor methods.
import './methods.js';

export * from './elementwise.js';
export * from './reduce.js';
export * from './movement.js';
export { expand } from './broadcast.js';
export * from './matmul.js';
export * from './conv.js';
export * from './pool.js';
export * from './activation.js';
export * from './norm.js';
export * from './loss.js';
export * from './rnn_cell.js';
export { cast, promote, scalar, type TensorLike } from './util.js';
