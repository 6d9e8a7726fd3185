#!/usr/bin/python3
"""numpy's reading of .npy/.npz files: crafted fixtures and the VoxelMorph archives.

Run with Debian's python3 (numpy 1.24) from the repository root:

    /usr/bin/python3 scripts/golden/npy_reference.py [DATA_DIR]

Writes test/golden/npy/:
- crafted .npy files: every supported dtype in both byte orders, C and Fortran order, format
  versions 1.0, 2.0 and 3.0 (numpy.lib.format.write_array with an explicit version), and files
  this reader must refuse (an object array, i.e. a pickle; complex; a structured dtype; a string);
- npz archives: np.savez (stored entries), np.savez_compressed (deflated), and a zip64 archive
  built by hand (zip64 end record + locator, zip64 extra fields in the central directory) that
  numpy's np.load reads;
- npy.json: for each file what np.load gives (dtype, shape, fortran_order, the values in C order,
  int64/uint64 as strings), or the exception it raises; and for mri/voxelmorph/*.npz the keys,
  shapes, dtypes, sum, sha256 of the C-order bytes and values at fixed indices.
"""
import hashlib
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npformat

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data')))
OUT = os.path.join(ROOT, 'test', 'golden', 'npy')
os.makedirs(OUT, exist_ok=True)

rng = np.random.default_rng(7)


def values(a):
    flat = np.ascontiguousarray(a).ravel(order='C')
    if a.dtype.kind in 'iu' and a.dtype.itemsize == 8:
        return [str(int(v)) for v in flat]
    if a.dtype.kind == 'b':
        return [int(v) for v in flat]
    if a.dtype.kind == 'f':
        return [None if not np.isfinite(v) else float(v) for v in flat.astype(np.float64)]
    return [int(v) for v in flat]


def describe(a):
    return {'dtype': a.dtype.name, 'descr': a.dtype.str, 'shape': list(a.shape), 'values': values(a)}


def write(name, arr, version=None, fortran=False):
    a = np.asfortranarray(arr) if fortran else np.ascontiguousarray(arr)
    with open(os.path.join(OUT, name), 'wb') as f:
        npformat.write_array(f, a, version=version, allow_pickle=True)


