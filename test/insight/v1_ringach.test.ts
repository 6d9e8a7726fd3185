// Ringach, Shapley & Hawken 2002's macaque V1 database as Brain-Score uses it: 308 cells, 304
// pass maxdc > spont + 5 spikes/s; of those 121 (39.8 %) have F1/F0 > 1, median F1/F0 0.5715,
// median circular variance (orivar) 0.5988 (figures checked with scipy.io.loadmat + numpy); the
// data against itself gives Brain-Score's KS-similarity ceiling (0.959 reported), and a
// complex-only model distribution scores low.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../src/errors.js';
import { readRingach2002, ringachCircularVariances, ringachModulationRatios } from '../../src/insight/electrophys/ringach.js';
import { bootstrapKsSimilarity, MODULATION_RATIO_BINS } from '../../src/insight/electrophys/stats.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const file = dataPath('insight/ringach2002/ringach_2002_db.mat');

test('Ringach 2002: 308 cells, 304 responsive, 39.8 % simple, median F1/F0 0.5715', { skip: skipUnlessData(file) }, () => {
  const cells = readRingach2002(readFileSync(file), file);
  assert.equal(cells.maxdc.length, 308);
  const mr = ringachModulationRatios(cells);
  assert.equal(mr.length, 304);
  assert.equal(mr.filter((v) => v > 1).length, 121);
  const s = [...mr].sort((a, b) => a - b);
  const med = (s[151]! + s[152]!) / 2;
  assert.ok(Math.abs(med - 0.5714852703323827) < 1e-12, `median ${med}`);
  const cv = ringachCircularVariances(cells).sort((a, b) => a - b);
  assert.equal(cv.length, 304);
  assert.ok(Math.abs((cv[151]! + cv[152]!) / 2 - 0.598766) < 1e-6, `median circular variance ${(cv[151]! + cv[152]!) / 2}`);
});

test('Ringach 2002: KS-similarity ceiling near Brain-Score\'s 0.959; an all-complex model scores far lower', { skip: skipUnlessData(file) }, () => {
  const mr = ringachModulationRatios(readRingach2002(readFileSync(file), file));
  const ceil = bootstrapKsSimilarity(mr, mr, MODULATION_RATIO_BINS, 1000, 1);
  assert.ok(Math.abs(ceil.center - 0.959) < 0.01, `ceiling ${ceil.center}`);
  const complex = Array.from({ length: 100 }, (_, i) => 0.05 + (0.3 * i) / 100);
  const low = bootstrapKsSimilarity(complex, mr, MODULATION_RATIO_BINS, 200, 1);
  assert.ok(low.center < 0.6, `all-complex score ${low.center}`);
});

test('Ringach reader: a MAT-file without db fails with a FormatError naming the file', () => {
  // a minimal level-5 MAT header with no variables
  const b = new Uint8Array(128);
  b.set(new TextEncoder().encode('MATLAB 5.0 MAT-file'));
  b[124] = 0x00; b[125] = 0x01; b[126] = 'I'.charCodeAt(0); b[127] = 'M'.charCodeAt(0);
  assert.throws(() => readRingach2002(b, 'empty.mat'), (e: Error) => e instanceof FormatError && /empty\.mat/.test(e.message));
});
