export { parseIdx, type IdxArray } from './idx.js';
