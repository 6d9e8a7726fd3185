#!/usr/bin/python3
"""FastSurfer-style conform, recomputed with nibabel + scipy.ndimage.affine_transform.

Run with Debian's python3 (nibabel 5.0, scipy 1.10) from the repository root:

    /usr/bin/python3 scripts/golden/conform_reference.py [DATA_DIR]

FastSurfer is not packaged here; this follows its conform.py (FastSurfer/FastSurferCNN/data_loader/
conform.py): the target is a 256^3, 1 mm, LIA grid (MGH header with Mdc = LIA) with the input's
centre c_ras = affine @ (shape / 2); voxels are pulled with
affine_transform(data, inv(vox2vox), output_shape, order) where vox2vox = inv(out_affine) @ affine
(mode 'constant', cval 0); intensities of non-uint8 input are scaled to 0..255 with getscale
(histogram of 1000 bins of the input, f_low 0, f_high 0.999) and scalecrop, then np.rint -> uint8;
uint8 input is only rounded; label maps (order 0) keep their values. The inverse puts a conformed
volume back onto the input grid with order 0 (nearest).

Writes test/golden/conform/<case>.npz (np.savez_compressed) with: the conformed affine and
nibabel's axis codes for it; src_min and scale; `sub4` (the conformed output at every 4th voxel in
each axis), `f_sub8` (the interpolated values before scaling/rounding, every 8th voxel, float32);
`values`/`counts` (the full output's value histogram); `inv_sub2` and `inv_values`/`inv_counts`
(the inverse mapping on the input grid).
"""
import os
import sys

import nibabel as nib
import numpy as np
from scipy.ndimage import affine_transform

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data')))
OUT = os.path.join(ROOT, 'test', 'golden', 'conform')
os.makedirs(OUT, exist_ok=True)


def conformed_affine(affine, shape, size=256, vox=1.0):
    """nibabel MGHHeader.get_affine for dims `size`^3, zooms `vox`, Mdc LIA, Pxyz_c = affine @ (shape/2)."""
    c_ras = affine.dot(np.hstack((np.array(shape[:3]) / 2.0, [1])))[:3]
    h = nib.freesurfer.mghformat.MGHHeader()
    h.set_data_shape([size, size, size, 1])
    h.set_zooms([vox, vox, vox])
    h['Mdc'] = [[-1, 0, 0], [0, 0, -1], [0, 1, 0]]  # rows: x_ras, y_ras, z_ras of the i, j, k axes
    h['Pxyz_c'] = c_ras
    return h.get_affine()


def getscale(data, dst_min, dst_max, f_low=0.0, f_high=0.999):
    src_min = np.min(data)
    src_max = np.max(data)
    if src_min < 0.0:
        raise ValueError('min below 0')
    if f_low == 0.0 and f_high == 1.0:
        return src_min, 1.0
    nz = (np.abs(data) >= 1e-15).sum()
    voxnum = data.shape[0] * data.shape[1] * data.shape[2]
    histosize = 1000
    bin_size = (src_max - src_min) / histosize
    hist, bin_edges = np.histogram(data, histosize)
    cs = np.concatenate(([0], np.cumsum(hist)))
    nth = int(f_low * voxnum)
    idx = np.where(cs < nth)
    idx = idx[0][-1] + 1 if len(idx[0]) > 0 else 0
    src_min = idx * bin_size + src_min
    nth = voxnum - int((1.0 - f_high) * nz)
    idx = np.where(cs >= nth)
    idx = idx[0][0] - 2 if len(idx[0]) > 0 else 0
    src_max = idx * bin_size + src_min
    scale = 1.0 if src_min == src_max else (dst_max - dst_min) / (src_max - src_min)
    return float(src_min), float(scale)


def scalecrop(data, dst_min, dst_max, src_min, scale):
    return np.clip(dst_min + scale * (data - src_min), dst_min, dst_max)


def conform(data, affine, order, labels):
    out_aff = conformed_affine(affine, data.shape)
    vox2vox = np.linalg.inv(out_aff) @ affine
    mapped = affine_transform(data, np.linalg.inv(vox2vox), output_shape=(256, 256, 256), order=order)
    src_min, scale = 0.0, 1.0
    if labels:
        out = mapped
    else:
        if data.dtype != np.uint8:
            src_min, scale = getscale(data, 0, 255)
            scaled = scalecrop(mapped, 0, 255, src_min, scale)
        else:
            scaled = mapped
        out = np.uint8(np.rint(scaled))
    return out, mapped, out_aff, vox2vox, src_min, scale


def case(name, data, affine, order, labels):
    out, mapped, out_aff, vox2vox, src_min, scale = conform(data, affine, order, labels)
    back = affine_transform(out, vox2vox, output_shape=data.shape, order=0)
    v, c = np.unique(out, return_counts=True)
    iv, ic = np.unique(back, return_counts=True)
    np.savez_compressed(os.path.join(OUT, name + '.npz'),
                        affine=out_aff, axcodes=np.frombuffer(''.join(nib.aff2axcodes(out_aff)).encode(), np.uint8), src_min=np.float64(src_min), scale=np.float64(scale),
                        sub4=np.ascontiguousarray(out[::4, ::4, ::4]), f_sub8=mapped[::8, ::8, ::8].astype(np.float32),
                        values=v.astype(np.float64), counts=c.astype(np.int64),
                        inv_sub2=np.ascontiguousarray(back[::2, ::2, ::2]), inv_values=iv.astype(np.float64), inv_counts=ic.astype(np.int64))
    same = (back == data).mean() if labels else float('nan')
    print(name, data.shape, data.dtype, '->', out.dtype, ''.join(nib.aff2axcodes(out_aff)), 'src_min', src_min, 'scale', scale,
          'sum', float(out.sum()), 'inverse equals input on', same)


mni = nib.load(os.path.join(DATA, 'nifti/nilearn/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz'))
case('mni152_t1', np.asanyarray(mni.dataobj), mni.affine, 1, False)
anat = nib.load(os.path.join(DATA, 'nifti/nibabel/someones_anatomy.nii.gz'))
case('someones_anatomy', np.asanyarray(anat.dataobj), anat.affine, 1, False)
vm = np.load(os.path.join(DATA, 'mri/voxelmorph/test_scan.npz'))
# The VoxelMorph arrays carry no affine: 1 mm RAS, centred on the origin (the test uses the same).
vm_aff = np.array([[1.0, 0, 0, -80], [0, 1, 0, -96], [0, 0, 1, -112], [0, 0, 0, 1]])
case('voxelmorph_vol', vm['vol'], vm_aff, 1, False)
case('voxelmorph_seg', vm['seg'], vm_aff, 0, True)
