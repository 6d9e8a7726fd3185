// MATLAB MAT-files (Level 5: v5/v6/v7, compressed or not, either byte order). Browser-safe.
//
//   const vars = readMat(bytes, 'data.mat');
//   vars.R            // { class: 'double', dims: [143, 158], data: Float64Array (column-major), storage: 'double' }
//   at(vars.R, 2, 5)  // R(3, 6) in MATLAB
//   toRowMajor(vars.R).data  // C-order copy, element (i, j) at i * 158 + j
//
// Values (./types.ts): numeric { class, dims, data, imag?, storage } with data typed by the
// MATLAB class (int64/uint64 as BigInt64Array/BigUint64Array; toFloat64 converts with a range
// check); logical { data: Uint8Array }; char { text: string | string[], data: Uint16Array };
// sparse { ir, jc, data, imag?, logical } (CSC, 0-based; sparseToDense expands); cell { cells };
// struct { fieldNames, elements: one record per element }; object (struct + className);
// function/opaque handles kept as raw bytes. Data stay column-major with MATLAB's dims.
// v7.3 files are HDF5 and throw a FormatError saying so.
export { readMat, readMatHeader, charText } from './reader.js';
export { at, cellAt, colMajorIndex, field, numel, permuteToRowMajor, sparseToDense, toFloat64, toRowMajor } from './util.js';
export type { MatDense } from './util.js';
export { matMatrix, matShapeText, listMatVars, type MatMatrix, type MatMatrixOptions } from './matrix.js';
export type {
  MatCell,
  MatChar,
  MatHeader,
  MatLogical,
  MatNumeric,
  MatNumericClass,
  MatNumericData,
  MatObject,
  MatOpaque,
  MatSparse,
  MatStorageType,
  MatStruct,
  MatValue,
} from './types.js';
