// RDMs and stimuli from MATLAB files in rsatoolbox's (and the MATLAB RSA toolbox's) layout: a
// struct array whose elements hold `RDM` (n × n) and `name`, as 92_brainRDMs.mat and
// 92_modelRDMs.mat; the stimulus struct of Kriegeskorte et al. 2008's supplemental data.
// Browser-safe: takes bytes.

import { FormatError } from '../../errors.js';
import { readMat } from '../../io/mat/reader.js';
import { toFloat64 } from '../../io/mat/util.js';
import type { MatStruct, MatValue } from '../../io/mat/types.js';
import { rdmFromSquare, type Rdm } from './rdm.js';

export interface NamedRdm {
  readonly name: string;
  readonly rdm: Rdm;
  /** 0-based subscript of the element in the struct array (e.g. [0, subject, session]). */
  readonly subscript: readonly number[];
}

function subscriptOf(dims: readonly number[], i: number): number[] {
  const out: number[] = [];
  for (const d of dims) {
    out.push(i % d);
    i = Math.floor(i / d);
  }
  return out;
}

function structVar(vars: Record<string, MatValue>, source: string, wanted?: string): [string, MatStruct] {
  const names = wanted !== undefined ? [wanted] : Object.keys(vars);
  for (const k of names) {
    const v = vars[k];
    if (v !== undefined && v.class === 'struct' && v.fieldNames.includes('RDM')) return [k, v];
  }
  const have = Object.entries(vars).map(([k, v]) => `${k} (${v.class})`).join(', ');
  throw new FormatError(`${source}: no struct variable${wanted !== undefined ? ` '${wanted}'` : ''} with an 'RDM' field (variables: ${have || 'none'})`);
}

/**
 * Every RDM of a MAT-file's struct array (element order: MATLAB's column-major, so a 1 × 4 × 2
 * array gives subject 1..4 of session 1, then of session 2). Square RDMs must be symmetric; the
 * diagonal is ignored.
 */
export function readRdmStruct(bytes: Uint8Array, source = 'RDMs.mat', variable?: string): NamedRdm[] {
  const vars = readMat(bytes, source);
  const [name, s] = structVar(vars, source, variable);
  return s.elements.map((el, i) => {
    const r = el['RDM']!;
    const what = `${source}: ${name}(${i + 1}).RDM`;
    const subscript = subscriptOf(s.dims, i);
    if (r.class === 'logical') return { name: elementName(el, name, i), rdm: square(Float64Array.from(r.data), r.dims, what), subscript };
    if (!('storage' in r)) throw new FormatError(`${what} is a ${r.class} array, expected numeric`);
    return { name: elementName(el, name, i), rdm: square(toFloat64(r.data), r.dims, what), subscript };
  });
}

function elementName(el: Record<string, MatValue>, variable: string, i: number): string {
  const n = el['name'];
  if (n !== undefined && n.class === 'char' && typeof n.text === 'string') return n.text.trim();
  return `${variable}(${i + 1})`;
}

function square(data: Float64Array, dims: readonly number[], what: string): Rdm {
  if (dims.length !== 2 || dims[0] !== dims[1]) throw new FormatError(`${what}: dims (${dims.join(', ')}) are not square`);
  // Column-major and symmetric: the same numbers in either order.
  try {
    return rdmFromSquare(data, dims[0]!);
  } catch (e) {
    throw new FormatError(`${what}: ${(e as Error).message}`);
  }
}

export interface Stimulus {
  readonly category: string;
  /** Grey levels in [0, 1], row-major `size × size`. */
  readonly grey: Float32Array;
}

/**
 * The stimuli of a struct array with an `image` field (uint8 H × W × 3 RGB, column-major), each
 * turned grey (ITU-R 601 luma) and area-averaged down to `size × size`.
 */
export function readStimuli(bytes: Uint8Array, source = 'stimuli.mat', variable = 'stimuli_92objs', size = 28): Stimulus[] {
  const vars = readMat(bytes, source);
  const s = vars[variable];
  if (s === undefined || s.class !== 'struct' || !s.fieldNames.includes('image')) {
    throw new FormatError(`${source}: no struct variable '${variable}' with an 'image' field`);
  }
  return s.elements.map((el, i) => {
    const im = el['image']!;
    if (im.class !== 'uint8' || im.dims.length !== 3 || im.dims[2] !== 3) {
      throw new FormatError(`${source}: ${variable}(${i + 1}).image is ${im.class} (${im.dims.join(', ')}), expected uint8 H × W × 3`);
    }
    const [H, W] = [im.dims[0]!, im.dims[1]!];
    const d = im.data as Uint8Array;
    const grey = new Float32Array(size * size);
    for (let oy = 0; oy < size; oy++) {
      const y0 = (oy * H) / size, y1 = ((oy + 1) * H) / size;
      for (let ox = 0; ox < size; ox++) {
        const x0 = (ox * W) / size, x1 = ((ox + 1) * W) / size;
        let acc = 0, wsum = 0;
        for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
          const wy = Math.min(y + 1, y1) - Math.max(y, y0);
          for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
            const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
            const o = y + H * x; // column-major (row y, column x, channel c at o + H*W*c)
            acc += w * (0.299 * d[o]! + 0.587 * d[o + H * W]! + 0.114 * d[o + 2 * H * W]!);
            wsum += w;
          }
        }
        grey[oy * size + ox] = acc / wsum / 255;
      }
    }
    const cat = el['category'];
    return { category: cat !== undefined && cat.class === 'char' && typeof cat.text === 'string' ? cat.text : '', grey };
  });
}
