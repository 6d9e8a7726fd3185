// `dendrite segment <t1.nii[.gz]> --model M`: brain segmentation of a T1 in its own space. The T1
// is conformed (FastSurfer's 1 mm LIA uint8 grid; skipped when it is already on it), segmented in
// tiles, and the labels are put back on the input's grid (nearest neighbour). Writes
// <out>/<time>/labels.nii.gz (the input's shape and affine), report.html and results.json.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArgumentError, DendriteError, ShapeError } from '../errors.js';
import { readNifti, type NiftiImage } from '../io/nifti/index.js';
import { conform, conformedAffine, unconform, type Conformed, type VolumeData } from '../neuro/conform.js';
import { segmentVolume } from '../models/segment_volume.js';
import { normaliseIntensity, type IntensityNormalisation } from '../neuro/intensity.js';
import { checkRefinement, refineTissue, type TissueRefinement } from '../neuro/tissue_em.js';
import { setNumThreads, getNumThreads } from '../kernels/wasm/threads.js';
import { threadsReady } from '../kernels/registry.js';
import { saveNifti } from '../node/nifti.js';
import { writeFileAtomic } from '../node/fs.js';
import { defaultColors, overlayRgb, segmentationReportHtml, type Rgb, type SliceImage } from '../report/segmentation_report.js';
import { numberOption, parseCommandLine } from './args.js';
import { makeRunDir } from './out_dir.js';
import { RunLog } from '../node/run_log.js';
import { loadSegmenter } from './segment_model.js';
import { dilateMask } from '../neuro/morphology.js';

const op = 'segment';

/** Where brainchop's models are looked up by name: $DENDRITE_DATA (default ../shared/data)/mri/brainchop/models. */
export function defaultModelsDir(): string {
  return join(process.env['DENDRITE_DATA'] ?? '../shared/data', 'mri/brainchop/models');
}

export const SEGMENT_HELP = `usage: dendrite segment <t1.nii[.gz]> --model M [--models-dir DIR] [--refine em|none] [--alpha A|auto] [--mirror] [--brain-mask M] [--out DIR] [--threads N] [--conform-size N]

Segments a T1-weighted MRI volume with a 3-D network (brainchop's MeshNets imported from TF.js,
or a segmenter dendrite trained and saved, scaled as its config.json says).
The T1 is conformed as FastSurfer does (resliced to 1 mm isotropic 256³ in LIA orientation,
intensities scaled to uint8; skipped when it is already conformed), segmented with bounded
memory (in tiles; a model with GroupNorm, such as dendrite's 3-D U-Net, in 64³ blocks as it was
trained on patches), optionally refined on this scan's intensities (--refine em), and the labels
are mapped back onto the input's grid (nearest neighbour).

Writes <out>/<time>/labels.nii.gz (uint8 labels, the input's shape and affine), report.html
(T1 slices with the labels overlaid, legend, per-label volumes, timings, settings) and
results.json.

options:
  --model M          a model name in the models folder (model5_gw_ae: background / white / grey
                     matter; model18cls: 18 FreeSurfer structures) or the path of a model folder
                     (TF.js layers model: model.json and its weight shards; colormap.json, if
                     present, names and colours the classes; or a dendrite-segmenter folder:
                     config.json and model.safetensors)
  --models-dir DIR   where names are looked up (default $DENDRITE_DATA/mri/brainchop/models,
                     DENDRITE_DATA defaulting to ../shared/data)
  --refine em|none   em: fit one Gaussian mixture of intensity per class on this scan by EM,
                     with the network's probabilities as spatial priors (prior^α, α 1 unless
                     the config sets it or 'auto'),
                     and relabel each voxel by its posterior (SPM / FSL FAST style; voxels with
                     intensity 0 keep the network's label). Default: what the model's
                     config.json says ("refine"), else none
  --alpha A|auto     the prior's weight α in [0, 1] for --refine em, or auto: the α that gives
                     this scan's intensities the highest marginal likelihood (slower: EM per α)
  --mirror           test-time mirroring (as nnU-Net): average the network's probabilities over
                     the volume and its 7 mirror images along the three axes (8× the
                     inference time; for networks trained with random flips, as dendrite's are)
  --brain-mask M     skull-strip first with another model (a name or folder as for --model, e.g.
                     model18cls): its non-background voxels grown by 3 voxels are the brain;
                     intensities outside are set to 0 before --model runs and its labels there
                     are background (for full-head scans and a model trained on stripped brains)
  --out DIR          where <time>/ goes (default ./reports)
  --threads N        kernel threads (default: DENDRITE_NUM_THREADS or the cores, at most 8)
  --conform-size N   conformed grid size in voxels per axis (default 256; 1 mm voxels, so a
                     smaller grid covers a smaller field of view around the input's centre)
`;

