export { adler32, crc32 } from './checksum.js';
export { gunzip, Inflater, isGzip, MAX_DEFLATE_RATIO, unzlib, type Container } from './inflate.js';
