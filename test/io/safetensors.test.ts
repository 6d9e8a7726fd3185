import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError, ShapeError, DTypeError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors, toFloat32, type RawTensor } from '../../src/io/safetensors/index.js';
import { deserializeStateDict } from '../../src/io/state_dict.js';

const ALL: Record<string, RawTensor> = {
  f64: { dtype: 'F64', shape: [2, 2], data: new Float64Array([1.5, -2, Math.PI, 1e300]) },
  f32: { dtype: 'F32', shape: [3], data: new Float32Array([0.1, -0, Infinity]) },
  f16: { dtype: 'F16', shape: [4], data: new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00]) }, // 1, -2, 2^-24, inf
  bf16: { dtype: 'BF16', shape: [2], data: new Uint16Array([0x3f80, 0xc040]) }, // 1, -3
  i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 62n), 12345678901n]) },
  i32: { dtype: 'I32', shape: [1, 2], data: new Int32Array([-2147483648, 7]) },
  i16: { dtype: 'I16', shape: [3], data: new Int16Array([-32768, 0, 32767]) },
  i8: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
  u8: { dtype: 'U8', shape: [1], data: new Uint8Array([255]) }, // odd byte counts force unaligned offsets
  bool: { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
  scalar: { dtype: 'F32', shape: [], data: new Float32Array([42]) },
  empty: { dtype: 'F32', shape: [0, 5], data: new Float32Array(0) },
};

test('round trip of every dtype, with metadata', () => {
  const bytes = encodeSafetensors(ALL, { format: 'pt', note: 'héllo' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(metadata, { format: 'pt', note: 'héllo' });
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(ALL).sort());
  for (const [name, t] of Object.entries(ALL)) {
    const got = tensors[name]!;
    assert.equal(got.dtype, t.dtype, name);
    assert.deepEqual(got.shape, t.shape, name);
    assert.equal(got.data.constructor, t.data.constructor, name);
    assert.deepEqual([...got.data], [...t.data], name);
    assert.equal(got.data.byteOffset, 0, name); // own, aligned buffer
  }
  assert.deepEqual(decodeSafetensors(encodeSafetensors({})), { tensors: {}, metadata: {} });
});

test('toFloat32 decodes half, bfloat16, int64 and float64', () => {
  assert.deepEqual([...toFloat32(ALL.f16!)], [1, -2, 2 ** -24, Infinity]);
  assert.deepEqual([...toFloat32({ dtype: 'F16', shape: [2], data: new Uint16Array([0x3555, 0x7e00]) })], [Math.fround(0.333251953125), NaN]);
  assert.deepEqual([...toFloat32(ALL.bf16!)], [1, -3]);
  assert.deepEqual([...toFloat32(ALL.i64!)], [Math.fround(-(2 ** 62)), Math.fround(12345678901)]);
  assert.deepEqual([...toFloat32(ALL.f64!)], [1.5, -2, Math.fround(Math.PI), Infinity]);
  assert.deepEqual([...toFloat32(ALL.i8!)], [-128, 127]);
});

test('encode rejects bad tensors', () => {
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array(3) } }), ShapeError);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F32', shape: [-1], data: new Float32Array(0) } }), ShapeError);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F64', shape: [1], data: new Float32Array(1) } }), DTypeError);
});

