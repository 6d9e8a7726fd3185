// `dendrite segment` (the module; main.ts wires the command) on 64³ pieces of the brainchop T1
// with model5_gw_ae, conformed to a 64³ grid (--conform-size 64) so a run takes a fraction of a
// second: labels.nii.gz has the input's shape and affine and equals segmentVolume's labels on the
// conformed volume mapped back; report.html holds the overlaid slices as PNG; bad volumes and
// models fail with typed errors naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { segmentCommand, segmentCli, isConformed } from '../../src/cli/segment.js';
import { loadSegmenter } from '../../src/cli/segment_model.js';
import { ArgumentError, FormatError, ShapeError } from '../../src/errors.js';
import { readNifti } from '../../src/io/nifti/index.js';
import { conform, matmul4, unconform } from '../../src/neuro/conform.js';
import { segmentVolume } from '../../src/models/segment_volume.js';
import { normaliseIntensity } from '../../src/neuro/intensity.js';
import { refineTissue } from '../../src/neuro/tissue_em.js';
import { dilateMask } from '../../src/neuro/morphology.js';
import { manualSeed } from '../../src/tensor/random.js';
import { tensor } from '../../src/tensor/creation.js';
import { readTfjsLayersModel } from '../../src/node/tfjs.js';
import { saveNifti } from '../../src/node/nifti.js';
import { saveSegmenter } from '../../src/node/segmenter_io.js';
import { segmenterModels } from '../../src/models/registry.js';
import type { VolumeModel } from '../../src/models/segment_volume.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const t1Path = dataPath('mri', 'brainchop', 't1_crop.nii.gz');
const models = dataPath('mri', 'brainchop', 'models');
const N = 64, O = 96; // the crop: voxels [96, 160) of the 256³ conformed T1 on each axis

function crops(dir: string) {
  const img = readNifti(readFileSync(t1Path), t1Path, { data: 'raw' });
  const src = img.data as Uint8Array;
  const lia = new Uint8Array(N ** 3);
  for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) lia[i + N * (j + N * k)] = src[(O + i) + 256 * ((O + j) + 256 * (O + k))]!;
  const liaAffine = matmul4(img.affine, [[1, 0, 0, O], [0, 1, 0, O], [0, 0, 1, O], [0, 0, 0, 1]]);
  // the same brain stored RAS (x = 64 - i, y = k, z = 64 - j, so the grid's centre voxel is the
  // crop's and conform reorients it without interpolation): a scanner-space layout
  const P = [[-1, 0, 0, N], [0, 0, -1, N], [0, 1, 0, 0], [0, 0, 0, 1]]; // (x, y, z) -> (i, j, k)
  const ras = new Uint8Array(N ** 3);
  for (let z = 0; z < N; z++) for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) ras[x + N * (y + N * z)] = src[(O + N - x) + 256 * ((O + N - z) + 256 * (O + y))]!;
  const rasAffine = matmul4(liaAffine, P);
  const liaFile = join(dir, 'lia.nii.gz'), rasFile = join(dir, 'ras.nii');
  saveNifti(liaFile, { shape: [N, N, N], data: lia, affine: liaAffine });
  saveNifti(rasFile, { shape: [N, N, N], data: ras, affine: rasAffine });
  return { lia, liaAffine, ras, rasAffine, liaFile, rasFile };
}

const close = (a: number[][], b: number[][]) => a.every((r, i) => r.every((v, j) => Math.abs(v - b[i]![j]!) < 1e-4));

