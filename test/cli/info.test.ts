// `dendrite info` on one file of each supported format, and on files it must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { info } from '../../src/cli/info.js';
import { detectFormat, FormatError } from '../../src/index.js';
import { dataPath, skipMissing } from '../helpers/data.js';
const run = (p: string) => {
  const lines: string[] = [];
  info([p], (s) => lines.push(s));
  return lines.join('\n');
};

test('info summarises EDF+, BDF, GDF, NIfTI, MAT and safetensors files', (t) => {
  const files = {
    edf: dataPath('eeg/eegmmidb/S001R04.edf'),
    bdf: dataPath('eeg/edf-conformance/mne-python/test.bdf'),
    gdf: dataPath('eeg/edf-conformance/mne-testing-data/test_1ch.gdf'),
    nifti: dataPath('nifti/nibabel/example4d.nii.gz'),
    mat: dataPath('spikes/kordinglab-dad/chewie_demo.mat'),
  };
  if (skipMissing(t, ...Object.values(files))) return;
  const edf = run(files.edf);
  assert.match(edf, /format\s+EDF\+C/);
  assert.match(edf, /channels\s+64 at 160 Hz/);
  assert.match(edf, /annotations\s+30: T0 ×15, T2 ×7, T1 ×8/);
  assert.match(run(files.bdf), /format\s+BDF/);
  assert.match(run(files.gdf), /format\s+GDF/);
  assert.match(run(files.nifti), /shape\s+128 × 96 × 24 × 2\s+int16/);
  assert.match(run(files.mat), /Xtr\s+double\s+1200×2/);
  assert.match(run('test/golden/lenet_state.safetensors'), /conv1\.weight\s+F32\s+\(6, 1, 5, 5\)/);
});

test('info refuses files of unknown format with a FormatError naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-info-'));
  try {
    const p = join(dir, 'notes.edf');
    writeFileSync(p, 'this is a text file posing as EDF');
    assert.throws(() => run(p), (e: Error) => e instanceof FormatError && e.message.includes('notes.edf'));
    assert.throws(() => detectFormat(new Uint8Array(0), 'empty.bin'), FormatError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
