#!/usr/bin/python3
"""Dice and Hausdorff-95 on real label maps, by MedPy's definitions written out with scipy.

Run with Debian's python3 (scipy 1.10) from the repository root:

    /usr/bin/python3 scripts/golden/seg_metrics_reference.py [DATA_DIR]

MedPy is not packaged here; `surface_distances` is medpy.metric.binary.__surface_distances
(connectivity 1: border = mask ^ binary_erosion(mask, generate_binary_structure(3, 1)),
distance_transform_edt(~reference_border, sampling=spacing)[result_border]) and hd95 is
np.percentile(np.hstack((d(result, reference), d(reference, result))), 95). `hd95_monai` is the
larger of the two directed 95th percentiles (MONAI compute_hausdorff_distance, percentile=95).
Dice = 2|A & B| / (|A| + |B|).

Cases (SynthSeg training label maps, 256^3): seg_01 against itself shifted by (2, -1, 1) voxels
(zero fill), spacing 1 mm; seg_02 against a copy with every label eroded once where it touches
another label, with spacing (0.9, 1.2, 1.5) mm. Writes test/golden/seg_metrics/seg_metrics.json.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
from scipy.ndimage import binary_erosion, distance_transform_edt, generate_binary_structure, grey_erosion

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data')))
OUT = os.path.join(ROOT, 'test', 'golden', 'seg_metrics')
os.makedirs(OUT, exist_ok=True)
FOOT = generate_binary_structure(3, 1)


def crop(a, b):
    """The bounding box of a | b (as the TS side, a speed-up only: distances are the same)."""
    idx = np.nonzero(a | b)
    sl = tuple(slice(max(0, i.min() - 1), i.max() + 2) for i in idx)
    return a[sl], b[sl]


def surface_distances(result, reference, spacing):
    result_border = result ^ binary_erosion(result, structure=FOOT, iterations=1)
    reference_border = reference ^ binary_erosion(reference, structure=FOOT, iterations=1)
    dt = distance_transform_edt(~reference_border, sampling=spacing)
    return dt[result_border]


def metrics(pred, truth, spacing):
    out = []
    labels = sorted((set(np.unique(pred)) | set(np.unique(truth))) - {0})
    for lab in labels:
        a, b = pred == lab, truth == lab
        na, nb = int(a.sum()), int(b.sum())
        dice = 2.0 * int((a & b).sum()) / (na + nb)
        if na == 0 or nb == 0:
            out.append({'label': int(lab), 'dice': dice, 'hd95': None, 'hd95_monai': None, 'hd100': None})
            continue
        # cropping must not change the erosion at the volume's edge: only crop masks away from it
        touches = any(np.any(np.take(a | b, [0, -1], axis=ax)) for ax in range(3))
        ca, cb = (a, b) if touches else crop(a, b)
        d1 = surface_distances(ca, cb, spacing)
        d2 = surface_distances(cb, ca, spacing)
        both = np.hstack((d1, d2))
        out.append({'label': int(lab), 'dice': dice, 'hd95': float(np.percentile(both, 95)),
                    'hd95_monai': float(max(np.percentile(d1, 95), np.percentile(d2, 95))), 'hd100': float(both.max()),
                    'n_surface': [int(len(d1)), int(len(d2))]})
    return out


cases = {}
s1 = np.asanyarray(nib.load(os.path.join(DATA, 'mri/synthseg/training_seg_01.nii.gz')).dataobj).astype(np.int32)
shifted = np.zeros_like(s1)
shifted[2:, :-1, 1:] = s1[:-2, 1:, :-1]  # +2 along i, -1 along j, +1 along k
cases['seg01_shift'] = {'file': 'mri/synthseg/training_seg_01.nii.gz', 'shift': [2, -1, 1], 'spacing': [1.0, 1.0, 1.0], 'metrics': metrics(shifted, s1, (1.0, 1.0, 1.0))}
s2 = np.asanyarray(nib.load(os.path.join(DATA, 'mri/synthseg/training_seg_02.nii.gz')).dataobj).astype(np.int32)
# each voxel whose 6-neighbourhood holds a different label takes the smallest label there (grey erosion)
eroded = grey_erosion(s2, footprint=FOOT, mode='nearest')
sp = (0.9, 1.2, 1.5)
cases['seg02_eroded'] = {'file': 'mri/synthseg/training_seg_02.nii.gz', 'transform': 'grey_erosion(footprint=cross, mode=nearest)', 'spacing': list(sp), 'metrics': metrics(eroded, s2, sp)}
with open(os.path.join(OUT, 'seg_metrics.json'), 'w') as f:
    json.dump(cases, f, indent=1)
for k, v in cases.items():
    m = v['metrics']
    print(k, len(m), 'labels; mean dice', np.mean([x['dice'] for x in m]), 'hd95', [x['hd95'] for x in m[:6]])
