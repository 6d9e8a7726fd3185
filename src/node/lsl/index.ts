// Lab Streaming Layer on Node sockets: StreamOutlet (publish), resolveStreams (discover),
// StreamInlet (receive, time correction, recovery) and a WebSocket relay for browsers.
export { lslClock } from './clock.js';
export { StreamOutlet, type OutletOptions } from './outlet.js';
export { resolveStreams, type ResolveOptions, type ResolveStats } from './resolve.js';
export { StreamInlet, type InletOptions, type TimeCorrectionOptions } from './inlet.js';
export { RELAY_FRAME_TAG, RELAY_HEADER_BYTES, decodeRelayFrame, encodeRelayFrame, startRelay, type Relay, type RelayOptions } from './relay.js';
export { LSL_BASE_PORT, LSL_MULTICAST_GROUPS, LSL_MULTICAST_PORT, LSL_PORT_RANGE, defaultTargets, type UdpTarget } from './net_util.js';
