// A MAT-file variable as a row-major float64 matrix (rows, cols): the one conversion the spike
// data-set loaders and `decode spikes` share. Numeric, logical and sparse arrays convert; an
// N-d array converts when at most two of its dims exceed 1 (MATLAB keeps trailing singleton
// dims: 1200×71×1 is a matrix). Complex, text, cell and struct values, missing variables and
// empty arrays are refused with the variable, the file and what it holds.
import { FormatError } from '../../errors.js';
import type { MatLogical, MatNumeric, MatValue } from './types.js';
import { permuteToRowMajor, sparseToDense, toFloat64, toRowMajor } from './util.js';

/** Row-major (rows, cols): element (i, j) at data[i * cols + j]. */
export interface MatMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** "1200×71 uint8", "4×4 sparse". */
export function matShapeText(v: MatValue): string {
  return `${v.dims.join('×')} ${v.class === 'sparse' ? 'sparse' : v.class}`;
}

/** "Ytr (1200×71 uint8), Xtr (1200×2 double)", or "no variables" (MATLAB's __globals__ and such left out). */
export function listMatVars(vars: Record<string, MatValue>): string {
  const names = Object.keys(vars).filter((n) => !n.startsWith('__'));
  return names.length ? names.map((n) => `${n} (${matShapeText(vars[n]!)})`).join(', ') : 'no variables';
}

export interface MatMatrixOptions {
  /** How messages name the variable (default `mat: variable 'NAME'`). */
  label?: string;
  /** Error class thrown (default FormatError; a command whose user chose the variable passes ArgumentError). */
  error?: new (message: string) => Error;
}

/** Variable `name` of `vars` (read from `source`) as a row-major float64 matrix. */
export function matMatrix(vars: Record<string, MatValue>, name: string, source: string, opts: MatMatrixOptions = {}): MatMatrix {
  const label = opts.label ?? `mat: variable '${name}'`;
  const Err = opts.error ?? FormatError;
  const v = vars[name];
  if (!v) throw new Err(`${label}: ${source} has no such variable; it has ${listMatVars(vars)}`);
  let rowMajor: Float64Array;
  const dims = v.dims;
  if (v.class === 'sparse') {
    if (v.imag) throw new Err(`${label} in ${source} is complex; expected a real matrix`);
    const d = sparseToDense(v);
    rowMajor = permuteToRowMajor(d.data, d.dims);
  } else if (v.class === 'logical' || (v.class !== 'char' && 'storage' in v)) {
    if ('imag' in v && v.imag) throw new Err(`${label} in ${source} is complex; expected a real matrix`);
    rowMajor = toFloat64(toRowMajor(v as MatNumeric | MatLogical).data);
  } else {
    throw new Err(`${label} in ${source} is a ${v.class} (${matShapeText(v)}), not a numeric matrix; the file has ${listMatVars(vars)}`);
  }
  const nonSingleton = dims.filter((d) => d !== 1);
  if (dims.length > 2 && nonSingleton.length > 2) throw new Err(`${label} in ${source} is ${dims.join('×')}; expected a matrix (rows × columns)`);
  const rows = dims.length > 2 ? (nonSingleton[0] ?? 1) : dims[0]!;
  const cols = dims.length > 2 ? (nonSingleton[1] ?? 1) : dims[1]!;
  if (rows * cols === 0) throw new Err(`${label} in ${source} is empty (${dims.join('×')})`);
  return { data: rowMajor, rows, cols };
}
