#!/usr/bin/python3
"""nibabel reads back the NIfTI-1 files dendrite's writeNifti wrote, and derives the header it would
itself write for the same affines.

Run from the repository root after scripts/golden/nifti_write_fixtures.mjs:

    /usr/bin/python3 scripts/golden/nifti_write.py

Writes test/golden/nifti_write/nibabel.json: per file what `nib.load` gives (shape, dtype on disk,
affine, qform and sform with their codes, zooms, scl_slope/inter, vox_offset, sha256 and sum of
`get_fdata()` in Fortran order), plus the quatern_b/c/d, qoffset, pixdim that nibabel's own
`set_qform(affine)` computes from the file's sform (so the test checks dendrite's qform against
nibabel's, not against itself).
"""
import hashlib
import json
import os

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIR = os.path.join(ROOT, 'test', 'golden', 'nifti_write')
out = {'nibabel': nib.__version__, 'files': {}}
for name in sorted(os.listdir(DIR)):
    if not (name.endswith('.nii') or name.endswith('.nii.gz')):
        continue
    img = nib.load(os.path.join(DIR, name))
    h = img.header
    data = img.get_fdata(dtype=np.float64)
    raw = np.asanyarray(img.dataobj.get_unscaled()) if hasattr(img.dataobj, 'get_unscaled') else np.asanyarray(img.dataobj)
    sform, scode = h.get_sform(), int(h['sform_code'])
    qform, qcode = h.get_qform(), int(h['qform_code'])
    ref = nib.Nifti1Header()
    ref.set_data_shape(img.shape)
    ref.set_qform(sform if scode else img.affine, code=1)
    entry = {
        'shape': list(img.shape), 'dtype': str(h.get_data_dtype()), 'affine': img.affine.tolist(),
        'qform': qform.tolist(), 'qform_code': int(qcode), 'sform': sform.tolist(), 'sform_code': int(scode),
        'zooms': [float(z) for z in h.get_zooms()], 'slope': float(img.dataobj.slope), 'inter': float(img.dataobj.inter), 'vox_offset': float(img.dataobj.offset), 'intent_code': int(h['intent_code']),
        'descrip': h['descrip'].tobytes().rstrip(b'\0').decode(), 'xyzt_units': int(h['xyzt_units']),
        'sum': float(data.sum()), 'sha256_raw_F': hashlib.sha256(np.asfortranarray(raw).tobytes(order='F')).hexdigest(),
        'first': [float(v) for v in data.ravel(order='F')[:6]],
        'nibabel_set_qform': {k: float(ref[k]) for k in ['quatern_b', 'quatern_c', 'quatern_d', 'qoffset_x', 'qoffset_y', 'qoffset_z']},
        'nibabel_pixdim': [float(v) for v in ref['pixdim'][:4]],
        'file_quatern': [float(h[k]) for k in ['quatern_b', 'quatern_c', 'quatern_d']], 'file_pixdim': [float(v) for v in h['pixdim'][:4]],
    }
    out['files'][name] = entry
with open(os.path.join(DIR, 'nibabel.json'), 'w') as f:
    json.dump(out, f, indent=1)
print('nibabel read', len(out['files']), 'files')
for k, v in out['files'].items():
    print(k, v['shape'], v['dtype'], 'file q', np.round(v['file_quatern'], 7), 'nib q', np.round([v['nibabel_set_qform'][k] for k in ['quatern_b', 'quatern_c', 'quatern_d']], 7), v['file_pixdim'], v['nibabel_pixdim'])