cases = {}
shape = (2, 3, 4)
for code in ['b1', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8']:
    for order in (['|'] if code in ('b1', 'i1', 'u1') else ['<', '>']):
        dt = np.dtype(order + code)
        if code == 'b1':
            a = rng.random(shape) < 0.5
        elif dt.kind in 'iu':
            info = np.iinfo(dt)
            a = rng.integers(info.min, info.max, size=shape, dtype=dt.newbyteorder('=')).astype(dt)
            a.flat[0] = info.min
            a.flat[1] = info.max
        else:
            a = (rng.standard_normal(shape) * 100).astype(dt)
            a.flat[0] = np.inf
            a.flat[1] = -0.0
        for fortran in (False, True):
            name = f"{'le' if order == '<' else 'be' if order == '>' else 'na'}_{code}_{'F' if fortran else 'C'}.npy"
            write(name, a, fortran=fortran)
            cases[name] = np.load(os.path.join(OUT, name))

# format versions 2.0 and 3.0, a 1-D, a 0-D and an empty array
a = np.arange(24, dtype='<f4').reshape(2, 3, 4)
write('v2_f4.npy', a, version=(2, 0))
write('v3_f4.npy', a, version=(3, 0))
write('v1_scalar_i4.npy', np.array(42, dtype='<i4'))
write('v1_empty_f8.npy', np.zeros((0, 5), dtype='<f8'))
write('v1_1d_u2_F.npy', np.arange(7, dtype='>u2'), fortran=True)
write('v1_4d_i2_F.npy', np.arange(2 * 3 * 4 * 5, dtype='<i2').reshape(2, 3, 4, 5), fortran=True)
for name in ['v2_f4.npy', 'v3_f4.npy', 'v1_scalar_i4.npy', 'v1_empty_f8.npy', 'v1_1d_u2_F.npy', 'v1_4d_i2_F.npy']:
    cases[name] = np.load(os.path.join(OUT, name))

# files to refuse
refuse = {}
write('bad_object.npy', np.array([{'a': 1}, None], dtype=object))
write('bad_complex.npy', np.ones(3, dtype='<c8'))
write('bad_struct.npy', np.zeros(2, dtype=[('x', '<f4'), ('y', '<i2')]))
write('bad_unicode.npy', np.array(['ab', 'c']))
for name in ['bad_object.npy', 'bad_complex.npy', 'bad_struct.npy', 'bad_unicode.npy']:
    try:
        np.load(os.path.join(OUT, name), allow_pickle=False)
        refuse[name] = 'loads'
    except Exception as e:  # numpy refuses the pickle without allow_pickle; the others it reads
        refuse[name] = f'{type(e).__name__}: {e}'
for name in ['bad_complex.npy', 'bad_struct.npy', 'bad_unicode.npy']:
    refuse[name] = 'numpy loads it: dtype ' + str(np.load(os.path.join(OUT, name)).dtype)

# npz: stored and deflated
arrays = {'vol': np.arange(60, dtype='<f8').reshape(3, 4, 5) / 7, 'seg': np.asfortranarray(np.arange(60, dtype='<i4').reshape(3, 4, 5) % 5), 'flag': np.array([True, False])}
np.savez(os.path.join(OUT, 'stored.npz'), **arrays)
np.savez_compressed(os.path.join(OUT, 'deflated.npz'), **arrays)


def zip64(path, members):
    """A zip archive whose central directory uses zip64 extra fields and a zip64 end record."""
    out = io.BytesIO()
    central = []
    for name, data in members:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        cdata = comp.compress(data) + comp.flush()
        crc = zlib.crc32(data) & 0xffffffff
        off = out.tell()
        n = name.encode()
        extra = struct.pack('<HHQQ', 1, 16, len(data), len(cdata))
        out.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 8, 0, 0x21, crc, 0xffffffff, 0xffffffff, len(n), len(extra)) + n + extra + cdata)
        cextra = struct.pack('<HHQQQ', 1, 24, len(data), len(cdata), off)
        central.append(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, 8, 0, 0x21, crc, 0xffffffff, 0xffffffff, len(n), len(cextra), 0, 0, 0, 0, 0xffffffff) + n + cextra)
    cd_off = out.tell()
    for c in central:
        out.write(c)
    cd_size = out.tell() - cd_off
    end64 = out.tell()
    out.write(struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, len(members), len(members), cd_size, cd_off))
    out.write(struct.pack('<IIQI', 0x07064b50, 0, end64, 1))
    out.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0))
    with open(path, 'wb') as f:
        f.write(out.getvalue())


def npy_bytes(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


zip64(os.path.join(OUT, 'zip64.npz'), [('vol.npy', npy_bytes(arrays['vol'])), ('seg.npy', npy_bytes(arrays['seg']))])
npz = {}
for name in ['stored.npz', 'deflated.npz', 'zip64.npz']:
    with np.load(os.path.join(OUT, name)) as z:
        npz[name] = {k: describe(z[k]) for k in z.files}
    with zipfile.ZipFile(os.path.join(OUT, name)) as zf:
        npz[name]['_methods'] = {i.filename: i.compress_type for i in zf.infolist()}

# the real archives
real = {}
for rel in ['mri/voxelmorph/test_scan.npz', 'mri/voxelmorph/labels.npz']:
    with np.load(os.path.join(DATA, rel)) as z:
        entry = {}
        for k in z.files:
            a = z[k]
            idx = [tuple(int(i) for i in np.unravel_index(j, a.shape)) for j in np.linspace(0, a.size - 1, 9).astype(np.int64)]
            if a.ndim == 3:
                idx.append((80, 96, 112))
                idx.append((50, 120, 60))
            entry[k] = {
                'dtype': str(a.dtype), 'shape': list(a.shape), 'fortran_order': bool(np.isfortran(a)),
                'sum': float(a.sum(dtype=np.float64)),
                'sha256_c': hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest(),
                'at': [[list(i), float(a[i]) if a.dtype.kind == 'f' else int(a[i])] for i in idx],
            }
        real[rel] = entry

with open(os.path.join(OUT, 'npy.json'), 'w') as f:
    json.dump({'numpy': np.__version__, 'npy': {k: dict(describe(v), fortran_order=bool(v.flags.f_contiguous and not v.flags.c_contiguous)) for k, v in cases.items()},
               'refuse': refuse, 'npz': npz, 'real': real}, f, indent=1)
print('wrote', OUT, len(cases), 'npy,', len(npz), 'npz')
