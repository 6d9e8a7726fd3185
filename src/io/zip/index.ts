export { openZip, isZip } from './zip.js';
export type { ZipArchive, ZipEntry, ZipOptions } from './zip.js';
