// Activations and filters as pictures: recorded layer outputs, filter grids and topomaps.
export { recordActivations, layerNames, type RecordOptions } from './record.js';
