// Spatial maps (ShallowFBCSPNet combined filters, CSP patterns), channel layout, the filter grid
// PNG, and `dendrite insight filters` on a saved LeNet checkpoint and saved EEG decoders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { manualSeed, noGrad, tensor } from '../../src/index.js';
import { ShallowFBCSPNet } from '../../src/models/shallow_fbcsp.js';
import { shallowSpatialMaps, channelLayout } from '../../src/insight/activations/index.js';
import { filterGrid } from '../../src/report/filters.js';
import { insightFiltersCli } from '../../src/cli/insight_filters.js';
import { Raw } from '../../src/neuro/index.js';
import { readEdf } from '../../src/io/edf/index.js';
import { trainDecoder } from '../../src/decode/eeg_decoder.js';
import { saveDecoder } from '../../src/node/eeg_model.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const golden = JSON.parse(readFileSync('test/golden/insight/montage_1005.json', 'utf8'));

function closeArr(a: readonly number[], b: readonly number[], tol: number): void {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `[${i}] ${v} vs ${b[i]}`));
}

test('shallowSpatialMaps: a rank-1 combined filter gives back its spatial weights exactly', () => {
  manualSeed(1);
  const net = new ShallowFBCSPNet({ nChans: 4, nOutputs: 2, nTimes: 200, nFiltersTime: 3, nFiltersSpat: 2 });
  const t = net.conv_time_spat.conv_time.weight; // (3, 1, 25, 1)
  const s = net.conv_time_spat.conv_spat.weight.dataSync(); // (2, 3, 1, 4)
  // only temporal filter 0 is non-zero, so W[o] = time[0] ⊗ spat[o, 0, :] is rank 1
  const tv = Float32Array.from(t.dataSync(), (v, i) => (i < 25 ? v : 0));
  noGrad(() => t.copy_(tensor(tv, { shape: t.shape })));
  const norm = Math.hypot(...tv.subarray(0, 25));
  const { maps, sigma, explained } = shallowSpatialMaps(net);
  for (let o = 0; o < 2; o++) {
    const v = Array.from(s.subarray(o * 12, o * 12 + 4), (x) => x * norm);
    const big = v.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
    closeArr(maps[o]!, v.map((x) => (big < 0 ? -x : x)), 1e-6);
    assert.ok(Math.abs(sigma[o]! - Math.hypot(...v)) < 1e-6);
    assert.ok(Math.abs(explained[o]! - 1) < 1e-9);
  }
  // full-rank filters: against W built here and its top right singular vector by power iteration
  manualSeed(2);
  const net2 = new ShallowFBCSPNet({ nChans: 6, nOutputs: 2, nTimes: 200, nFiltersTime: 5, nFiltersSpat: 3 });
  const full = shallowSpatialMaps(net2);
  const T = net2.conv_time_spat.conv_time.weight.dataSync(), S = net2.conv_time_spat.conv_spat.weight.dataSync();
  for (let o = 0; o < 3; o++) {
    const W = Array.from({ length: 25 }, (_, k) => Array.from({ length: 6 }, (_, c) => {
      let a = 0;
      for (let f = 0; f < 5; f++) a += T[f * 25 + k]! * S[(o * 5 + f) * 6 + c]!;
      return a;
    }));
    let v = [1, 1, 1, 1, 1, 1];
    for (let it = 0; it < 2000; it++) {
      const u = W.map((row) => row.reduce((a, w, c) => a + w * v[c]!, 0));
      const nv = v.map((_, c) => W.reduce((a, row, k) => a + row[c]! * u[k]!, 0));
      const n = Math.hypot(...nv);
      v = nv.map((x) => x / n);
    }
    const sigma = Math.hypot(...W.map((row) => row.reduce((a, w, c) => a + w * v[c]!, 0)));
    const big = v.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
    closeArr(full.maps[o]!, v.map((x) => (big < 0 ? -x : x) * sigma), 1e-6);
    const energy = W.flat().reduce((a, w) => a + w * w, 0);
    assert.ok(Math.abs(full.explained[o]! - (sigma * sigma) / energy) < 1e-6 && full.explained[o]! < 1);
  }
});

test('channelLayout places EEGMMIDB labels as MNE (eegbci.standardize + standard_1005) and reports the rest', () => {
  const names = [...golden.eegmmidb.raw_names, 'STI 014'];
  const l = channelLayout(names);
  assert.deepEqual(l.names, golden.eegmmidb.standard_names);
  assert.deepEqual(l.missing, ['STI 014']);
  l.xy.forEach((p, i) => assert.ok(Math.hypot(p[0] - golden.eegmmidb.topomap_xy[i][0], p[1] - golden.eegmmidb.topomap_xy[i][1]) < 2e-8));
  assert.throws(() => channelLayout(['A', 'B', 'Cz']), (e: unknown) => e instanceof ArgumentError && /only 1 of 3/.test(e.message));
});

function decodePng(png: Uint8Array): { w: number; h: number; px: Uint8Array } {
  const dv = new DataView(png.buffer, png.byteOffset);
  const w = dv.getUint32(16), h = dv.getUint32(20);
  let off = 8, idat = Buffer.alloc(0);
  while (off < png.length) {
    const len = dv.getUint32(off), type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    if (type === 'IDAT') idat = Buffer.concat([idat, Buffer.from(png.subarray(off + 8, off + 8 + len))]);
    off += 12 + len;
  }
  const raw = inflateSync(idat), px = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) px.set(raw.subarray(r * (w + 1) + 1, (r + 1) * (w + 1)), r * w);
  return { w, h, px };
}