test('segment: labels.nii.gz on the input grid equal segmentVolume on the conformed volume, mapped back; report with PNG slices', async (t) => {
  if (skipMissing(t, t1Path, join(models, 'model5_gw_ae'))) return;
  const tmp = mkdtempSync(join(tmpdir(), 'segment-'));
  try {
    const c = crops(tmp);
    const model = readTfjsLayersModel(join(models, 'model5_gw_ae'));

    // already on the (64³) conformed grid: segmented as it is
    assert.ok(isConformed([N, N, N], c.liaAffine, c.lia, N));
    const lines: string[] = [];
    const a = await segmentCommand([c.liaFile, '--model', 'model5_gw_ae', '--models-dir', models, '--out', join(tmp, 'out'), '--conform-size', String(N)], (s) => lines.push(s));
    assert.equal(a.conformed, false);
    assert.match(lines.join('\n'), /already conformed/);
    const la = readNifti(readFileSync(join(a.dir, 'labels.nii.gz')), 'labels', { data: 'raw' });
    assert.deepEqual(la.shape, [N, N, N]);
    assert.equal(la.dtype, 'uint8');
    assert.ok(close(la.affine, c.liaAffine));
    const direct = segmentVolume(model, { data: c.lia, shape: [N, N, N] }).labels;
    assert.deepEqual(la.data, direct);
    const counts = [0, 0, 0];
    for (const l of direct) counts[l]!++;
    assert.ok(counts[1]! > 1000 && counts[2]! > 1000, `white and grey matter both found: ${counts}`);

    // scanner-space layout (RAS, int16): conformed first, labels back on its own grid
    // relative paths, as typed in a shell: results.json records them resolved
    const b = await segmentCommand([relative(process.cwd(), c.rasFile), '--model', relative(process.cwd(), join(models, 'model5_gw_ae')), '--out', join(tmp, 'out'), '--conform-size', String(N), '--threads', '2'], () => {});
    assert.equal(b.conformed, true);
    const lb = readNifti(readFileSync(join(b.dir, 'labels.nii.gz')), 'labels', { data: 'raw' });
    assert.deepEqual(lb.shape, [N, N, N]);
    assert.ok(close(lb.affine, c.rasAffine));
    const conf = conform({ shape: [N, N, N], data: c.ras, affine: c.rasAffine }, { size: N });
    // conformed onto the LIA crop's grid: its voxels, but for the face (i = 0 or j = 0) the RAS piece does not cover
    assert.ok(close(conf.affine, c.liaAffine));
    for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) {
      const v = i + N * (j + N * k);
      assert.equal(conf.data[v], i === 0 || j === 0 ? 0 : c.lia[v], `conformed voxel ${i} ${j} ${k}`);
    }
    const seg = segmentVolume(model, { data: conf.data, shape: conf.shape });
    const back = unconform({ shape: conf.shape, data: seg.labels, affine: conf.affine }, { shape: [N, N, N], affine: c.rasAffine });
    assert.deepEqual(lb.data, back.data);
    // back on the RAS grid by hand: (x, y, z) is conformed voxel (64 - x, 64 - z, y), outside it for x = 0 or z = 0
    for (let z = 0; z < N; z++) for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      assert.equal(lb.data[x + N * (y + N * z)], x === 0 || z === 0 ? 0 : seg.labels[(N - x) + N * ((N - z) + N * y)], `label at ${x} ${y} ${z}`);
    }
    const html = readFileSync(join(b.dir, 'report.html'), 'utf8');
    assert.equal((html.match(/<img [^>]*src="data:image\/png;base64,iVBORw0KGgo/g) ?? []).length, 9);
    for (const s of ['axial 32 (centre)', 'coronal 32 (centre)', 'sagittal 32 (centre)', 'White Matter', 'Grey Matter', 'volume (cm³)', 'segment</td>']) assert.ok(html.includes(s), s);
    const j = JSON.parse(readFileSync(join(b.dir, 'results.json'), 'utf8')) as { input: string; model: string; conformed: boolean; classes: { name: string; voxels: number; mm3: number }[] };
    assert.equal(j.conformed, true);
    assert.equal(j.input, resolve(c.rasFile));
    assert.equal(j.model, resolve(models, 'model5_gw_ae'));
    assert.deepEqual(j.classes.map((r) => r.name), ['background', 'White Matter', 'Grey Matter']);
    const want = [0, 0, 0];
    for (const l of back.data) want[l]!++;
    assert.deepEqual(j.classes.map((r) => r.voxels), want);
    assert.ok(Math.abs(j.classes[1]!.mm3 - want[1]!) < 1e-6); // 1 mm³ voxels
    // the run as the dashboard follows it: one line per stage, then done
    const stages = readFileSync(join(b.dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; stage: string; seconds: number });
    assert.deepEqual(stages.map((r) => r.stage), ['load model', 'read T1', 'conform', 'segment', 'labels to input space', 'write labels', 'report']);
    assert.deepEqual(stages.map((r) => r.step), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(stages.every((r) => r.seconds >= 0));
    assert.equal(JSON.parse(readFileSync(join(b.dir, 'status.json'), 'utf8')).status, 'done');
  } finally {
    rmSync(tmp, { recursive: true });
  }
});

test("segment: a saved segmenter's percentile normalisation is applied before the model", async (t) => {
  if (skipMissing(t, t1Path)) return;
  const tmp = mkdtempSync(join(tmpdir(), 'segment-'));
  try {
    const c = crops(tmp);
    // a one-layer MeshNet that labels each voxel by the nearest of the levels 0, 1/3, 2/3, 1 of its
    // scaled intensity, so that its labels show how the volume was scaled
    const hyper = { channels: 1, dilations: [1], norm: 'batch' };
    const net = segmenterModels.get('meshnet')!.make(1, 4, hyper);
    const sd = net.stateDict();
    const centre = new Float32Array(27);
    centre[13] = 1;
    const lv = [0, 1 / 3, 2 / 3, 1];
    net.loadStateDict({ ...sd, 'conv0.weight': tensor(centre, { shape: [1, 1, 3, 3, 3] }), 'conv0.bias': tensor([0]), 'classifier.weight': tensor(lv, { shape: [4, 1, 1, 1, 1] }), 'classifier.bias': tensor(lv.map((v) => -v * v / 2)) });
    net.eval();
    const meta = { arch: 'meshnet', hyper, classes: ['background', 'csf', 'gm', 'wm'] };
    const pct = { method: 'percentile' as const, low: 0.5, high: 99 };
    saveSegmenter(join(tmp, 'pct'), net as unknown as VolumeModel, { ...meta, normalisation: pct });
    saveSegmenter(join(tmp, 'mm'), net as unknown as VolumeModel, { ...meta, normalisation: { method: 'minmax' } });
    const run = async (m: string) => (await segmentCommand([c.liaFile, '--model', join(tmp, m), '--out', join(tmp, 'out'), '--conform-size', String(N)], () => {})).labels;
    const a = await run('pct'), b = await run('mm');
    const want = segmentVolume(net as unknown as VolumeModel, { data: normaliseIntensity(c.lia, pct), shape: [N, N, N] }).labels;
    assert.deepEqual(a, want);
    assert.deepEqual(b, segmentVolume(net as unknown as VolumeModel, { data: c.lia, shape: [N, N, N] }).labels);
    assert.notDeepEqual(a, b);
  } finally {
    rmSync(tmp, { recursive: true });
  }
});

test('segment: a saved U-Net runs in blocks; --refine em (or the config\'s refine) relabels by EM on the scan', async (t) => {
  if (skipMissing(t, t1Path, join(models, 'model5_gw_ae'))) return;
  const tmp = mkdtempSync(join(tmpdir(), 'segment-'));
  try {
    const c = crops(tmp);
    manualSeed(11);
    const hyper = { baseChannels: 4, levels: 2 };
    const net = segmenterModels.get('unet3d')!.make(1, 4, hyper);
    net.eval();
    const pct = { method: 'percentile' as const, low: 0.5, high: 99 };
    const meta = { arch: 'unet3d', hyper, classes: ['background', 'csf', 'gm', 'wm'], normalisation: pct };
    saveSegmenter(join(tmp, 'plain'), net, meta);
    saveSegmenter(join(tmp, 'em'), net, { ...meta, refine: { method: 'em', priorWeight: 0.5 } });
    const run = async (m: string, ...more: string[]) => segmentCommand([c.liaFile, '--model', join(tmp, m), '--out', join(tmp, 'out'), '--conform-size', String(N), ...more], () => {});
    const input = normaliseIntensity(c.lia, pct);
    const direct = segmentVolume(net, { data: input, shape: [N, N, N] }, { probabilities: true });
    assert.equal(direct.mode, 'blocks');
    const plain = await run('plain');
    assert.deepEqual(plain.labels, direct.labels);
    const settings = JSON.parse(readFileSync(join(plain.dir, 'results.json'), 'utf8')).settings as Record<string, string>;
    assert.match(settings['inference']!, /64³ blocks keeping their central 48³/);
    assert.equal(settings['refinement'], 'none');
    const em = await run('plain', '--refine', 'em');
    assert.deepEqual(em.labels, refineTissue(input, direct.probabilities!, [N, N, N]).labels);
    assert.notDeepEqual(em.labels, plain.labels);
    // the config's refine (α 0.5) applies without the flag, and --refine none turns it off
    const cfg = await run('em');
    assert.deepEqual(cfg.labels, refineTissue(input, direct.probabilities!, [N, N, N], { priorWeight: 0.5 }).labels);
    assert.match(JSON.parse(readFileSync(join(cfg.dir, 'results.json'), 'utf8')).settings['refinement'], /EM on this scan's intensities, prior\^0.5/);
    assert.deepEqual((await run('em', '--refine', 'none')).labels, plain.labels);
    await assert.rejects(run('plain', '--refine', 'fast'), (e: Error) => e instanceof ArgumentError && /--refine must be em or none, got 'fast'/.test(e.message));
    // --alpha overrides the config's prior weight, and needs EM
    const a25 = (await run('em', '--alpha', '0.25')).labels;
    assert.deepEqual(a25, refineTissue(input, direct.probabilities!, [N, N, N], { priorWeight: 0.25 }).labels);
    assert.notDeepEqual(a25, refineTissue(input, direct.probabilities!, [N, N, N], { priorWeight: 0.5 }).labels);
    await assert.rejects(run('plain', '--alpha', '0.5'), (e: Error) => e instanceof ArgumentError && /--alpha .* needs --refine em/.test(e.message));
    for (const bad of ['1.5', 'x', '']) await assert.rejects(run('plain', '--refine', 'em', '--alpha', bad), (e: Error) => e instanceof ArgumentError && e.message.includes('--alpha'));
    // --mirror averages the probabilities over the 8 mirror images before the argmax
    const mirrored = await run('plain', '--mirror');
    assert.deepEqual(mirrored.labels, segmentVolume(net, { data: input, shape: [N, N, N] }, { mirror: true }).labels);
    assert.notDeepEqual(mirrored.labels, plain.labels);
    // --brain-mask: the mask model's non-background voxels grown by 3 voxels; the head outside zeroed
    // before the model runs, and its labels there background
    const masker = readTfjsLayersModel(join(models, 'model5_gw_ae'));
    const brain = dilateMask(segmentVolume(masker, { data: c.lia, shape: [N, N, N] }).labels, [N, N, N], 3);
    const inBrain = brain.reduce((a, b) => a + b, 0);
    assert.ok(inBrain > 0 && inBrain < N ** 3, `the mask covers part of the volume (${inBrain} of ${N ** 3})`);
    const strippedIn = normaliseIntensity(Float32Array.from(c.lia, (v, i) => (brain[i] ? v : 0)), pct);
    const want = segmentVolume(net, { data: strippedIn, shape: [N, N, N] }).labels.map((l, i) => (brain[i] ? l : 0));
    const masked = await run('plain', '--brain-mask', join(models, 'model5_gw_ae'));
    assert.deepEqual(masked.labels, want);
    assert.notDeepEqual(masked.labels, plain.labels);
    assert.match(JSON.parse(readFileSync(join(masked.dir, 'results.json'), 'utf8')).settings['brain mask'], /grown by 3 voxels/);
    await assert.rejects(run('plain', '--brain-mask', 'no_such_model'), (e: Error) => e instanceof ArgumentError && /--brain-mask 'no_such_model' is neither a folder nor a model/.test(e.message));
    // a config with a bad refine record is a FormatError naming the field
    const bad = JSON.parse(readFileSync(join(tmp, 'em', 'config.json'), 'utf8'));
    bad.refine = { method: 'em', priorWeight: 3 };
    writeFileSync(join(tmp, 'em', 'config.json'), JSON.stringify(bad));
    await assert.rejects(run('em'), (e: Error) => e instanceof FormatError && /priorWeight/.test(e.message));
  } finally {
    rmSync(tmp, { recursive: true });
  }
});

test('segment: bad volumes, files and models are typed errors naming them', async (t) => {
  if (skipMissing(t, join(models, 'model5_gw_ae'))) return;
  const tmp = mkdtempSync(join(tmpdir(), 'segment-bad-'));
  const run = (file: string, ...more: string[]) => segmentCli([file, '--model', 'model5_gw_ae', '--models-dir', models, '--out', join(tmp, 'out'), ...more], () => {});
  try {
    const flat = join(tmp, 'flat.nii');
    saveNifti(flat, { shape: [8, 8], data: new Uint8Array(64) });
    await assert.rejects(run(flat), (e: Error) => e instanceof ShapeError && e.message.includes(flat) && /3-D/.test(e.message));
    const four = join(tmp, 'four.nii');
    saveNifti(four, { shape: [4, 4, 4, 2], data: new Uint8Array(128) });
    await assert.rejects(run(four), (e: Error) => e instanceof ShapeError && e.message.includes(four) && e.message.includes('[4, 4, 4, 2]'));
    const nan = join(tmp, 'nan.nii');
    const v = new Float32Array(64).fill(1);
    v[1 + 4 * (2 + 4 * 3)] = NaN;
    saveNifti(nan, { shape: [4, 4, 4], data: v });
    await assert.rejects(run(nan), (e: Error) => e instanceof ArgumentError && e.message.includes(nan) && e.message.includes('(1, 2, 3) is NaN'));
    const neg = join(tmp, 'neg.nii');
    saveNifti(neg, { shape: [4, 4, 4], data: new Int16Array(64).fill(-5) });
    await assert.rejects(run(neg, '--conform-size', '16'), (e: Error) => e instanceof ArgumentError && e.message.includes(neg) && /below 0/.test(e.message));
    const junk = join(tmp, 'junk.nii');
    writeFileSync(junk, 'not a nifti file at all');
    await assert.rejects(run(junk), (e: Error) => e instanceof FormatError && e.message.includes(junk));
    const absent = join(tmp, 'absent.nii.gz');
    await assert.rejects(run(absent), (e: Error) => e instanceof ArgumentError && e.message.includes(absent) && e.message.includes('ENOENT'));

    await assert.rejects(segmentCli([flat, '--model', 'nosuchmodel', '--models-dir', models], () => {}), (e: Error) => e instanceof ArgumentError && /nosuchmodel/.test(e.message) && /model18cls/.test(e.message));
    await assert.rejects(segmentCli([flat, '--models-dir', models], () => {}), (e: Error) => e instanceof ArgumentError && /--model is required/.test(e.message));
    await assert.rejects(segmentCli([flat, '--model', 'model5_gw_ae', '--threads', '0'], () => {}), (e: Error) => e instanceof ArgumentError && /--threads/.test(e.message));
    // a saved dendrite segmenter is recognised by its config.json (not mistaken for a TF.js model)
    // and loads with its class names; a config that is not one is a typed error
    const saved = join(tmp, 'saved');
    const hyper = { channels: 3, dilations: [1, 2, 1], norm: 'group' };
    const net = segmenterModels.get('meshnet')!.make(1, 4, hyper);
    net.eval();
    saveSegmenter(saved, net as unknown as VolumeModel, { arch: 'meshnet', hyper, classes: ['background', 'csf', 'gm', 'wm'], normalisation: { method: 'minmax' } });
    const s4 = loadSegmenter(saved, models);
    assert.equal(s4.format, 'dendrite-segmenter');
    assert.deepEqual(s4.classNames, ['background', 'csf', 'gm', 'wm']);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ format: 'dendrite-segmenter' }));
    assert.throws(() => loadSegmenter(bad, models), FormatError);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    assert.throws(() => loadSegmenter(empty, models), (e: Error) => e instanceof ArgumentError && e.message.includes(empty) && /model\.json/.test(e.message));
    const s18 = loadSegmenter('model18cls', models);
    assert.equal(s18.classNames?.length, 18);
    assert.equal(s18.classNames?.[14], 'Hippocampus');
    assert.deepEqual(s18.colors?.[2], [205, 62, 78]);
  } finally {
    rmSync(tmp, { recursive: true });
  }
});
