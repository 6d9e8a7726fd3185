// EDF, EDF+ (C and D), BDF and BDF+ reading, and EDF+/BDF+ writing. Bytes in, bytes out.
export { readEdf, guessChannelType, isStimLabel, unitScaleOf } from './read.js';
export type { EdfChannelInfo, EdfHeader, EdfReadOptions, EdfRecording } from './read.js';
export type { EdfGap, EdfGapMode } from './gaps.js';
export { writeEdf } from './write.js';
export type { EdfWriteChannel, EdfWriteInput, EdfWriteOptions } from './write.js';
export { parseTals, encodeTal } from './tal.js';
export type { Tal } from './tal.js';
