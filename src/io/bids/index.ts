export { findBidsEeg, parseEntities, type BidsFiles, type BidsRecording, type BidsEntities } from './bids.js';
export { parseTsv, type Table } from './tsv.js';
