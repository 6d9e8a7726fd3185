// Closed-loop decoding: the streaming runtime (ring buffers, online filters, window and bin
// schedulers, decoder stages with latency accounting) and the closed-loop cursor simulator
// (centre-out task, simulated user with tuning fitted on a real recording, gym-like Env, metrics).
export * from './runtime/index.js';
export * from './sim/index.js';
export * from './replay/index.js';
export * as lsl from './lsl/index.js';
