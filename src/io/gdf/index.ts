export { readGdf, GDF_TYPES, GDF_EVENT_NAMES } from './gdf.js';
export type { GdfEvent, GdfRecording } from './gdf.js';
