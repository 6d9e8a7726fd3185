#!/usr/bin/python3
"""nibabel's reading of real NIfTI files with one or a few header fields changed.

Run with Debian's python3 (python3-nibabel 5.0) from the repository root:

    /usr/bin/python3 scripts/golden/nifti_headers.py [DATA_DIR]

DATA_DIR defaults to $DENDRITE_DATA or ../shared/data. Writes test/golden/nifti/headers.json: per
case the base file (relative to DATA_DIR), the changes (header byte offset, type, value; written
in the file's own byte order into the *uncompressed* bytes) and what nibabel makes of the result:
either the exception it raises, or the shape, affine, zooms and voxel statistics of
`nib.Nifti1Image/Nifti2Image.from_bytes(...)` (the same path as `nib.load` on a .nii file).

nibabel checks a header on load (`check_fix`, error level 40): it refuses a bad magic and a
single-file `vox_offset` below the header size, and silently fixes what it can: negative
pixdim[1..3] -> their absolute values, zero pixdim[1..3] -> 1, qfac (pixdim[0]) other than
+-1 -> 1, an unknown qform_code/sform_code -> 0. A `dim[1..3] = (-1, 1, 1)` NIfTI-1 header is
FreeSurfer's long-vector convention (length in `glmin`).
"""
import gzip
import json
import os
import struct
import sys

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data')))
OUT = os.path.join(ROOT, 'test', 'golden', 'nifti', 'headers.json')

FMT = {'i16': 'h', 'i32': 'i', 'i64': 'q', 'f32': 'f', 'f64': 'd', 'u8': 'B'}

# NIfTI-1 / NIfTI-2 offsets of the fields changed below.
N1 = {'dim': (40, 'i16', 2), 'pixdim': (76, 'f32', 4), 'vox_offset': (108, 'f32', 0), 'glmin': (144, 'i32', 0),
      'qform_code': (252, 'i16', 0), 'sform_code': (254, 'i16', 0), 'magic': (344, 'u8', 1)}
N2 = {'dim': (16, 'i64', 8), 'pixdim': (104, 'f64', 8), 'vox_offset': (168, 'i64', 0),
      'qform_code': (344, 'i32', 0), 'sform_code': (348, 'i32', 0), 'magic': (4, 'u8', 1)}


def ch(version, field, value, index=0):
    off, typ, step = (N1 if version == 1 else N2)[field]
    return {'field': f'{field}[{index}]' if step and field != 'magic' else field, 'at': off + index * step, 'type': typ, 'value': value}


def magic(version, text):
    off = N1['magic'][0] if version == 1 else N2['magic'][0]
    return [{'field': f'magic[{i}]', 'at': off + i, 'type': 'u8', 'value': b} for i, b in enumerate(text)]


ANAT = 'nifti/nibabel/anatomical.nii'      # NIfTI-1, big-endian int16, 33x41x25, sform 2 / qform 2
FUNC = 'nifti/nibabel/functional.nii'      # NIfTI-1, little-endian int16, 17x21x3x20
NII2 = 'nifti/nibabel/example_nifti2.nii.gz'  # NIfTI-2, little-endian int16, 32x20x12x2, sform 1 / qform 1
SOME = 'nifti/nibabel/someones_anatomy.nii.gz'  # NIfTI-1, little-endian uint8, 57x67x56 (213 864 voxels)

