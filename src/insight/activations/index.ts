// Activations and filters as pictures: recorded layer outputs, filter grids and topomaps.
export { recordActivations, layerNames, type RecordOptions } from './record.js';
export { shallowSpatialMaps, cspPatternMaps, decoderSpatialMaps, channelLayout, type SpatialMap, type ChannelLayout } from './spatial.js';
