// The values a MATLAB Level 5 MAT-file holds, as plain JS objects.
//
// Every array keeps MATLAB's dims (at least two, as MATLAB stores them) and its data in
// MATLAB's column-major order: element (i, j, k) of an array with dims (m, n, p) sits at
// i + m * (j + n * k). `colMajorIndex`, `at` and `toRowMajor` (./util.js) convert.

/** MATLAB numeric classes. */
export type MatNumericClass =
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64';

/** The typed array each numeric class is returned in (int64/uint64 as BigInt arrays, exact). */
export interface MatNumericData {
  double: Float64Array;
  single: Float32Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
}

/** The on-disk element types (miINT8 ... miUINT64) that numeric data may be stored as. */
export type MatStorageType =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'single'
  | 'double'
  | 'int64'
  | 'uint64';

/**
 * A numeric array. `data` always has the type of the MATLAB class (what MATLAB itself would
 * load), even where the file stored it narrower: MATLAB saves a double array of small integers
 * as miUINT8, and `storage` then says 'uint8' (scipy's `loadmat` returns the storage type by
 * default; `loadmat(mat_dtype=True)` matches this). `imag` is present for complex arrays.
 */
export type MatNumeric = {
  [C in MatNumericClass]: {
    class: C;
    dims: number[];
    data: MatNumericData[C];
    imag?: MatNumericData[C];
    /** Element type of the real part in the file. */
    storage: MatStorageType;
    global?: boolean;
  };
}[MatNumericClass];

/** A logical array: 0/1 bytes, column-major. */
export interface MatLogical {
  class: 'logical';
  dims: number[];
  data: Uint8Array;
  global?: boolean;
}

/**
 * A char array. `data` holds the UTF-16 code units, column-major (as MATLAB stores them).
 * `text` is a string for a row vector (dims (1, n)) or an empty array; otherwise one string per
 * row (2-D: dims[0] strings of dims[1] characters; N-D: one string per index of all but the last
 * dimension, the leading dims in row-major order, as scipy's `chars_as_strings`).
 */
export interface MatChar {
  class: 'char';
  dims: number[];
  text: string | string[];
  data: Uint16Array;
  global?: boolean;
}

/**
 * A sparse matrix in compressed-sparse-column form, exactly as MATLAB stores it: the row indices
 * of column j's nonzeros are `ir[jc[j] .. jc[j+1])`, their values `data[...]` (0-based rows).
 * `jc` has dims[1] + 1 entries; nnz = jc[dims[1]]. Logical sparse matrices have
 * `logical: true` and 0/1 values in `data`. `sparseToDense` expands.
 */
export interface MatSparse {
  class: 'sparse';
  dims: [number, number];
  logical: boolean;
  ir: Int32Array;
  jc: Int32Array;
  data: Float64Array;
  imag?: Float64Array;
  global?: boolean;
}

/** A cell array: `cells` column-major, one value per element. */
export interface MatCell {
  class: 'cell';
  dims: number[];
  cells: MatValue[];
  global?: boolean;
}

/**
 * A struct array. `fieldNames` in file order; `elements` column-major, one record per struct
 * element (a scalar struct has dims (1, 1) and `elements[0]`).
 */
export interface MatStruct {
  class: 'struct';
  dims: number[];
  fieldNames: string[];
  elements: Record<string, MatValue>[];
  global?: boolean;
}

/** An old-style (class-directory) MATLAB object: a struct with a class name. */
export interface MatObject {
  class: 'object';
  className: string;
  dims: number[];
  fieldNames: string[];
  elements: Record<string, MatValue>[];
  global?: boolean;
}

/**
 * A value this reader does not decode: function handles (mxFUNCTION_CLASS) and opaque objects
 * (mxOPAQUE_CLASS: MATLAB `string`, `table`, classdef objects, whose contents live in the
 * file's subsystem data). `bytes` is the element's content after its array-flags sub-element.
 */
export interface MatOpaque {
  class: 'function' | 'opaque';
  dims: number[];
  bytes: Uint8Array;
  global?: boolean;
}

export type MatValue = MatNumeric | MatLogical | MatChar | MatSparse | MatCell | MatStruct | MatObject | MatOpaque;

/** The 128-byte file header. */
export interface MatHeader {
  /** Descriptive text, e.g. 'MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: ...', trimmed. */
  text: string;
  /** 0x0100 for Level 5 files. */
  version: number;
  /** Byte order of the file: 'IM' in the header means little-endian ('<'), 'MI' big-endian ('>'). */
  endian: '<' | '>';
  /** Offset of the subsystem data, or 0 when there is none. */
  subsysOffset: bigint;
}
