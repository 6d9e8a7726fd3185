// Recordings replayed as live streams: sources (EDF/BDF/GDF EEG, spike .mat) and a paced,
// drift-free chunk iterator.
export { parseRate, MAX_RATE } from './rate.js';
export { recordingSource, rawSource } from './source.js';
export type { ChannelBlock, RecordingSource, RecordingSourceOptions } from './source.js';
export { replay, systemClock } from './replay.js';
export type { ReplayChunk, ReplayClock, ReplayHandle, ReplayOptions } from './replay.js';
