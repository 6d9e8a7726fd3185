// Lab Streaming Layer protocol 1.10, browser-safe: stream-info XML, queries, the TCP handshake,
// sample encoding and incremental decoding, test patterns and time probes. The sockets live in
// src/node/lsl.
export {
  CHANNEL_BYTES, CHANNEL_FORMAT_NAMES, LSL_PROTOCOL_VERSION, createStreamInfo, infoProblem, parseInfoXml, randomUid, writeInfoXml,
  type ChannelFormat, type StreamInfo, type StreamInfoInit,
} from './info.js';
export { buildQuery, matchesQuery, parseQuery, queryLiteral, type QueryTerm, type StreamQuery } from './query.js';
export {
  LineReader, buildFeedRequest, buildFeedResponse, buildShortinfoQuery, buildShortinfoReply, checkFeedResponse, negotiateFeed,
  parseFeedRequestLine, parseHeaderLines, parseShortinfoQuery, parseShortinfoReply, parseStatusLine, queryId,
  type FeedDecision, type FeedRequestLine, type FeedRequestOptions,
} from './handshake.js';
export {
  DEDUCED_TIMESTAMP, SampleDecoder, TAG_DEDUCED_TIMESTAMP, TAG_TRANSMITTED_TIMESTAMP, allocData, encodeSamples, toChannelData, valueBytes,
  type ChannelData, type SampleChunk, type SampleDecoderOptions,
} from './sample.js';
export { TEST_PATTERN_OFFSETS, TEST_PATTERN_TIMESTAMP, checkTestPattern, encodeTestPatterns, testPattern } from './test_pattern.js';
export {
  estimateOffset, formatG16, formatTimeReply, formatTimeRequest, parseTimeReply, parseTimeRequest, type TimeEstimate, type TimeProbe,
} from './time_probe.js';
export { ChunkQueue } from './chunk_queue.js';
export { channelLabels, channelsDesc, type ChannelMeta } from './channels.js';
export { parseXml, xmlEscape, type XmlElement } from './xml.js';
