// WGSL shared by every kernel: the bindings (the one storage buffer, as u32 words; the call's
// parameter slot), parameter readers, a NaN test that fast-math cannot fold away, JS's ToInt32
// for float → int32 stores, and the flat index of a 1-D grid that may spill into y (dispatches
// are capped at 65 535 workgroups per dimension).
//
// WebGPU forbids binding one buffer twice where either binding is writable, so the memory is one
// array<u32> binding and f32 and i32 elements are bitcasts of its words. Kernels are written with
// F[...] and I[...] element syntax (reads and assignments) and lowered to those bitcasts by
// lower() below before compilation.

export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> mem: array<u32>;
struct Params { w: array<vec4<u32>, 16> }
@group(0) @binding(1) var<uniform> P: Params;

fn pu(i: u32) -> u32 { return P.w[i >> 2u][i & 3u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }

fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// word 63 of every slot is 0: it keeps these from being constants (WGSL refuses constant NaN/Inf)
fn nan() -> f32 { return bitcast<f32>(0x7fc00000u | pu(63u)); }
fn inf() -> f32 { return bitcast<f32>(0x7f800000u | pu(63u)); }

// JS ToInt32: truncate, NaN and ±Infinity to 0, wrap modulo 2^32
fn to_i32(x: f32) -> i32 {
  if ((bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u) { return 0; }
  if (abs(x) < 2147483648.0) { return i32(x); }
  let r = x - floor(x / 4294967296.0) * 4294967296.0;
  return bitcast<i32>(u32(r));
}

fn flat(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.y * nwg.x + wid.x) * 256u + lid; }
`;

/** The entry point of a 1-D elementwise kernel over 256-wide workgroups: `i` is the flat index. */
export const ENTRY = /* wgsl */ `@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);`;

/**
 * Word index of the index-error record in the memory buffer, below every tensor block: an
 * indexing kernel that meets an index outside [-n, n) writes [op code, the index, n] there, and
 * the next read-back raises it (an index in device memory cannot be checked on the host without
 * a read). Codes: INDEX_OPS[code - 1].
 */
export const INDEX_FLAG_WORD = 64;
export const INDEX_OPS = ['gather', 'indexSelect', 'scatterAdd'] as const;

/**
 * WGSL declaring `var v` = the index read by `raw`, a negative one wrapped into [0, n), and
 * `let bad_v`: true (and the index-error record written) where it is still outside [0, n).
 */
export function checkedIndex(v: string, raw: string, n: string, code: number): string {
  return /* wgsl */ `var ${v} = ${raw};
  if (${v} < 0) { ${v} += i32(${n}); }
  let bad_${v} = ${v} < 0 || u32(${v}) >= ${n};
  if (bad_${v}) { mem[${INDEX_FLAG_WORD}u] = ${code}u; mem[${INDEX_FLAG_WORD + 1}u] = bitcast<u32>(${raw}); mem[${INDEX_FLAG_WORD + 2}u] = ${n}; }`;
}

/** The most dims a strided kernel takes (after merging dims that are contiguous in every operand). */
export const MAX_DIMS = 8;

/** Index of the bracket that closes the one opening at `open`. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    if (s[k] === '[' || s[k] === '(') depth++;
    else if (s[k] === ']' || s[k] === ')') {
      depth--;
      if (depth === 0) return k;
    }
  }
  throw new Error(`webgpu shader: unbalanced bracket at ${open}`);
}

/** End (exclusive) of an assignment's value: the next ';' outside brackets. */
function valueEnd(s: string, from: number): number {
  let depth = 0;
  for (let k = from; k < s.length; k++) {
    const ch = s[k];
    if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (ch === ';' && depth === 0) return k;
  }
  throw new Error('webgpu shader: assignment without ;');
}

/**
 * Lowers F[i] / I[i] element reads and `=` / `+=` assignments to bitcasts of the u32 words of mem.
 */
export function lower(src: string): string {
  let out = '';
  let k = 0;
  while (k < src.length) {
    const ch = src[k]!;
    const prev = k > 0 ? src[k - 1]! : ' ';
    if ((ch === 'F' || ch === 'I') && src[k + 1] === '[' && !/[A-Za-z0-9_]/.test(prev)) {
      const close = closing(src, k + 1);
      const idx = lower(src.slice(k + 2, close));
      const ty = ch === 'F' ? 'f32' : 'i32';
      const rest = src.slice(close + 1);
      const m = /^\s*(\+?=)(?!=)/.exec(rest);
      if (m) {
        const start = close + 1 + m[0].length;
        const end = valueEnd(src, start);
        const value = lower(src.slice(start, end));
        out += m[1] === '=' ? `mem[${idx}] = bitcast<u32>(${ty}(${value}))` : `mem[${idx}] = bitcast<u32>(bitcast<${ty}>(mem[${idx}]) + (${value}))`;
        k = end;
        continue;
      }
      out += `bitcast<${ty}>(mem[${idx}])`;
      k = close + 1;
      continue;
    }
    out += ch;
    k++;
  }
  return out;
}
