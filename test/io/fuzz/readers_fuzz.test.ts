// Seeded fuzzing of every reader: 1 000 mutations of real files each (byte flips, overwritten
// header fields, truncations, insertions). Every outcome must be a clean parse (and a clean
// read of some samples) or a typed dendrite error — never a TypeError/RangeError, a crash or a
// hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'fflate';
import { DendriteError, Generator, readEdf, readGdf, readNifti, readMat } from '../../../src/index.js';

const data = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data');
const N = 1000;

function mutate(src: Uint8Array, g: Generator, headerBytes: number): Uint8Array {
  let b = src.slice();
  const kind = g.int(0, 6);
  const inHeader = () => g.int(0, Math.min(headerBytes, b.length));
  switch (kind) {
    case 0: // flip random bytes, mostly in the header where parsing decisions are made
      for (let k = g.int(1, 9); k > 0; k--) b[g.random() < 0.8 ? inHeader() : g.int(0, b.length)] = g.int(0, 256);
      break;
    case 1: { // overwrite a header run with digits, signs, spaces or junk
      const at = inHeader();
      const alphabet = '0123456789-+. eE\x00\xff';
      for (let k = 0; k < g.int(1, 12) && at + k < b.length; k++) b[at + k] = alphabet.charCodeAt(g.int(0, alphabet.length));
      break;
    }
    case 2: // truncate
      b = b.subarray(0, g.int(0, b.length));
      break;
    case 3: { // insert junk
      const at = g.int(0, b.length);
      const junk = Uint8Array.from({ length: g.int(1, 64) }, () => g.int(0, 256));
      const out = new Uint8Array(b.length + junk.length);
      out.set(b.subarray(0, at));
      out.set(junk, at);
      out.set(b.subarray(at), at + junk.length);
      b = out;
      break;
    }
    case 4: // set 4 bytes to extreme integers (counts, offsets, sizes)
      new DataView(b.buffer, b.byteOffset, b.byteLength).setInt32(Math.min(inHeader(), Math.max(0, b.length - 4)), [0, -1, 0x7fffffff, 0x80000000 | 0, 1 << 20][g.int(0, 5)]!, g.random() < 0.5);
      break;
    default: // zero a header span
      b.fill(0, inHeader(), inHeader() + g.int(1, 32));
  }
  return b;
}

function fuzz(name: string, file: string, headerBytes: number, parse: (b: Uint8Array) => void): void {
  test(`fuzz ${name}: ${N} seeded mutations give a clean parse or a typed error`, (t) => {
    if (!existsSync(file)) return t.skip(`${file} not found (set DENDRITE_DATA)`);
    const src = new Uint8Array(readFileSync(file));
    const g = new Generator(12345);
    let ok = 0;
    let typed = 0;
    for (let i = 0; i < N; i++) {
      const b = mutate(src, g, headerBytes);
      try {
        parse(b);
        ok++;
      } catch (e) {
        if (!(e instanceof DendriteError)) assert.fail(`${name} mutation ${i}: ${(e as Error).name}: ${(e as Error).message}`);
        typed++;
      }
    }
    assert.equal(ok + typed, N);
  });
}

const readSome = (rec: { header: { duration: number }; read(o: { tmin: number; tmax: number }): unknown }) => {
  rec.read({ tmin: 0, tmax: Math.min(1, rec.header.duration) });
};

fuzz('EDF+', join(data, 'eeg/edf-conformance/pyedflib/test_generator.edf'), 256 * 13, (b) => readSome(readEdf(b, 'fuzz.edf')));
fuzz('BDF', join(data, 'eeg/edf-conformance/pyedflib/test_generator.bdf'), 256 * 13, (b) => readSome(readEdf(b, 'fuzz.bdf')));
fuzz('GDF', join(data, 'eeg/edf-conformance/mne-testing-data/test_1ch.gdf'), 512, (b) => readSome(readGdf(b, 'fuzz.gdf')));
fuzz('NIfTI', join(data, 'nifti/nibabel/anatomical.nii'), 352, (b) => void readNifti(b, 'fuzz.nii'));
fuzz('MAT', join(data, 'spikes/centuri-hatsopoulos-reach/Dataset1.mat'), 256, (b) => void readMat(b, 'fuzz.mat'));

test('fuzz NIfTI .gz: corrupt gzip streams give typed errors', (t) => {
  const file = join(data, 'nifti/nibabel/anatomical.nii');
  if (!existsSync(file)) return t.skip(`${file} not found`);
  const gz = gzipSync(new Uint8Array(readFileSync(file)));
  const g = new Generator(7);
  for (let i = 0; i < 200; i++) {
    const b = gz.slice();
    for (let k = 0; k < 4; k++) b[g.int(0, b.length)] = g.int(0, 256);
    try {
      readNifti(b, 'fuzz.nii.gz');
    } catch (e) {
      if (!(e instanceof DendriteError)) assert.fail(`gzip mutation ${i}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
});
