// Tissue segmentation (background, CSF/other, GM, WM) trained and tested across subjects:
//   training: the MNI152 2009a template (labels: argmax of CSF/GM/WM from its probability maps
//     inside the brain) and SynthSeg-style synthetic images of the 5 SynthSeg label maps;
//   test: the VoxelMorph subject (a real T1 never seen in training), min-max scaled, full-volume
//     tiled inference (segmentVolume); per-class Dice and HD95 against its aseg mapped to the
//     same classes (neuro/tissue.ts).
//   node dist/bench/imaging_segment.js [--arch meshnet|unet3d] [--minutes M] [--channels C]
//     [--patch P] [--lr LR] [--seed N] [--out DIR] [--data DIR] [--init SAVED_DIR] [--steps PER_EPOCH]

import { parseArgs } from 'node:util';
import { readNifti } from '../src/io/nifti/nifti.js';
import { readNpz } from '../src/io/npz/npz.js';
import { readBytes } from '../src/node/fs.js';
import { saveSegmenter, loadSegmenter } from '../src/node/segmenter_io.js';
import { segmenterModels, type SegmenterHyper } from '../src/models/registry.js';
import { segmentVolume } from '../src/models/segment_volume.js';
import { asegToTissue, templateTissue, TISSUE_CLASSES } from '../src/neuro/tissue.js';
import { segmentationMetrics } from '../src/neuro/seg_metrics.js';
import { imageSource, minMax01, synthSource, trainSegmenter, type Shape3 } from '../src/decode/seg_train.js';

const { values } = parseArgs({ options: {
  arch: { type: 'string' }, minutes: { type: 'string' }, channels: { type: 'string' }, patch: { type: 'string' },
  lr: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, steps: { type: 'string' }, init: { type: 'string' },
} });
const root = values.data ?? process.env['DENDRITE_DATA'] ?? '../shared/data';
const arch = values.arch ?? 'meshnet';
const minutes = Number(values.minutes ?? 10);
const patch = Number(values.patch ?? 48);
const seed = Number(values.seed ?? 0);
const spec = segmenterModels.get(arch);
if (!spec) throw new Error(`unknown arch ${arch}`);
const hyper: SegmenterHyper = arch === 'meshnet'
  ? { channels: Number(values.channels ?? 8), dilations: [1, 2, 4, 8, 16, 8, 4, 2, 1], norm: 'batch' }
  : { baseChannels: Number(values.channels ?? 8), levels: 3 };

const nii = (p: string) => readNifti(readBytes(`${root}/${p}`), p);
let t0 = performance.now();
// the template: skull-stripped T1 and GM/WM probabilities ×255
const mT1 = nii('nifti/nilearn/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz');
const mGM = nii('nifti/nilearn/mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz');
const mWM = nii('nifti/nilearn/mni_icbm152_wm_tal_nlin_sym_09a_converted.nii.gz');
const mShape = mT1.shape.slice(0, 3) as Shape3;
const mLabels = templateTissue(mT1.data as ArrayLike<number>, mGM.data as ArrayLike<number>, mWM.data as ArrayLike<number>, 255);
const template = imageSource('MNI152 2009a template (tissue = argmax of CSF/GM/WM maps)', minMax01(mT1.data as ArrayLike<number>), mLabels, mShape, 4);
// SynthSeg label maps, cropped to their brain with a margin so synthesis stays cheap
const maps = [1, 2, 3, 4, 5].map((i) => {
  const im = nii(`mri/synthseg/training_seg_0${i}.nii.gz`);
  return cropToBrain(im.data as ArrayLike<number>, im.shape.slice(0, 3) as Shape3, patch);
});
const synth = synthSource('SynthSeg-style images of SynthSeg label maps training_seg_01..05', maps);
const tLoad = (performance.now() - t0) / 1000;

