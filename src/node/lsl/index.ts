// Lab Streaming Layer on Node sockets: StreamOutlet (publish), resolveStreams (discover),
// StreamInlet (receive, time correction, recovery) and a WebSocket relay for browsers.
// Protocol 1.10 only, interoperable with liblsl peers; the wire format lives in src/stream/lsl.
//
//   const outlet = await StreamOutlet.create({ name: 'EEG', type: 'EEG', channelCount: 64, nominalSrate: 1000 });
//   outlet.pushChunk(values /* n x 64 row-major */, timestamps /* n, lslClock() seconds */);
//   const [info] = await resolveStreams({ name: 'EEG', timeoutMs: 2000, minimum: 1 });
//   const inlet = await StreamInlet.open(info);
//   for await (const { data, timestamps, count } of inlet.chunks()) { ... }   // or inlet.pullChunk()
//   const correction = await inlet.timeCorrection();   // add to timestamps for the local clock
//   const relay = await startRelay({ streamName: 'EEG', port: 8765 });   // ws://127.0.0.1:8765
//   inlet.close(); await outlet.close(); await relay.close();
export { lslClock } from './clock.js';
export { StreamOutlet, type OutletOptions } from './outlet.js';
export { resolveStreams, type ResolveOptions, type ResolveStats } from './resolve.js';
export { fetchFullInfo } from './fullinfo.js';
export { StreamInlet, type InletOptions, type TimeCorrectionOptions } from './inlet.js';
export { RELAY_FRAME_TAG, RELAY_HEADER_BYTES, decodeRelayFrame, encodeRelayFrame, startRelay, type Relay, type RelayOptions } from './relay.js';
export { LSL_BASE_PORT, LSL_MULTICAST_GROUPS, LSL_MULTICAST_PORT, LSL_PORT_RANGE, defaultTargets, type UdpTarget } from './net_util.js';
