// dendrite/engine (this folder's entry): the kernel layer for code that adds or chooses a
// backend, or sizes the thread pool. The root export re-exports the same bindings.
export { heap } from './heap.js';
export { backend, setBackend, registerBackend, backendNames, threadsReady, workerTaskCount } from './registry.js';
export type { Backend, BackendImpl, CoreBackend, FusedKernels, ConvPaths, UnaryOp, BinaryOp, ReduceOp, Strided, MatRef, Window2d, ColStrides } from './backend.js';
export { setNumThreads, getNumThreads } from './wasm/index.js';
export { initWebGpu, webgpuSync, webgpuSubmits, type WebGpuOptions, type WebGpuInfo } from './webgpu/index.js';
