// Activations and filters as pictures: recorded layer outputs, filter grids and topomaps.
export { recordActivations, layerNames, type RecordOptions } from './record.js';
export { shallowSpatialMaps, cspPatternMaps, decoderSpatialMaps, channelLayout, type SpatialMap, type ChannelLayout } from './spatial.js';
// the renderers and montages these maps are drawn with (in src/report and src/neuro)
export { topomapCoords, topomapSvg, biharmonicSpline, DEFAULT_SPHERE, type Sphere, type TopomapOptions } from '../../report/topomap.js';
export { filterGrid, filterGridImg, type FilterGrid, type FilterGridOptions } from '../../report/filters.js';
export { standardMontage, standardizeEegbciName, montagePositions, type Montage, type MontageKind } from '../../neuro/montage.js';
