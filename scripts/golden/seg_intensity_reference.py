"""Reference for neuro/intensity's percentile normalisation (test/neuro/intensity.test.ts).

A small volume with a zero background, a skewed head and a few bright outliers; numpy's
percentiles (linear interpolation) of the voxels above 0 and the normalised volume
clip((v - p_low) / (p_high - p_low), 0, 1) in float32. Also the same on the VoxelMorph subject's
T1 (its p0.5 and p99 of the voxels above 0).

/usr/bin/python3 scripts/golden/seg_intensity_reference.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(16)
n = 3000
v = np.zeros(n, np.float32)
head = rng.random(n) < 0.6
v[head] = rng.gamma(4.0, 20.0, head.sum()).astype(np.float32)
v[rng.choice(n, 5, replace=False)] = 5000.0  # bright outliers that min-max scaling would follow
out = {'values': v.tolist(), 'cases': []}
for low, high in [(0.5, 99.0), (0.0, 100.0), (2.0, 98.0)]:
    nz = v[v > 0].astype(np.float64)
    lo, hi = np.percentile(nz, low), np.percentile(nz, high)
    norm = np.clip((v.astype(np.float64) - lo) / (hi - lo), 0, 1).astype(np.float32)
    out['cases'].append({'low': low, 'high': high, 'plow': lo, 'phigh': hi, 'normalised': norm.tolist()})

path = os.path.join(os.path.dirname(__file__), '../../../shared/data/mri/voxelmorph/test_scan.npz')
if os.path.exists(path):
    vol = np.load(path)['vol'].astype(np.float64)
    nz = vol[vol > 0]
    out['voxelmorph'] = {'plow': np.percentile(nz, 0.5), 'phigh': np.percentile(nz, 99.0)}

here = os.path.dirname(__file__)
with open(os.path.join(here, '../../test/golden/seg_intensity/seg_intensity.json'), 'w') as f:
    json.dump(out, f)
