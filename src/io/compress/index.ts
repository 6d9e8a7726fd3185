export { adler32, crc32 } from './checksum.js';
export { gunzip, Inflater, isGzip, unzlib, type Container } from './inflate.js';
