// The streaming runtime: fixed-capacity buffers, online filters, window/bin schedulers,
// decoders as stages, and latency accounting.
export { RingBuffer } from './ring_buffer.js';
export type { OverflowPolicy, RingBufferOptions, SampleChunk } from './ring_buffer.js';
export { OnlineSosFilter } from './online_filter.js';
export type { OnlineSosFilterOptions } from './online_filter.js';
export { SlidingWindower } from './sliding_windows.js';
export type { StreamWindow } from './sliding_windows.js';
export { SpikeBinner, BinHistory } from './spike_bins.js';
export type { SpikeBin } from './spike_bins.js';
export { LatencyHistogram } from './latency.js';
export type { LatencyHistogramOptions, LatencySummary } from './latency.js';
export { Timed } from './stage.js';
export type { Stage } from './stage.js';
export { WienerStage, KalmanStage, PredictOneStage } from './decoder_stages.js';
export type { OneStepDecoder } from './decoder_stages.js';
export { Pipeline } from './pipeline.js';
export type { PipelineOptions, PipelineOutput, PipelineStats, QueuePolicy, Scheduler } from './pipeline.js';
export { CspLdaStage, EegNetStage } from './eeg_stages.js';
export type { WindowPrediction } from './eeg_stages.js';
export { OnlineFirFilter } from './fir_filter.js';
export type { OnlineFirFilterOptions } from './fir_filter.js';
export { OnlineEms, chainFilters } from './online_ems.js';
export type { OnlineFilter } from './pipeline.js';
export { pipelineFromSaved, eegPipeline, spikePipeline } from './saved_decoder.js';
export type { ClassPrediction, EegStreamDecoder, KinematicsPrediction, SavedModelFiles, SavedPipelineOptions, SpikeStreamDecoder, StreamDecoder, StreamDescription } from './saved_decoder.js';