CASES = [
    # negative / zero / odd pixdim, read through each affine source
    ('neg pixdim[1], sform used', ANAT, [ch(1, 'pixdim', -2.0, 1)]),
    ('neg pixdim[1], qform used', ANAT, [ch(1, 'pixdim', -2.0, 1), ch(1, 'sform_code', 0)]),
    ('neg pixdim[2], fallback affine', ANAT, [ch(1, 'pixdim', -2.0, 2), ch(1, 'sform_code', 0), ch(1, 'qform_code', 0)]),
    ('neg pixdim[3], qform used', FUNC, [ch(1, 'pixdim', -8.0, 3), ch(1, 'sform_code', 0)]),
    ('neg pixdim[4] (time) kept', FUNC, [ch(1, 'pixdim', -2.0, 4)]),
    ('zero pixdim[2], qform used', ANAT, [ch(1, 'pixdim', 0.0, 2), ch(1, 'sform_code', 0)]),
    ('qfac 0, qform used', ANAT, [ch(1, 'pixdim', 0.0, 0), ch(1, 'sform_code', 0)]),
    ('qfac 3, qform used', FUNC, [ch(1, 'pixdim', 3.0, 0), ch(1, 'sform_code', 0)]),
    # vox_offset
    ('vox_offset 10', ANAT, [ch(1, 'vox_offset', 10.0)]),
    ('vox_offset 0 in n+1', FUNC, [ch(1, 'vox_offset', 0.0)]),
    ('vox_offset 348 in n+1', FUNC, [ch(1, 'vox_offset', 348.0)]),
    ('vox_offset 360 (not a multiple of 16) reads from 360', FUNC, [ch(1, 'vox_offset', 360.0)]),
    # invalid transform codes are ignored
    ('sform_code -1', ANAT, [ch(1, 'sform_code', -1)]),
    ('sform_code 6', ANAT, [ch(1, 'sform_code', 6)]),
    ('sform_code 5 (template) is valid', ANAT, [ch(1, 'sform_code', 5)]),
    ('qform_code -1, no sform', ANAT, [ch(1, 'qform_code', -1), ch(1, 'sform_code', 0)]),
    ('qform_code 7, sform -1', FUNC, [ch(1, 'qform_code', 7), ch(1, 'sform_code', -1)]),
    # accepted by nibabel
    ('magic ni1 in a single .nii', ANAT, magic(1, b'ni1\0')),
    ('magic ni1 with vox_offset 0 in a single .nii', FUNC, magic(1, b'ni1\0') + [ch(1, 'vox_offset', 0.0)]),
    ('dim[0] 0', ANAT, [ch(1, 'dim', 0, 0)]),
    ('FreeSurfer dim[1] -1 (length in glmin)', ANAT,
     [ch(1, 'dim', -1, 1), ch(1, 'dim', 1, 2), ch(1, 'dim', 1, 3), ch(1, 'glmin', 33 * 41 * 25)]),
    ('FreeSurfer dim[1] -1, 4-D', FUNC,
     [ch(1, 'dim', -1, 1), ch(1, 'dim', 1, 2), ch(1, 'dim', 1, 3), ch(1, 'glmin', 17 * 21 * 3)]),
    ('FreeSurfer dim[1] -1 with glmin 0', ANAT, [ch(1, 'dim', -1, 1), ch(1, 'dim', 1, 2), ch(1, 'dim', 1, 3), ch(1, 'glmin', 0)]),
    ('dim[1] -1 without the FreeSurfer (-1, 1, 1) pattern', ANAT, [ch(1, 'dim', -1, 1)]),
    ('FreeSurfer ico7 dims (27307, 1, 6) read as 163842 voxels', SOME, [ch(1, 'dim', 27307, 1), ch(1, 'dim', 1, 2), ch(1, 'dim', 6, 3)]),
    # refused
    ('magic xyz', ANAT, magic(1, b'xyz\0')),
    ('dim[0] 8', ANAT, [ch(1, 'dim', 8, 0)]),
    ('dim[0] -1', ANAT, [ch(1, 'dim', -1, 0)]),
    # NIfTI-2
    ('NIfTI-2 neg pixdim[1], sform used', NII2, [ch(2, 'pixdim', -2.0, 1)]),
    ('NIfTI-2 neg pixdim[1], qform used', NII2, [ch(2, 'pixdim', -2.0, 1), ch(2, 'sform_code', 0)]),
    ('NIfTI-2 sform_code 6', NII2, [ch(2, 'sform_code', 6)]),
    ('NIfTI-2 qform_code -1, sform -1', NII2, [ch(2, 'qform_code', -1), ch(2, 'sform_code', -1)]),
    ('NIfTI-2 vox_offset 10', NII2, [ch(2, 'vox_offset', 10)]),
    ('NIfTI-2 magic ni2 in a single .nii', NII2, magic(2, b'ni2\0')),
    ('NIfTI-2 dim[0] 0', NII2, [ch(2, 'dim', 0, 0)]),
]


def fnum(x):
    x = float(x)
    if np.isnan(x):
        return 'NaN'
    if np.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def mutate(raw, changes, endian):
    b = bytearray(raw)
    for c in changes:
        struct.pack_into(endian + FMT[c['type']], b, c['at'], c['value'])
    return bytes(b)


def main():
    out = []
    for name, rel, changes in CASES:
        raw = open(os.path.join(DATA, rel), 'rb').read()
        if rel.endswith('.gz'):
            raw = gzip.decompress(raw)
        version = 2 if struct.unpack('<i', raw[:4])[0] in (540, 0x1c020000) else 1
        endian = '<' if struct.unpack('<i', raw[:4])[0] in (348, 540) else '>'
        b = mutate(raw, changes, endian)
        klass = nib.Nifti1Image if version == 1 else nib.Nifti2Image
        case = {'name': name, 'file': rel, 'version': version, 'little_endian': endian == '<', 'changes': changes}
        try:
            img = klass.from_bytes(b)
            data = np.asarray(img.get_fdata(), dtype=np.float64)
            flat = data.reshape(-1, order='F')
            hdr = img.header
            case.update({
                'shape': [int(s) for s in img.shape],
                'affine': [[fnum(v) for v in row] for row in img.affine],
                'zooms': [fnum(z) for z in hdr.get_zooms()],
                'sform_code': int(hdr['sform_code']),
                'qform_code': int(hdr['qform_code']),
                'size': int(flat.size),
                'sum': fnum(flat.sum()) if flat.size else 0.0,
                'min': fnum(flat.min()) if flat.size else None,
                'max': fnum(flat.max()) if flat.size else None,
                # flat (Fortran-order) index -> value, at spread positions
                'voxels': [[int(i), fnum(flat[i])] for i in np.linspace(0, flat.size - 1, 7).astype(int)] if flat.size else [],
            })
        except Exception as e:  # noqa: BLE001 - the exception is the reference result
            case['error'] = f'{type(e).__name__}: {e}'
        out.append(case)
        print(f"{name:55s} {case.get('error') or (case['shape'], case['affine'][0])}")
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