// --init DIR: continue training a saved segmenter (its arch and hyper-parameters)
const model = values.init ? loadSegmenter(values.init).model : spec.make(1, 4, hyper);
if (values.init) Object.assign(hyper, loadSegmenter(values.init).config.hyper);
console.error(`${arch} ${JSON.stringify(hyper)}: ${model.parameters().reduce((a, p) => a + p.numel, 0)} parameters; data ${tLoad.toFixed(1)} s; training ${minutes} min on ${patch}³ patches`);
const tr = trainSegmenter(model, [template, synth], {
  patch, minutes, seed, stepsPerEpoch: Number(values.steps ?? 20), lr: Number(values.lr ?? 3e-3), diceWeight: 1,
  onEpoch: (r) => console.error(`epoch ${r.epoch}: loss ${r.trainLoss.toFixed(4)} (${r.seconds.toFixed(1)} s)`),
});

// the unseen subject
const npz = readNpz(readBytes(`${root}/mri/voxelmorph/test_scan.npz`), 'test_scan.npz', { order: 'F' });
const vol = npz['vol']!, seg = npz['seg']!;
const shape = vol.shape as Shape3;
const truth = asegToTissue(seg.data as ArrayLike<number>);
t0 = performance.now();
const pred = segmentVolume(model, { data: vol.data as ArrayLike<number>, shape });
const tInfer = (performance.now() - t0) / 1000;
const metrics = segmentationMetrics(pred.labels, truth, shape, { labels: [1, 2, 3] });

const out = values.out ?? `runs/segmenter-${arch}`;
saveSegmenter(out, model, { arch, hyper, classes: [...TISSUE_CLASSES], normalisation: { method: 'minmax' }, trainedOn: [template.name, synth.name] });
const again = segmentVolume(loadSegmenter(out).model, { data: vol.data as ArrayLike<number>, shape });
const same = again.labels.every((v, i) => v === pred.labels[i]);

const last = tr.history.at(-1)!;
console.log(`${arch} ${JSON.stringify(hyper)}, ${values.init ? `continued from ${values.init}, ` : ''}trained ${(tr.seconds / 60).toFixed(1)} min (${tr.history.length} epochs, ${tr.patches} patches of ${patch}³, Adam, CE + Dice; final loss ${last.trainLoss.toFixed(4)})`);
console.log(`trained on: ${template.name}; ${synth.name}`);
console.log(`tested on: VoxelMorph test_scan (160x192x224, unseen subject), aseg mapped to tissue classes; inference ${tInfer.toFixed(1)} s (${pred.splits.join('x')} tiles)`);
console.log('| class | Dice | HD95 (mm) |');
console.log('|---|---|---|');
for (const m of metrics) console.log(`| ${TISSUE_CLASSES[m.label]} | ${m.dice.toFixed(3)} | ${m.hd95.toFixed(2)} |`);
console.log(`saved to ${out}; reloaded model gives identical labels: ${same}`);

function cropToBrain(data: ArrayLike<number>, s: Shape3, p: number): { labels: Int32Array; shape: Shape3 } {
  const lo = [Infinity, Infinity, Infinity], hi = [-1, -1, -1];
  const tissue = asegToTissue(data);
  for (let k = 0; k < s[2]; k++) for (let j = 0; j < s[1]; j++) for (let i = 0; i < s[0]; i++) {
    if (!tissue[i + s[0] * (j + s[1] * k)]) continue;
    const c = [i, j, k];
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, c[a]!);
      hi[a] = Math.max(hi[a]!, c[a]!);
    }
  }
  const a0 = [0, 1, 2].map((a) => Math.max(0, lo[a]! - 4));
  const sz = [0, 1, 2].map((a) => Math.min(s[a]!, Math.max(p, hi[a]! + 5 - a0[a]!)));
  for (let a = 0; a < 3; a++) a0[a] = Math.min(a0[a]!, s[a]! - sz[a]!);
  const out = new Int32Array(sz[0]! * sz[1]! * sz[2]!);
  let o = 0;
  for (let k = 0; k < sz[2]!; k++) for (let j = 0; j < sz[1]!; j++) for (let i = 0; i < sz[0]!; i++) out[o++] = data[a0[0]! + i + s[0] * (a0[1]! + j + s[1] * (a0[2]! + k))]!;
  return { labels: out, shape: sz as Shape3 };
}
