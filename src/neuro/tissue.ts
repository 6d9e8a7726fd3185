// Four tissue classes for brain segmentation, and how to get them from FreeSurfer aseg labels
// and from the MNI152 template's probability maps. One table serves the VoxelMorph subject's
// aseg and SynthSeg's training label maps alike.
//
//   0 background  0 and every non-brain label: extra-cerebral CSF 24 (SynthSeg's maps label the
//                 CSF around the brain 24; FreeSurfer's aseg leaves sulcal CSF 0, so it is
//                 background in both), and SynthSeg's extra-cerebral labels ≥ 100 (skull, scalp,
//                 eyes, ...; 502–530) except those below
//   1 CSF/other   ventricles 4, 5, 43, 44, 14, 15, 72; vessels 30, 62; choroid plexus 31, 63 and
//                 SynthSeg's 136, 137, 163, 164 (inside the lateral ventricles and their
//                 temporal horns, on the thalamus and hippocampus: choroid plexus); lesions 25,
//                 57; non-WM hypointensities 80, 81, 82; any other brain label below 100
//   2 grey matter cerebral cortex 3, 42; cerebellar cortex 8, 47; thalamus 9, 10, 48, 49;
//                 caudate 11, 50; putamen 12, 51; pallidum 13, 52; hippocampus 17, 53; amygdala
//                 18, 54; accumbens 26, 58
//   3 white matter cerebral WM 2, 41; cerebellar WM 7, 46; brain stem 16; ventral DC 28, 60;
//                 WM hypointensities 77, 78, 79; optic chiasm 85; corpus callosum 251–255
// (ventral DC and brain stem are mostly white matter, as FSL FAST and brainchop's GM/WM models
// label them.)

import { ArgumentError, ShapeError } from '../errors.js';

export const TISSUE_CLASSES = ['background', 'csf', 'gm', 'wm'] as const;
export const TISSUE_BACKGROUND = 0, TISSUE_CSF = 1, TISSUE_GM = 2, TISSUE_WM = 3;

const GM = [3, 42, 8, 47, 9, 10, 48, 49, 11, 50, 12, 51, 13, 52, 17, 53, 18, 54, 26, 58];
const WM = [2, 41, 7, 46, 16, 28, 60, 77, 78, 79, 85, 251, 252, 253, 254, 255];
const EXTRA_CEREBRAL_CSF = 24;
const CHOROID = [31, 63, 136, 137, 163, 164];

/** The tissue class of one FreeSurfer label. */
export function asegTissue(label: number): number {
  if (!Number.isInteger(label) || label < 0) throw new ArgumentError(`asegTissue: label ${label} is not a FreeSurfer label`);
  if (label === 0 || label === EXTRA_CEREBRAL_CSF) return TISSUE_BACKGROUND;
  if (GM.includes(label)) return TISSUE_GM;
  if (WM.includes(label)) return TISSUE_WM;
  if (CHOROID.includes(label)) return TISSUE_CSF;
  if (label >= 100) return TISSUE_BACKGROUND;
  return TISSUE_CSF;
}

// FreeSurfer LUT names of the labels above, without the Left-/Right- prefix (brainchop's models
// name their classes so: "Cerebral-White-Matter", "Cerebellum-Cortex", "VentralDC", ...)
const STRUCTURE_LABEL: Record<string, number> = {
  'unknown': 0, 'cerebral-white-matter': 2, 'cerebral-cortex': 3, 'lateral-ventricle': 4, 'inf-lat-vent': 5,
  'inferior-lateral-ventricle': 5, 'cerebellum-white-matter': 7, 'cerebellum-cortex': 8, 'thalamus': 10,
  'thalamus-proper': 10, 'caudate': 11, 'putamen': 12, 'pallidum': 13, '3rd-ventricle': 14, '4th-ventricle': 15,
  'brain-stem': 16, 'hippocampus': 17, 'amygdala': 18, 'csf': 24, 'accumbens-area': 26, 'ventraldc': 28,
  'vessel': 30, 'choroid-plexus': 31, '5th-ventricle': 72, 'wm-hypointensities': 77, 'non-wm-hypointensities': 80,
  'optic-chiasm': 85,
};

/**
 * The tissue class of a structure named as in FreeSurfer's colour table ("Left-Putamen",
 * "Cerebral-Cortex", "VentralDC"; case and a Left-/Right- prefix ignored), for networks that
 * label FreeSurfer structures by name, such as brainchop's.
 */
export function structureTissue(name: string): number {
  const key = name.trim().toLowerCase().replace(/^(left|right)-/, '');
  const label = Object.hasOwn(STRUCTURE_LABEL, key) ? STRUCTURE_LABEL[key] : undefined;
  if (label === undefined) throw new ArgumentError(`structureTissue: "${name}" is not a FreeSurfer structure this table knows (${Object.keys(STRUCTURE_LABEL).join(', ')})`);
  return asegTissue(label);
}

/** A label map of FreeSurfer labels → tissue classes (a lookup per distinct label). */
export function asegToTissue(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length);
  const memo = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let t = memo.get(l);
    if (t === undefined) memo.set(l, (t = asegTissue(l)));
    out[i] = t;
  }
  return out;
}

/**
 * Tissue labels of a skull-stripped template from its GM and WM probability maps (same grid,
 * any scale, `pmax` = probability 1): brain = T1 > `brainThreshold` × the T1's maximum; inside
 * it the argmax of (CSF = 1 − GM − WM, GM, WM); outside, background.
 */
export function templateTissue(t1: ArrayLike<number>, gm: ArrayLike<number>, wm: ArrayLike<number>, pmax: number, brainThreshold = 0.05): Uint8Array {
  if (gm.length !== t1.length || wm.length !== t1.length) throw new ShapeError(`templateTissue: T1 ${t1.length}, GM ${gm.length} and WM ${wm.length} voxels differ`);
  if (!(pmax > 0)) throw new ArgumentError(`templateTissue: pmax must be positive, got ${pmax}`);
  let tmax = 0;
  for (let i = 0; i < t1.length; i++) if (t1[i]! > tmax) tmax = t1[i]!;
  const out = new Uint8Array(t1.length);
  for (let i = 0; i < t1.length; i++) {
    if (!(t1[i]! > brainThreshold * tmax)) continue;
    const g = gm[i]! / pmax, w = wm[i]! / pmax, c = 1 - g - w;
    out[i] = w >= g && w >= c ? TISSUE_WM : g >= c ? TISSUE_GM : TISSUE_CSF;
  }
  return out;
}