/** Builds a file from a header object and a data length (bytes are zeros). */
function file(header: unknown, dataLen: number, headerText?: string): Uint8Array {
  const h = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

test('corrupt inputs give FormatError naming the source and the field', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  assert.doesNotThrow(() => decodeSafetensors(file(ok, 8)));
  const cases: [string, Uint8Array, RegExp][] = [
    ['short', new Uint8Array(5), /shorter than the 8-byte/],
    ['header too long', (() => { const b = file(ok, 8); b[0] = 200; return b; })(), /header length 200 exceeds/],
    ['huge header', (() => { const b = file(ok, 8); b[7] = 1; return b; })(), new RegExp(`header length ${2n ** 56n + BigInt(JSON.stringify(ok).length)} exceeds the 100000000-byte limit`)],
    ['u64 max header', (() => { const b = file(ok, 8); b.fill(0xff, 0, 8); return b; })(), /header length 18446744073709551615 exceeds the 100000000-byte limit/],
    ['over the limit', (() => { const b = file(ok, 8); new DataView(b.buffer).setBigUint64(0, 100_000_001n, true); return b; })(), /header length 100000001 exceeds the 100000000-byte limit/],
    ['not json', file(null, 0, '{"a": '), /not valid UTF-8 JSON/],
    ['bad utf8', file(null, 0, '{}').fill(0xff, 8), /not valid UTF-8 JSON/],
    ['array header', file([], 0), /must be a JSON object, got an array/],
    ['number header', file(7, 0), /must be a JSON object, got number/],
    ['null header', file(null, 0), /must be a JSON object, got null/],
    ['unsupported dtype', file({ a: { dtype: 'U16', shape: [1], data_offsets: [0, 2] } }, 2), /tensor 'a': unknown dtype "U16" \(dendrite reads F64, F32/],
    ['offset beyond 2^53', file({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1e300] } }, 1), /tensor 'a': data_offsets must be two non-negative integers, got \[0,1e\+300\]/],
    ['entry not an object', file({ a: [1, 2] }, 0), /tensor 'a': entry must be an object/],
    ['unknown dtype', file({ a: { dtype: 'F8', shape: [2], data_offsets: [0, 2] } }, 2), /tensor 'a': unknown dtype "F8"/],
    ['size mismatch', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /tensor 'a': F32 shape \[3\] needs 12 bytes/],
    ['out of range', file({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 8), /tensor 'a': data_offsets \[4, 12\] out of range/],
    ['reversed', file({ a: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, 8), /tensor 'a'.*out of range/],
    ['bad offsets', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, 8), /tensor 'a': data_offsets must be two/],
    ['negative dim', file({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, 8), /tensor 'a': shape \[-2\] has an invalid dimension -2/],
    ['fractional dim', file({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 6] } }, 6), /invalid dimension 1.5/],
    ['shape not array', file({ a: { dtype: 'F32', shape: 2, data_offsets: [0, 8] } }, 8), /tensor 'a': shape must be an array/],
    ['same span twice', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 8), /tensor 'b'.*overlap tensor 'a' \(ends at 8\)/],
    ['overlap', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /tensor 'b'.*overlap tensor 'a'/],
    ['gap', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /tensor 'a'.*leave bytes 0..4 unused/],
    ['trailing', file(ok, 12), /cover 8 of the 12 data bytes/],
    ['bad metadata', file({ __metadata__: { n: 1 } }, 0), /__metadata__.n must be a string/],
  ];
  for (const [what, bytes, re] of cases) {
    assert.throws(() => decodeSafetensors(bytes, 'model.safetensors'), (e: unknown) => {
      assert.ok(e instanceof FormatError, `${what}: ${String(e)}`);
      assert.match(e.message, /^safetensors model\.safetensors: /, what);
      assert.match(e.message, re, what);
      return true;
    });
  }
});

test('reads a state dict written from PyTorch, and re-encodes it byte for byte', () => {
  const dir = 'test/golden/safetensors';
  const bytes = new Uint8Array(readFileSync(`${dir}/torch_state.safetensors`));
  type Exp = { metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }> };
  const exp = JSON.parse(readFileSync(`${dir}/torch_state.json`, 'utf8')) as Exp;
  const { tensors, metadata } = decodeSafetensors(bytes, 'torch_state.safetensors');
  assert.deepEqual(metadata, exp.metadata);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(exp.tensors).sort());
  for (const [name, e] of Object.entries(exp.tensors)) {
    const t = tensors[name]!;
    assert.equal(t.dtype, e.dtype, name);
    assert.deepEqual(t.shape, e.shape, name);
    if (t.dtype === 'I64') assert.deepEqual([...t.data].map(String), e.values, name);
    else if (t.dtype === 'F64') assert.deepEqual([...t.data], e.values, name);
    else assert.deepEqual([...toFloat32(t)], e.values, name); // F32/F16/BF16 values are exact in float32
  }
  assert.equal(tensors['bn.num_batches_tracked']!.data[0], 12345678901n);
  assert.deepEqual(encodeSafetensors(tensors, metadata), bytes);
});