export interface SegmentCliResult {
  dir: string;
  /** Labels on the input's grid (i fastest). */
  labels: Uint8Array;
  shape: [number, number, number];
  conformed: boolean;
}

/** Reads a T1 as a 3-D volume, its voxels in their stored type when they need no scaling. */
export function readT1(path: string): { img: NiftiImage; shape: [number, number, number]; data: VolumeData } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ArgumentError(`${op}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const img = readNifti(bytes, path, { data: 'raw' });
  if (img.components !== 1) throw new ShapeError(`${op}: ${path} holds ${img.dtype} voxels with ${img.components} components; a T1 has one value per voxel`);
  if (img.shape.length < 3 || img.shape.slice(3).some((d) => d !== 1)) {
    throw new ShapeError(`${op}: ${path} has shape [${img.shape.join(', ')}]; a T1 must be a 3-D volume`);
  }
  const shape = img.shape.slice(0, 3) as [number, number, number];
  const raw = img.data;
  let data: VolumeData;
  const plainInt = raw instanceof Uint8Array || raw instanceof Int8Array || raw instanceof Int16Array || raw instanceof Uint16Array || raw instanceof Int32Array || raw instanceof Uint32Array;
  if (plainInt && img.slope === 1 && img.inter === 0) data = raw;
  else if (raw instanceof Float32Array && img.slope === 1 && img.inter === 0) data = raw;
  else {
    // scaled or 64-bit voxels: their values, as nibabel's get_fdata gives them
    data = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) data[i] = Number(raw[i]!) * img.slope + img.inter;
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        const [nx, ny] = shape;
        throw new ArgumentError(`${op}: ${path}: voxel (${i % nx}, ${Math.floor(i / nx) % ny}, ${Math.floor(i / nx / ny)}) is ${data[i]}; a T1 must be finite`);
      }
    }
  }
  return { img, shape, data };
}

/** FastSurfer's is_conform: size³ grid, 1 mm LIA affine centred as conform centres it, uint8 voxels. */
export function isConformed(shape: readonly number[], affine: number[][], data: VolumeData, size = 256): boolean {
  if (!(data instanceof Uint8Array) || shape.some((d) => d !== size)) return false;
  const target = conformedAffine(affine, shape, size, 1);
  return target.every((r, i) => r.every((v, j) => Math.abs(v - affine[i]![j]!) < 1e-4));
}

/** Slices through the centre and at ±size/6 in each plane, displayed from the LIA grid:
 *  axial and coronal with the patient's right on the left, sagittal with anterior on the left. */
function slices(t1: Uint8Array, labels: Uint8Array, n: number, colors: readonly Rgb[]): SliceImage[] {
  const c = Math.floor(n / 2), d = Math.max(1, Math.round(n / 6));
  const at = (i: number, j: number, k: number) => i + n * (j + n * k);
  const out: SliceImage[] = [];
  const planes: [string, (s: number, r: number, col: number) => number][] = [
    // LIA: i -> left, j -> inferior, k -> anterior
    ['axial', (s, r, col) => at(col, s, n - 1 - r)],
    ['coronal', (s, r, col) => at(col, r, s)],
    ['sagittal', (s, r, col) => at(s, r, n - 1 - col)],
  ];
  for (const [name, idx] of planes) {
    for (const s of [c - d, c, c + d]) {
      if (s < 0 || s >= n) continue;
      const g = new Uint8Array(n * n), l = new Uint8Array(n * n);
      for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) {
        const v = idx(s, r, col);
        g[r * n + col] = t1[v]!;
        l[r * n + col] = labels[v]!;
      }
      out.push({ caption: `${name} ${s}${s === c ? ' (centre)' : ''}`, width: n, height: n, rgb: overlayRgb(g, l, colors) });
    }
  }
  return out;
}

function normalisationText(n: IntensityNormalisation): string {
  return n.method === 'minmax' ? 'min-max scaled to [0, 1]' : `scaled by the p${n.low}..p${n.high} of the voxels above 0 to [0, 1] (clipped)`;
}

function prefixed(e: unknown, path: string): unknown {
  if (!(e instanceof DendriteError) || e.message.includes(path)) return e;
  const C = e.constructor as new (m: string) => DendriteError;
  return new C(`${op}: ${path}: ${e.message}`);
}

/** Runs the command; returns where it wrote and the labels on the input's grid. */
export async function segmentCommand(argv: string[], log: (s: string) => void = console.log): Promise<SegmentCliResult> {
  const { values, positionals } = parseCommandLine(op, {
    args: argv, allowPositionals: true,
    options: {
      model: { type: 'string' }, 'models-dir': { type: 'string' }, out: { type: 'string' },
      threads: { type: 'string' }, 'conform-size': { type: 'string' }, refine: { type: 'string' }, alpha: { type: 'string' }, mirror: { type: 'boolean' }, 'brain-mask': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new ArgumentError(`${op}: expected one T1 file, got ${positionals.length} (${positionals.join(' ') || 'none'}); see dendrite segment --help`);
  const path = positionals[0]!;
  if (values.model === undefined) throw new ArgumentError(`${op}: --model is required (a brainchop model name such as model5_gw_ae or model18cls, or a model folder)`);
  const threads = numberOption(op, 'threads', values.threads, null, { integer: true, min: 1, max: 256 });
  const size = numberOption(op, 'conform-size', values['conform-size'], 256, { integer: true, min: 16, max: 512 });
  const modelsDir = values['models-dir'] ?? defaultModelsDir();
  if (values.refine !== undefined && values.refine !== 'em' && values.refine !== 'none') throw new ArgumentError(`${op}: --refine must be em or none, got '${values.refine}'`);
  const outRoot = values.out ?? 'reports';
  const timings: [string, number][] = [];
  let t = performance.now();
  let onLap: () => void = () => undefined;
  const lap = (name: string) => {
    const now = performance.now();
    timings.push([name, (now - t) / 1000]);
    t = now;
    onLap();
  };

  if (threads !== null) setNumThreads(threads);
  const seg = loadSegmenter(values.model, modelsDir);
  let refine: TissueRefinement = values.refine === 'none' ? { method: 'none' } : values.refine === 'em' ? (seg.refine.method === 'em' ? seg.refine : { method: 'em' }) : seg.refine;
  if (values.alpha !== undefined) {
    if (refine.method !== 'em') throw new ArgumentError(`${op}: --alpha sets the EM refinement's prior weight; it needs --refine em (or a model whose config refines by EM)`);
    const a = values.alpha === 'auto' ? 'auto' : values.alpha.trim() === '' ? NaN : Number(values.alpha);
    refine = checkRefinement({ ...refine, priorWeight: a }, `${op}: --alpha ${values.alpha}`);
  }
  const maskSeg = values['brain-mask'] === undefined ? null : loadSegmenter(values['brain-mask'], modelsDir, '--brain-mask');
  lap('load model');
  const { img, shape, data } = readT1(path);
  lap('read T1');
  const dir = makeRunDir(op, outRoot);
  // the run is watchable from here: status running, one line per finished stage, done or failed
  const run = new RunLog(dir, op, { input: path, model: values.model, conformSize: size, threads, refine: refine.method, mirror: values.mirror === true, brainMask: values['brain-mask'] ?? null }, values.model);
  let logged = 0;
  const stage = () => {
    for (; logged < timings.length; logged++) run.metric({ step: logged + 1, split: 'stage', stage: timings[logged]![0], seconds: timings[logged]![1] });
  };
  stage();
  onLap = stage;
  try {
    const skip = isConformed(shape, img.affine, data, size);
    let conf: Conformed;
    try {
      conf = skip ? { shape, data, affine: img.affine, vox2vox: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], srcMin: 0, scale: 1 } : conform({ shape, data, affine: img.affine }, { size });
    } catch (e) {
      throw prefixed(e, path);
    }
    lap(skip ? 'conform (skipped: already conformed)' : 'conform');
    const classes = seg.model.outChannels;
    const workers = await threadsReady();
    log(`${path}: ${shape.join('×')} ${img.dtype}, ${skip ? 'already conformed' : `conformed to ${size}³ 1 mm LIA`}; model ${seg.dir} (${seg.format}, ${classes} classes), ${getNumThreads()} threads (${workers} taking tasks)`);
    // --brain-mask: another model's non-background voxels, grown by a rim of 3 voxels (as a skull
    // strip keeps CSF around the brain), are the brain; the rest of the head is zeroed
    let brain: Uint8Array | null = null;
    if (maskSeg !== null) {
      const mIn = maskSeg.normalisation.method === 'minmax' ? conf.data : normaliseIntensity(conf.data, maskSeg.normalisation);
      brain = dilateMask(segmentVolume(maskSeg.model, { data: mIn, shape: conf.shape }).labels, conf.shape, 3);
      lap('brain mask');
    }
    const head = brain === null ? conf.data : Float32Array.from(conf.data, (v, i) => (brain![i] ? v : 0));
    // a percentile-normalised volume is exactly [0, 1] with both ends reached, so segmentVolume's own
    // min-max scaling leaves it as it is
    const input = seg.normalisation.method === 'minmax' ? head : normaliseIntensity(head, seg.normalisation);
    const nVox = conf.shape[0] * conf.shape[1] * conf.shape[2];
    // probabilities and the EM's (or the mirror passes') work arrays take ~ classes × voxels × 12 bytes
    const heavy = refine.method === 'em' ? '--refine em' : values.mirror ? '--mirror' : null;
    if (heavy !== null && classes * nVox > 2 ** 28) throw new ArgumentError(`${op}: ${heavy} over ${classes} classes × ${nVox} voxels needs more than 3 GiB; use ${heavy === '--mirror' ? 'no --mirror' : '--refine none'} or a smaller --conform-size`);
    const r = segmentVolume(seg.model, { data: input, shape: conf.shape }, { ...(refine.method === 'em' ? { probabilities: true } : {}), ...(values.mirror ? { mirror: true } : {}) });
    lap('segment');
    let confLabels = r.labels;
    let refined: ReturnType<typeof refineTissue> | null = null;
    if (refine.method === 'em') {
      const { method: _m, ...emOpts } = refine;
      refined = refineTissue(input, r.probabilities!, conf.shape, emOpts);
      confLabels = refined.labels;
      let changed = 0;
      for (let i = 0; i < nVox; i++) if (confLabels[i] !== r.labels[i]) changed++;
      log(`refined by EM over ${refined.regionVoxels} voxels: ${changed} labels changed`);
      lap('refine (EM)');
    }
    if (brain !== null) confLabels = confLabels.map((l, i) => (brain![i] ? l : 0));
    const labels = skip ? confLabels : unconform({ shape: conf.shape, data: confLabels, affine: conf.affine }, { shape, affine: img.affine }).data;
    if (!skip) lap('labels to input space');

    const h = img.header;
    saveNifti(join(dir, 'labels.nii.gz'), { shape: [...shape], data: labels, affine: img.affine }, {
      qformCode: h.qform_code, sformCode: h.sform_code, intentCode: 1002, descrip: `dendrite segment ${seg.format}`.slice(0, 79),
    });
    lap('write labels');

    const a = img.affine;
    const voxMm3 = Math.abs(a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) - a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) + a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!));
    const counts = new Array<number>(classes).fill(0);
    for (const l of labels) counts[l]!++;
    const colors = seg.colors ?? defaultColors(classes);
    const names = seg.classNames ?? Array.from({ length: classes }, (_, k) => (k === 0 ? 'background' : `label ${k}`));
    const rows = counts.map((v, k) => ({ label: k, name: names[k]!, color: colors[k]!, voxels: v, mm3: v * voxMm3 }));
    for (const row of rows) log(`  ${String(row.label).padStart(2)} ${row.name.padEnd(28)} ${String(row.voxels).padStart(9)} voxels ${(row.mm3 / 1000).toFixed(2).padStart(9)} cm³`);
    const settings: [string, string][] = [
      ['input', path], ['input grid', `${shape.join('×')} ${img.dtype}, voxel ${voxMm3.toPrecision(4)} mm³, affine from ${img.affineSource}`],
      ['conform', skip ? 'skipped (already 1 mm LIA uint8 on the conformed grid)' : `FastSurfer-style to ${size}³ 1 mm LIA uint8 (trilinear; intensity ${conf.srcMin.toPrecision(4)} + x / ${conf.scale.toPrecision(4)})`],
      ['model', `${seg.dir} (${seg.format}, ${classes} classes, ${seg.model.parameters().reduce((s, p) => s + p.numel, 0)} parameters)`],
      ['inference', `${normalisationText(seg.normalisation)}, ${r.mode === 'blocks' ? `${r.blocks!.block}³ blocks keeping their central ${r.blocks!.core}³ (${r.blocks!.run} run, ${r.blocks!.skipped} without signal skipped)` : `tiles ${r.splits.join('×')} (${r.voxelsComputed} voxels computed)`}, ${getNumThreads()} threads`],
      ['brain mask', brain === null ? 'none' : `${values['brain-mask']}: its non-background voxels grown by 3 voxels (${brain.reduce((a, b) => a + b, 0)} voxels); zero intensity and background label outside`],
      ['refinement', refined ? `EM on this scan's intensities, prior^${refined.priorWeight.toPrecision(2)}${refine.method === 'em' && refine.priorWeight === 'auto' ? ' (chosen by marginal likelihood)' : ''} × likelihood over ${refined.regionVoxels} voxels; fitted (mean ± sd) ${refined.classes.map((c, k) => `${names[k]}: ${c.map((g) => `${g.mean.toPrecision(3)} ± ${g.std.toPrecision(2)}`).join(', ') || '—'}`).join('; ')}` : 'none'],
      ['labels to input', skip ? 'none (same grid)' : 'nearest neighbour; 0 outside the conformed field of view'],
    ];
    const report = {
      title: `dendrite segment: ${path}`,
      settings, timings,
      slices: slices(conf.data as Uint8Array, confLabels, size, colors),
      classes: rows,
      notes: [`Slices are drawn from the conformed ${size}³ grid the model saw (axial and coronal with the patient's right on the left, sagittal with anterior on the left); labels.nii.gz is on the input's grid.`],
    };
    writeFileAtomic(join(dir, 'report.html'), segmentationReportHtml(report));
    lap('report');
    writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify({
      // absolute, so that readers (dendrite serve) do not depend on the folder this ran in
      input: resolve(path), shape, affine: img.affine, conformed: !skip, conformSize: size, model: resolve(seg.dir), format: seg.format, refine,
      ...(refined ? { refinedClasses: refined.classes } : {}),
      classes: rows.map(({ label, name, voxels, mm3 }) => ({ label, name, voxels, mm3 })),
      timings: Object.fromEntries(timings), settings: Object.fromEntries(settings),
    }, null, 2)}\n`);
    log(`segmented in ${timings.find(([k]) => k === 'segment')![1].toFixed(1)} s; wrote ${join(dir, 'labels.nii.gz')}, report.html, results.json`);
    run.done();
    return { dir, labels, shape, conformed: !skip };
  } catch (e) {
    run.fail(e);
    throw e;
  }
}

/** `dendrite segment ...`: exit status 0 once everything is written (errors are thrown, typed). */
export async function segmentCli(argv: string[], log: (s: string) => void = console.log): Promise<number> {
  await segmentCommand(argv, log);
  return 0;
}
