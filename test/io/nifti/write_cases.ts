// The images written by writeNifti for nibabel to read back (scripts/golden/nifti_write*.{mjs,py}).
import type { NiftiWriteImage, NiftiWriteOptions } from '../../../src/io/nifti/write.js';

export interface WriteCase {
  name: string;
  image(): NiftiWriteImage;
  opts: NiftiWriteOptions;
}

const fill = <T extends { length: number; [i: number]: number }>(a: T, f: (i: number) => number): T => {
  for (let i = 0; i < a.length; i++) a[i] = f(i);
  return a;
};
/** Rotation about x by a, then about z by b. */
const rot = (a: number, b: number): number[][] => {
  const ca = Math.cos(a), sa = Math.sin(a), cb = Math.cos(b), sb = Math.sin(b);
  const Rx = [[1, 0, 0], [0, ca, -sa], [0, sa, ca]], Rz = [[cb, -sb, 0], [sb, cb, 0], [0, 0, 1]];
  return Rz.map((r) => [0, 1, 2].map((j) => r[0]! * Rx[0]![j]! + r[1]! * Rx[1]![j]! + r[2]! * Rx[2]![j]!));
};
const affineOf = (R: number[][], zooms: number[], t: number[]): number[][] => [
  ...[0, 1, 2].map((i) => [R[i]![0]! * zooms[0]!, R[i]![1]! * zooms[1]!, R[i]![2]! * zooms[2]!, t[i]!]),
  [0, 0, 0, 1],
];
/** FreeSurfer's conformed LIA affine for a 256³ 1 mm volume centred on c_ras. */
export const LIA_AFFINE = [[-1, 0, 0, 128.5], [0, 0, 1, -110.25], [0, -1, 0, 140.75], [0, 0, 0, 1]];

export const WRITE_CASES: WriteCase[] = [
  { name: 'lia_uint8_labels.nii', image: () => ({ shape: [8, 7, 6], data: fill(new Uint8Array(336), (i) => (i * 7) % 19), affine: LIA_AFFINE }), opts: { intentCode: 1002, descrip: 'dendrite labels' } },
  { name: 'lia_uint8_labels.nii.gz', image: () => ({ shape: [8, 7, 6], data: fill(new Uint8Array(336), (i) => (i * 7) % 19), affine: LIA_AFFINE }), opts: { gzip: true } },
  {
    name: 'oblique_lefthanded_float32_4d.nii',
    image: () => ({ shape: [5, 4, 3, 2], data: fill(new Float32Array(120), (i) => Math.fround(Math.sin(i) * 100)), affine: affineOf(rot(0.3, -0.7), [0.9, 1.1, -2.5], [-10, 20.5, 3]), zooms: [0.9, 1.1, 2.5, 2.0] }),
    opts: { qformCode: 1, sformCode: 4 },
  },
  {
    name: 'sheared_int16_scaled.nii',
    image: () => ({ shape: [6, 5, 4], data: fill(new Int16Array(120), (i) => i * 97 - 5000), affine: [[2, 0.3, 0, -50], [0, 2, 0.2, -60], [0, 0, 3, -70], [0, 0, 0, 1]] }),
    opts: { sclSlope: 2.5, sclInter: -3 },
  },
  { name: 'noaffine_float64.nii', image: () => ({ shape: [3, 4, 5], data: fill(new Float64Array(60), (i) => i / 3 - 7) }), opts: {} },
  { name: 'cast_int32_from_float32.nii.gz', image: () => ({ shape: [4, 4, 4], data: fill(new Float32Array(64), (i) => (i % 5) * 1000 - 2000), affine: affineOf(rot(0, 0), [1, 1, 1], [0, 0, 0]) }), opts: { dtype: 'int32', gzip: true, level: 9 } },
  { name: 'uint16_2d.nii', image: () => ({ shape: [9, 3], data: fill(new Uint16Array(27), (i) => 65535 - i * 1000) }), opts: { qformCode: 0, sformCode: 0 } },
];