/** A Uint8Array that counts the copies the reader makes of it. */
class CountingBytes extends Uint8Array {
  copies = 0;
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    this.copies++;
    return new Uint8Array(this.buffer, this.byteOffset, this.byteLength).slice(start, end);
  }
}

test('a bad layout is refused before any tensor data is copied', () => {
  // Without this, 100 k tensors that each claim the whole buffer would be copied 100 k times
  // before the overlap was seen.
  const header = { a: { dtype: 'U8', shape: [64], data_offsets: [0, 64] }, b: { dtype: 'U8', shape: [64], data_offsets: [0, 64] } };
  const src = file(header, 64);
  const bytes = new CountingBytes(src.length);
  bytes.set(src);
  assert.throws(() => decodeSafetensors(bytes, 'x.safetensors'), /tensor 'b'.*overlap tensor 'a'/);
  assert.equal(bytes.copies, 0);
});

test('100 k tensors that all overlap one buffer are refused quickly, without copying', () => {
  const n = 100_000;
  const entries: string[] = [];
  for (let i = 0; i < n; i++) entries.push(`"t${i}":{"dtype":"U8","shape":[65536],"data_offsets":[0,65536]}`);
  const src = file(null, 65536, `{${entries.join(',')}}`);
  const bytes = new CountingBytes(src.length);
  bytes.set(src);
  const t0 = performance.now();
  assert.throws(() => decodeSafetensors(bytes, 'many.safetensors'), (e: unknown) => e instanceof FormatError && /overlap tensor 't/.test(e.message));
  assert.equal(bytes.copies, 0);
  assert.ok(performance.now() - t0 < 5000, `took ${performance.now() - t0} ms`);
});

test('100 k tensors tiling the buffer are read', () => {
  const n = 100_000;
  const entries: string[] = [];
  // reverse order in the header: the reader sorts by offset, as the reference does
  for (let i = n - 1; i >= 0; i--) entries.push(`"t${i}":{"dtype":"I16","shape":[1],"data_offsets":[${2 * i},${2 * i + 2}]}`);
  const bytes = file(null, 2 * n, `{${entries.join(',')}}`);
  const data = new DataView(bytes.buffer, bytes.length - 2 * n);
  const value = (i: number) => ((i * 7 - 50_000) << 16) >> 16; // wrapped into int16
  for (let i = 0; i < n; i++) data.setInt16(2 * i, value(i), true);
  const { tensors } = decodeSafetensors(bytes, 'many.safetensors');
  assert.equal(Object.keys(tensors).length, n);
  for (let i = 0; i < n; i++) {
    const t = tensors[`t${i}`]!;
    if (t.data[0] !== value(i) || t.dtype !== 'I16' || t.shape.length !== 1) assert.fail(`t${i}: ${t.dtype} ${JSON.stringify(t.shape)} ${t.data[0]}, expected ${value(i)}`);
  }
});

test('zero-size tensors may share an offset (as the reference reader allows)', () => {
  const bytes = file({ a: { dtype: 'F32', shape: [0], data_offsets: [0, 0] }, b: { dtype: 'F64', shape: [0, 3], data_offsets: [0, 0] }, c: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, 2);
  const { tensors } = decodeSafetensors(bytes);
  assert.deepEqual(Object.keys(tensors).sort(), ['a', 'b', 'c']);
  assert.deepEqual(tensors['b']!.shape, [0, 3]);
});

test("names like '__proto__' are tensor and metadata keys like any other", () => {
  const bytes = file({ __metadata__: { __proto__: 'm' }, __proto__: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, constructor: { dtype: 'U8', shape: [1], data_offsets: [4, 5] } }, 5,
    '{"__metadata__":{"__proto__":"m"},"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"constructor":{"dtype":"U8","shape":[1],"data_offsets":[4,5]}}');
  new DataView(bytes.buffer).setFloat32(bytes.length - 5, 2.5, true);
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(Object.keys(tensors).sort(), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
  assert.deepEqual([...Object.getOwnPropertyDescriptor(tensors, '__proto__')!.value.data], [2.5]);
  assert.deepEqual(Object.keys(metadata), ['__proto__']);
  const { stateDict } = deserializeStateDict(bytes);
  assert.deepEqual(Object.keys(stateDict).sort(), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(stateDict), Object.prototype);
});
