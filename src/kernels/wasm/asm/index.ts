// Entry point of the wasm kernel module: every exported kernel.
export { sgemm, KC, NC, MC } from './gemm';
