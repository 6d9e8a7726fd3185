// The closed-loop cursor simulator: a centre-out task with a simulated user whose neural
// activity comes from tuning fitted on a real recording, decoders in the loop, and task metrics.
export { CenterOutEnv, type CursorTask, type CenterOutConfig, type UserConfig, type Observation, type StepInfo, type StepResult } from './env.js';
export { fitLinearTuning, tuningRates, sampleCounts, poisson, type LinearTuning } from './tuning.js';
export { pathEfficiency, fittsIndex, fittsThroughput, wolpawBits, wolpawItr, summarise, type Point, type TrialRecord, type SessionMetrics } from './metrics.js';
export { runSession, kalmanDecoder, fitVelocityKalman, refitIntentions, refitKalman, type LoopDecoder, type SessionLog, type SessionResult } from './session.js';
export { AdaptiveKalmanDecoder, runSmoothBatch, fitObservation, blendObservation, rotateObservation, smoothBatchAlpha, type ObservationModel, type SmoothBatchOptions, type BatchRecord, type SmoothBatchResult } from './smoothbatch.js';
export { RlDecoder, runRlSession, type RlDecoderOptions, type RlReward, type RlSessionResult } from './rl_decoder.js';
export { PVKalmanDecoder, fitPVKalman, fitPVKalmanModel, refitPVKalman, type PVKalmanModel } from './pv_kalman.js';
export { runObservationBlock, minimumJerk, type ObservationBlock, type ObservationBlockOptions } from './calibration.js';
export { compareRefit, type RefitComparisonOptions, type RefitComparisonSession } from './refit_session.js';
export * as agents from './agents/index.js';
