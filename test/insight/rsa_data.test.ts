// RSA on Kriegeskorte et al. 2008's 92-image RDMs, the heat-map PNG and the `insight rsa` command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzlibSync } from 'fflate';
import { readRdmStruct, readStimuli, compareRdms, meanRdm, noiseCeiling, squareRdm, rdmFromVector } from '../../src/insight/rsa/index.js';
import { heatmapPng, viridis } from '../../src/report/heatmap.js';
import { insightRsaCli, subjectRdms } from '../../src/cli/insight_rsa.js';
import { ArgumentError, FormatError, ShapeError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';
import { matFile } from '../helpers/mat_file.js';
import { save } from '../../src/node/checkpoint.js';
import { LeNet } from '../../src/models/lenet.js';
import { manualSeed } from '../../src/tensor/random.js';

const BRAIN = dataPath('insight/rsa92/92_brainRDMs.mat');
const MODELS = dataPath('insight/rsa92/92_modelRDMs.mat');
const SUPP = dataPath('insight/rsa92/Kriegeskorte_Neuron2008_supplementalData.mat');

test('rsa92: 8 session RDMs read in subject-major order; hIT vs monkey IT and animacy as the data README', (t) => {
  if (skipMissing(t, BRAIN, MODELS)) return;
  const sessions = readRdmStruct(readFileSync(BRAIN), '92_brainRDMs.mat');
  assert.equal(sessions.length, 8);
  assert.equal(sessions[1]!.name, 'hIT | KO | Session: 1');
  assert.deepEqual(sessions[5]!.subscript, [0, 1, 1]);
  const subjects = subjectRdms(sessions);
  assert.equal(subjects.length, 4);
  const hit = meanRdm(sessions.map((s) => s.rdm));
  const models = new Map(readRdmStruct(readFileSync(MODELS), '92_modelRDMs.mat').map((m) => [m.name, m.rdm]));
  // README section 7b: Spearman 0.44 with monkey IT, 0.59 with animacy
  assert.equal(compareRdms(hit, models.get('monkeyIT')!, 'spearman').toFixed(2), '0.44');
  assert.equal(compareRdms(hit, models.get('animacy')!, 'spearman').toFixed(2), '0.59');
  const nc = noiseCeiling(subjects.map((s) => s.rdm), 'spearman');
  assert.ok(nc.lower > 0.3 && nc.lower < nc.upper && nc.upper < 0.8, `noise ceiling ${nc.lower} ${nc.upper}`);
});

test('rsa92: stimuli read as 92 grey 28x28 images on the grey background', (t) => {
  if (skipMissing(t, SUPP)) return;
  const stim = readStimuli(readFileSync(SUPP), 'supp.mat');
  assert.equal(stim.length, 92);
  assert.equal(stim[0]!.grey.length, 784);
  // corner pixel: uniform background of value 128
  assert.ok(Math.abs(stim[0]!.grey[0]! - 128 / 255) < 1e-3, `corner ${stim[0]!.grey[0]}`);
});

test('heatmap: RGB PNG whose pixels are the rank-scaled viridis colours', () => {
  const r = rdmFromVector([1, 2, 3]);
  const png = heatmapPng(squareRdm(r), 3, { cell: 2 });
  assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]); // 'PNG'
  const dv = new DataView(png.buffer, png.byteOffset);
  assert.equal(dv.getUint32(16), 6);
  assert.equal(dv.getUint32(20), 6);
  assert.equal(png[25], 2); // truecolour
  const idatLen = dv.getUint32(33);
  const raw = unzlibSync(png.subarray(41, 41 + idatLen));
  assert.equal(raw.length, 6 * (1 + 18));
  const px = (y: number, x: number): number[] => [...raw.subarray(y * 19 + 1 + x * 3, y * 19 + 4 + x * 3)];
  // (0,1)=1 smallest → 0; (0,2)=2 → 0.5; (1,2)=3 → 1; diagonal at 0
  assert.deepEqual(px(0, 2), viridis(0));
  assert.deepEqual(px(0, 4), viridis(0.5));
  assert.deepEqual(px(2, 4), viridis(1));
  assert.deepEqual(px(4, 0), viridis(0.5));
  assert.throws(() => heatmapPng([1, 2, 3], 2), ShapeError);
  assert.throws(() => heatmapPng([0, NaN, NaN, 0], 2), ArgumentError);
});

test('insight rsa command: table, results.json and report.html on the 92-image RDMs', (t) => {
  if (skipMissing(t, BRAIN, MODELS)) return;
  const out = mkdtempSync(join(tmpdir(), 'rsa-'));
  try {
    const lines: string[] = [];
    const r = insightRsaCli(['--brain', BRAIN, '--models', MODELS, '--n-boot', '5', '--n-perm', '5', '--out', out], (s) => lines.push(s));
    assert.ok(lines.some((l) => /^noise ceiling: lower 0\.37\d\d, upper 0\.66\d\d/.test(l)), lines.join('\n'));
    const res = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8')) as { models: { name: string; value: number }[]; subjects: string[] };
    assert.equal(res.models.length, 8);
    assert.equal(res.subjects.length, 4);
    assert.equal(res.models.find((m) => m.name === 'animacy')!.value.toFixed(2), '0.59');
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    assert.equal((html.match(/data:image\/png;base64,/g) ?? []).length, 9);
    assert.ok(html.includes('<svg'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('insight rsa command: --weights gives one model per LeNet layer on the stimuli', (t) => {
  if (skipMissing(t, BRAIN, SUPP)) return;
  const out = mkdtempSync(join(tmpdir(), 'rsa-'));
  try {
    manualSeed(0);
    const w = join(out, 'lenet.safetensors');
    save(new LeNet().stateDict(), w);
    const r = insightRsaCli(['--brain', BRAIN, '--weights', w, '--stimuli', SUPP, '--method', 'tau_a', '--n-boot', '3', '--n-perm', '3', '--out', out], () => {});
    assert.deepEqual(r.comparison.models.map((m) => m.name), ['LeNet conv1', 'LeNet conv2', 'LeNet fc1', 'LeNet fc2', 'LeNet fc3']);
    for (const m of r.comparison.models) assert.ok(Math.abs(m.value) < 0.5 && Number.isFinite(m.se), `${m.name} ${m.value}`);
    assert.equal(r.comparison.method, 'tau_a');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('insight rsa command: typed errors for missing options and files without RDMs', () => {
  assert.throws(() => insightRsaCli([]), (e: unknown) => e instanceof ArgumentError && /--brain/.test(e.message));
  assert.throws(() => insightRsaCli(['--brain', 'x.mat']), (e: unknown) => e instanceof ArgumentError && /--models/.test(e.message));
  assert.throws(() => insightRsaCli(['--brain', 'x.mat', '--models', 'y.mat', '--method', 'kendall']), (e: unknown) => e instanceof ArgumentError && /kendall/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'rsa-'));
  try {
    const f = join(dir, 'plain.mat');
    writeFileSync(f, matFile({ X: { dims: [2, 2], colMajor: [0, 1, 1, 0] } }));
    assert.throws(() => insightRsaCli(['--brain', f, '--models', f]), (e: unknown) => e instanceof FormatError && /plain\.mat: no struct variable with an 'RDM' field \(variables: X \(double\)\)/.test(e.message));
    assert.ok(existsSync(f));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
