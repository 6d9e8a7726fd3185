export { listZip, readZipEntry, unzip, type ZipEntry } from './zip.js';
