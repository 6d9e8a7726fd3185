// Readers take any Uint8Array, including a Node Buffer that views part of a larger block (a
// pooled small Buffer, or buf.subarray of a bigger one). Such a view's .buffer is the whole block,
// so a reader that wraps `bytes.slice(...).buffer` in a Float32Array reads the wrong bytes. Each
// reader must give the same values for a Buffer view at an odd offset as for a plain copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { readMat } from '../../src/io/mat/index.js';
import { readNifti } from '../../src/io/nifti/index.js';
import { parseIdx } from '../../src/io/idx/index.js';
import { decodeSafetensors } from '../../src/io/safetensors/index.js';
import { dataPath, skipMissing } from '../helpers/data.js';

/** The file's bytes as a Buffer that starts 13 bytes into a larger block. */
function bufferView(path: string, decode: (b: Uint8Array) => Uint8Array = (b) => b): { plain: Uint8Array; view: Buffer } {
  const plain = decode(new Uint8Array(readFileSync(path)));
  const block = Buffer.alloc(plain.length + 29, 0x5a);
  block.set(plain, 13);
  const view = block.subarray(13, 13 + plain.length);
  assert.ok(view.byteOffset === 13 && view.buffer.byteLength > plain.length);
  return { plain, view };
}

const values = (a: ArrayLike<number | bigint>): unknown[] => Array.from(a as ArrayLike<number>);

test('readMat reads a Buffer view as it reads a plain copy', (t) => {
  const f = dataPath('insight/ringach2002/ringach_2002_db.mat');
  if (skipMissing(t, f)) return;
  const { plain, view } = bufferView(f);
  assert.deepEqual(JSON.stringify(readMat(view), (_k, v) => (ArrayBuffer.isView(v) ? values(v as unknown as ArrayLike<number>) : v)),
    JSON.stringify(readMat(plain), (_k, v) => (ArrayBuffer.isView(v) ? values(v as unknown as ArrayLike<number>) : v)));
});

test('readNifti reads a Buffer view as it reads a plain copy', (t) => {
  const f = dataPath('nifti/nibabel/anatomical.nii');
  if (skipMissing(t, f)) return;
  const { plain, view } = bufferView(f);
  for (const data of ['raw', 'float32'] as const) {
    assert.deepEqual(values(readNifti(view, f, { data }).data), values(readNifti(plain, f, { data }).data), data);
  }
});

test('parseIdx reads a Buffer view as it reads a plain copy', (t) => {
  const f = dataPath('mnist/t10k-labels-idx1-ubyte.gz');
  if (skipMissing(t, f)) return;
  // the raw (uncompressed) form: a gzipped file is inflated into a fresh block anyway
  const { plain, view } = bufferView(f, gunzipSync);
  assert.deepEqual(values(parseIdx(view).data), values(parseIdx(plain).data));
});

test('decodeSafetensors reads a Buffer view as it reads a plain copy', () => {
  const { plain, view } = bufferView('test/golden/lenet_state.safetensors');
  const a = decodeSafetensors(view).tensors;
  const b = decodeSafetensors(plain).tensors;
  for (const k of Object.keys(b)) assert.deepEqual(values(a[k]!.data), values(b[k]!.data), k);
});
