// A small `dendrite segment` run for the MRI page's tests: the central 96³ of brainchop's
// conformed T1 (so it is already on the 1 mm LIA grid and segment skips conforming), segmented by
// brainchop's model5_gw_ae (background, white and grey matter) in about a second, plus a
// reference segmentation with known Dice: the labels with every voxel of slices k < 16 set to 0.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { segmentCommand } from '../../src/cli/segment.js';
import { readNifti } from '../../src/io/nifti/index.js';
import { saveNifti } from '../../src/node/nifti.js';
import { dataPath } from '../helpers/data.js';

export const T1 = dataPath('mri/brainchop/t1_crop.nii.gz');
export const MODELS = dataPath('mri/brainchop/models');
const S = 96;
const CUT = 16;

export interface MriFixture {
  /** Run id `<root>/<run>` and folder. */
  id: string;
  dir: string;
  input: string;
  /** Dice per label (1, 2) of the labels against reference.nii.gz, counted here. */
  dice: Map<number, number>;
}

/** Crops the T1, segments it into `runs` (root label = its folder name), writes the reference. */
export async function makeSegmentRun(work: string, runs: string): Promise<MriFixture> {
  const img = readNifti(readFileSync(T1), T1, { data: 'raw' });
  const [nx, ny] = img.shape as [number, number, number];
  const o = img.shape.slice(0, 3).map((n) => Math.floor(n / 2 - S / 2));
  const d = new Uint8Array(S * S * S);
  const src = img.data as Uint8Array;
  for (let k = 0; k < S; k++) for (let j = 0; j < S; j++) for (let i = 0; i < S; i++) d[i + S * (j + S * k)] = src[o[0]! + i + nx * (o[1]! + j + ny * (o[2]! + k))]!;
  // the crop's origin moves to voxel o of the original grid
  const A = img.affine.map((r) => [...r]);
  for (let r = 0; r < 3; r++) A[r]![3] = img.affine[r]![0]! * o[0]! + img.affine[r]![1]! * o[1]! + img.affine[r]![2]! * o[2]! + img.affine[r]![3]!;
  const input = join(work, 't1_center.nii.gz');
  saveNifti(input, { shape: [S, S, S], data: d, affine: A });
  const r = await segmentCommand([input, '--model', 'model5_gw_ae', '--models-dir', MODELS, '--conform-size', String(S), '--out', runs], () => undefined);
  const ref = Uint8Array.from(r.labels);
  ref.fill(0, 0, CUT * S * S); // slices k < CUT: i fastest, k slowest
  saveNifti(join(r.dir, 'reference.nii.gz'), { shape: [S, S, S], data: ref, affine: A });
  const dice = new Map<number, number>();
  for (const l of [1, 2]) {
    let a = 0, b = 0, both = 0;
    for (let i = 0; i < ref.length; i++) {
      const p = r.labels[i] === l, q = ref[i] === l;
      a += +p; b += +q; both += +(p && q);
    }
    dice.set(l, (2 * both) / (a + b));
  }
  const name = readdirSync(runs).find((n) => join(runs, n) === r.dir)!;
  return { id: `${runs.split('/').pop()}/${name}`, dir: r.dir, input, dice };
}