test('filterGrid lays tiles out with gutters, scaled symmetrically about zero', () => {
  // two 2×3 maps: the second is the first × 10 and negated
  const a = [1, -1, 0.5, 0, 0.25, -0.5];
  const g = filterGrid([...a, ...a.map((v) => -10 * v)], 2, 2, 3, { cols: 2, scale: 2, pad: 1 });
  assert.equal(g.width, 2 * 3 * 2 + 3);
  assert.equal(g.height, 2 * 2 + 2);
  assert.deepEqual(g.scales, [1, 10]);
  const { w, h, px } = decodePng(g.png);
  assert.deepEqual([w, h], [g.width, g.height]);
  const at = (x: number, y: number) => px[y * w + x]!;
  assert.equal(at(0, 0), 255); // gutter
  assert.deepEqual([at(1, 1), at(2, 1), at(3, 1), at(5, 1), at(1, 3)], [255, 255, 0, 191, 128]);
  // the second tile (x0 = 1 + 6 + 1 = 8) on its own scale is the first negated
  assert.deepEqual([at(8, 1), at(10, 1), at(12, 1)], [0, 255, 64]);
  const all = filterGrid([...a, ...a.map((v) => -10 * v)], 2, 2, 3, { cols: 2, scale: 2, pad: 1, normalize: 'all' });
  assert.deepEqual(decodePng(all.png).px[1 * w + 1], 140); // 127.5 + 127.5 · 1/10
  assert.throws(() => filterGrid([1, 2, 3], 1, 2, 2), ShapeError);
  assert.throws(() => filterGrid([1, NaN, 3, 4], 1, 2, 2), (e: unknown) => e instanceof ArgumentError && /map 0 holds NaN at 0, 1/.test(e.message));
  assert.throws(() => filterGrid([1, 2, 3, 4], 1, 2, 2, { scale: 0 }), ArgumentError);
});

test('insight filters --weights: LeNet conv1 filters and feature maps of test digits', () => {
  const out = mkdtempSync(join(tmpdir(), 'dendrite-insight-'));
  try {
    const logs: string[] = [];
    const r = insightFiltersCli(['--weights', 'test/golden/lenet_state.safetensors', '--digits', '3', '--out', out], (s) => logs.push(s))!;
    const res = JSON.parse(readFileSync(join(r.runDir, 'results.json'), 'utf8'));
    assert.deepEqual(res.conv1.shape, [6, 1, 5, 5]);
    assert.equal(res.digits.length, 3);
    assert.deepEqual(res.digits.map((d: { label: number }) => d.label), [7, 2, 1]); // the first MNIST test digits
    const html = readFileSync(join(r.runDir, 'report.html'), 'utf8');
    assert.equal((html.match(/<img /g) ?? []).length, 1 + 2 * 3);
    assert.match(logs[0]!, /report\.html/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  assert.throws(() => insightFiltersCli([]), (e: unknown) => e instanceof ArgumentError && /exactly one of --load/.test(e.message));
  assert.throws(() => insightFiltersCli(['--weights', 'x', '--load', 'y']), ArgumentError);
  assert.throws(() => insightFiltersCli(['--weights', 'x', '--digits', '0']), (e: unknown) => e instanceof ArgumentError && /--digits/.test(e.message));
});

const edf = (r: string) => dataPath('eeg/eegmmidb', `S001${r}.edf`);
test('insight filters --load: CSP+LDA patterns and ShallowFBCSPNet filters as topomaps of a saved decoder', { skip: skipUnlessData(edf('R06')) }, () => {
  const raw = Raw.fromRecording(readEdf(new Uint8Array(readFileSync(edf('R06'))), 'S001R06.edf'));
  const events = { mapping: { T1: 0, T2: 1 }, classNames: ['hands', 'feet'] };
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-insight-eeg-'));
  try {
    for (const model of ['csp-lda', 'shallow'] as const) {
      const t = trainDecoder(model, { raws: [raw] }, { ...events, ...(model === 'csp-lda' ? {} : { epochs: 1 }) });
      saveDecoder(join(dir, model), t.decoder);
      const r = insightFiltersCli(['--load', join(dir, model), '--top', '3', '--out', join(dir, 'runs')], () => {})!;
      const res = JSON.parse(readFileSync(join(r.runDir, 'results.json'), 'utf8'));
      assert.equal(res.kind, model === 'csp-lda' ? 'csp' : 'shallow');
      assert.deepEqual(res.chNames, golden.eegmmidb.standard_names);
      assert.equal(res.maps.length, model === 'csp-lda' ? t.decoder.csp!.nComponents : 3);
      if (model === 'csp-lda') assert.deepEqual(res.maps[0].values, t.decoder.csp!.patterns![0]);
      const html = readFileSync(join(r.runDir, 'report.html'), 'utf8');
      assert.equal((html.match(/<svg /g) ?? []).length, res.maps.length);
      assert.ok(existsSync(join(r.runDir, 'report.html')));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
