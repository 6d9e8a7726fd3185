// dendrite/engine: the kernel layer for code that adds or chooses a backend, or sizes the
// thread pool. The root export re-exports the same bindings for existing code.
export { heap } from './kernels/heap.js';
export { backend, setBackend, registerBackend, backendNames, threadsReady, workerTaskCount } from './kernels/registry.js';
export type { Backend, BackendImpl, CoreBackend, FusedKernels, ConvPaths, UnaryOp, BinaryOp, ReduceOp, Strided, MatRef, Window2d, ColStrides } from './kernels/backend.js';
export { setNumThreads, getNumThreads } from './kernels/wasm/index.js';
