// dendrite: deep learning for neuroscience, in TypeScript.
export * from './errors.js';
export { Tensor, tidy, keep, type DType, type GradNode } from './tensor/tensor.js';
export * from './tensor/creation.js';
export { Generator, manualSeed, defaultGenerator } from './tensor/random.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad_mode.js';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export * from './ops/index.js';
export { heap } from './kernels/heap.js';
export { backend, setBackend, registerBackend } from './kernels/registry.js';
export * as nn from './nn/index.js';
export * as F from './nn/functional.js';
export * from './data/index.js';
export * from './io/safetensors/index.js';
export * as optim from './optim/index.js';
export { setNumThreads, getNumThreads } from './kernels/wasm/index.js';
export * from './neuro/index.js';
