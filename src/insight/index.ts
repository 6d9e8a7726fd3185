// Insight: look inside trained networks as a neuroscientist looks at a brain — attribution,
// recorded activations and filters as pictures, representational similarity, and in-silico
// electrophysiology (gratings, simple and complex cells, the V1 comparison).
export * from './attribution/index.js';
export * from './activations/index.js';
export * from './rsa/index.js';
export * from './electrophys/index.js';
