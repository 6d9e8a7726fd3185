export { readNpy, NPY_MAX_HEADER } from './npy.js';
export type { NpyArray, NpyData, NpyDType, NpyReadOptions } from './npy.js';
export { openNpz, readNpz } from './npz.js';
export type { NpzFile } from './npz.js';
