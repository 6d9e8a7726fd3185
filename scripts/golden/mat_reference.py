#!/usr/bin/python3
"""Reference values for dendrite's MAT-file reader (src/io/mat/), from scipy.io.loadmat.

    /usr/bin/python3 scripts/golden/mat_reference.py [DATA_DIR]

DATA_DIR defaults to $DENDRITE_DATA or ../shared/data. Writes (deterministically):

  test/golden/mat/files/*.mat       small crafted MAT-files:
      scipy_v5.mat / scipy_v7z.mat  scipy.io.savemat, do_compression False / True: every numeric
                                    class, complex, logical, char row/matrix/unicode, struct
                                    array, nested cells, sparse (real, complex, logical), object,
                                    empties, a 3-D array
      custom_le.mat / custom_be.mat written by the small Level 5 writer below, little- and
                                    big-endian ('IM' / 'MI'): small data elements, char data as
                                    miUINT16 / miUTF16 / miUTF8 / miUTF32, complex int16, int64
                                    extremes, uint8-stored double, a compressed element
  test/golden/mat/expected/<stem>.json   what scipy.io.loadmat reads from each crafted file
  test/golden/mat/shared/<stem>.json     summaries of every .mat under DATA_DIR/spikes and
                                    DATA_DIR/eeg/edf-conformance/mne-python (names, classes,
                                    dims, sums, min/max, values at fixed indices)

Value description (recursive, bounded; all data in MATLAB column-major order):
  numeric: class, dims, storage (on-disk type, when scipy reports it), complex, n, sum, wsum
           (sum of v[i] * (i % 13 + 1)), min, max, samples [[i, v], ...], values (all, if n <= 200),
           imag (likewise). NaN/Inf as strings; int64/uint64 values as decimal strings.
  logical: values (0/1) or sum + samples.   char: dims, codes (UTF-16 units), text.
  sparse: dims, logical, ir, jc, data, imag.   cell: dims, cells.   struct/object: dims,
  fieldNames, elements (list of {field: value}), className for objects.
Lists are cut at 50 cells / 20 struct elements (with "truncated": true); depth at 8.
"""
import glob
import hashlib
import io
import json
import os
import struct
import sys
import warnings
import zlib

import numpy as np
import scipy
import scipy.io as sio
import scipy.sparse as sp
from scipy.io.matlab import MatlabFunction, MatlabObject, MatlabOpaque

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'golden', 'mat')
HEADER_TEXT = b'MATLAB 5.0 MAT-file, written by dendrite scripts/golden/mat_reference.py'

FULL_LIMIT = 200
MAX_CELLS = 50
MAX_ELEMENTS = 20
MAX_DEPTH = 8

CLASS_OF_DTYPE = {
    'float64': 'double', 'float32': 'single', 'int8': 'int8', 'uint8': 'uint8', 'int16': 'int16',
    'uint16': 'uint16', 'int32': 'int32', 'uint32': 'uint32', 'int64': 'int64', 'uint64': 'uint64',
    'complex128': 'double', 'complex64': 'single',
}


def num(x):
    """JSON-safe scalar."""
    if isinstance(x, (np.integer,)) and x.dtype.itemsize == 8 and x.dtype.kind in 'iu':
        return str(int(x))
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    if np.isnan(x):
        return 'NaN'
    if np.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def sample_indices(n):
    if n == 0:
        return []
    return sorted({0, 1 % n, n // 7, n // 3, n // 2, (2 * n) // 3, n - 2 if n > 1 else 0, n - 1})


def numeric_summary(flat, exact_int):
    """sum/wsum/min/max of a flat real array (column-major)."""
    n = flat.size
    out = {'n': int(n)}
    if n == 0:
        return out
    if exact_int:
        ints = [int(v) for v in flat]
        out['sum'] = str(sum(ints))
        out['wsum'] = str(sum(v * (i % 13 + 1) for i, v in enumerate(ints)))
        out['min'] = str(min(ints))
        out['max'] = str(max(ints))
    else:
        f = flat.astype(np.float64)
        w = (np.arange(n) % 13 + 1).astype(np.float64)
        out['sum'] = num(np.sum(f))
        out['wsum'] = num(np.sum(f * w))
        out['min'] = num(np.min(f))
        out['max'] = num(np.max(f))
    out['samples'] = [[i, num(flat[i])] for i in sample_indices(n)]
    return out


def describe(v, stored, cls=None, depth=0):
    """Describe value `v` (loaded with mat_dtype=True); `stored` is the same value loaded with
    mat_dtype=False (its dtype is the on-disk storage type); `cls` overrides the class."""
    if depth > MAX_DEPTH:
        return {'truncated': True}
    if sp.issparse(v):
        c = v.tocsc()
        d = {'class': 'sparse', 'dims': list(c.shape), 'logical': bool(stored.dtype == bool),
             'ir': [int(i) for i in c.indices], 'jc': [int(i) for i in c.indptr]}
        if np.iscomplexobj(c.data):
            d['data'] = [num(x) for x in c.data.real]
            d['imag'] = [num(x) for x in c.data.imag]
        else:
            d['data'] = [num(x) for x in c.data.astype(np.float64)]
        return d
    if isinstance(v, (MatlabFunction, MatlabOpaque)):
        return {'class': 'function' if isinstance(v, MatlabFunction) else 'opaque'}
    v = np.asarray(v) if not isinstance(v, np.ndarray) else v
    dims = list(v.shape)
    if v.dtype.names is not None:
        d = {'class': 'object' if isinstance(v, MatlabObject) else 'struct', 'dims': dims,
             'fieldNames': list(v.dtype.names)}
        if isinstance(v, MatlabObject):
            d['className'] = v.classname
        fv = v.flatten(order='F')
        fs = np.asarray(stored).flatten(order='F')
        els = []
        for i in range(min(fv.size, MAX_ELEMENTS)):
            els.append({f: describe(fv[i][f], fs[i][f], None, depth + 1) for f in v.dtype.names})
        d['elements'] = els
        if fv.size > MAX_ELEMENTS:
            d['truncated'] = True
        return d
    if v.dtype == object:
        fv = v.flatten(order='F')
        fs = np.asarray(stored).flatten(order='F')
        d = {'class': 'cell', 'dims': dims,
             'cells': [describe(fv[i], fs[i], None, depth + 1) for i in range(min(fv.size, MAX_CELLS))]}
        if fv.size > MAX_CELLS:
            d['truncated'] = True
        return d
    if v.dtype.kind == 'U':
        flat = v.flatten(order='F')
        codes = []
        for ch in flat:
            s = str(ch)
            u = s.encode('utf-16-le')
            codes.extend(struct.unpack('<%dH' % (len(u) // 2), u) if u else [0])
        return {'class': 'char', 'dims': dims, 'codes': codes, 'text': char_text(dims, codes)}
    if v.dtype == bool:
        flat = v.flatten(order='F').astype(np.uint8)
        d = {'class': 'logical', 'dims': dims}
        if flat.size <= FULL_LIMIT:
            d['values'] = [int(x) for x in flat]
        else:
            d.update(numeric_summary(flat, False))
        return d
    if cls is None:
        cls = CLASS_OF_DTYPE[v.dtype.name]
    d = {'class': cls, 'dims': dims}
    st = np.asarray(stored)
    if st.dtype.kind in 'iuf' and st.dtype.name in CLASS_OF_DTYPE:
        d['storage'] = CLASS_OF_DTYPE[st.dtype.name]
    if np.iscomplexobj(st) and not np.iscomplexobj(v):
        v = st  # mat_dtype=True casts complex integers to real; take the complex values
    flat = v.flatten(order='F')
    is_complex = np.iscomplexobj(flat)
    d['complex'] = bool(is_complex)
    real = flat.real if is_complex else flat
    exact_int = cls in ('int64', 'uint64')
    d.update(numeric_summary(real, exact_int))
    if flat.size <= FULL_LIMIT:
        d['values'] = [num(x) if not exact_int else str(int(x)) for x in real]
        if is_complex:
            d['imag'] = [num(x) for x in flat.imag]
    elif is_complex:
        d['imagSummary'] = numeric_summary(flat.imag, False)
    return d


def char_text(dims, codes):
    """The reader's text convention: a string for (1, n) or empty 2-D arrays, else one string
    per index of the leading dims (row-major), characters along the last dim."""
    n = int(np.prod(dims)) if dims else 1
    if len(dims) == 2 and (dims[0] == 1 or n == 0):
        if dims[0] > 1:
            return [''] * dims[0]
        return ''.join(chr(c) for c in codes) if all(c < 0xD800 or c > 0xDFFF for c in codes) \
            else np.array(codes, dtype='<u2').tobytes().decode('utf-16-le')
    arr = np.array(codes, dtype=np.uint16).reshape(dims, order='F')
    lead = dims[:-1]
    rows = arr.reshape(int(np.prod(lead)), dims[-1])  # C-order over the leading dims
    return [r.astype('<u2').tobytes().decode('utf-16-le', errors='surrogatepass') for r in rows]


def load_both(path):
    kw = dict(squeeze_me=False, chars_as_strings=False, struct_as_record=True)
    a = sio.loadmat(path, mat_dtype=True, **kw)
    b = sio.loadmat(path, mat_dtype=False, **kw)
    classes = {name: c for name, _, c in sio.whosmat(path)}
    return a, b, classes


# scipy returns a field-less struct as an object array of empty arrays; say what it is.
OVERRIDES = {'nofields': {'class': 'struct', 'dims': [1, 1], 'fieldNames': [], 'elements': [{}],
                          'note': 'hand-written: scipy loads a struct without fields as an object array'}}


def describe_file(path, rel):
    a, b, classes = load_both(path)
    data = open(path, 'rb').read()
    out = {'file': rel, 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(),
           'scipy': scipy.__version__, 'variables': {}}
    for name in a:
        if name.startswith('__') and name != '__function_workspace__':
            continue
        cls = classes.get(name)
        if cls not in CLASS_OF_DTYPE.values():
            cls = None
        out['variables'][name] = OVERRIDES[name] if name in OVERRIDES else describe(a[name], b[name], cls)
    out['order'] = [n for n, _, _ in sio.whosmat(path)]
    return out


def dump(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')
    size = os.path.getsize(path)
    assert size < 100_000, f'{path} is {size} bytes'
    print(f'  {os.path.relpath(path, ROOT)} ({size} bytes)')


def fix_header(path):
    """savemat stamps the creation time into the header; pin it so reruns are byte-identical."""
    with open(path, 'r+b') as f:
        f.write(HEADER_TEXT.ljust(116, b' '))


# ---------------------------------------------------------------------------------------------
# Crafted files via scipy.io.savemat

def scipy_variables():
    rng = np.random.default_rng(20240607)
    v = {}
    for dt in ['float64', 'float32', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']:
        info = np.finfo(dt) if dt.startswith('float') else np.iinfo(dt)
        if dt.startswith('float'):
            a = np.array([[0, -1.5, info.max], [info.tiny, np.pi, -info.max]], dtype=dt)
        else:
            a = np.array([[0, 1, info.max], [info.min, 2, info.max - 1]], dtype=dt)
        v['n_' + dt] = a
    v['specials'] = np.array([[np.nan, np.inf, -np.inf, -0.0]])
    v['cplx'] = np.array([[1 + 2j, -3.5 - 0.25j], [0j, 1e300 - 1e-300j]])
    v['cplx64'] = np.array([1 - 1j, 2.5 + 0j, -0.5j], dtype=np.complex64)
    v['scalar'] = 42.0
    v['randn'] = rng.standard_normal((7, 5))
    v['cube'] = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    v['empty'] = np.zeros((0, 3))
    v['logi'] = np.array([[True, False, True], [False, False, True]])
    v['str'] = 'hello world'
    v['uni'] = 'h\u00e9llo \u2713 \u03a9'
    v['charmat'] = np.array(['abc', 'de ', 'xyz'])
    v['emptystr'] = ''
    v['cellnest'] = np.empty((2, 2), dtype=object)
    v['cellnest'][0, 0] = 1.0
    v['cellnest'][1, 0] = 'two'
    inner = np.empty((1, 2), dtype=object)
    inner[0, 0] = np.array([[3, 4]], dtype=np.int16)
    inner[0, 1] = np.empty((1, 1), dtype=object)
    inner[0, 1][0, 0] = 'deep'
    v['cellnest'][0, 1] = inner
    v['cellnest'][1, 1] = np.zeros((0, 0))
    s = np.zeros((1, 3), dtype=[('name', object), ('val', object), ('sub', object)])
    for i in range(3):
        s[0, i]['name'] = f'el{i}'
        s[0, i]['val'] = np.arange(i + 1, dtype=np.float64)
        s[0, i]['sub'] = {'a': i * 10, 'b': 'x' * i}
    v['sarr'] = s
    v['scal'] = {'alpha': 1.25, 'beta': np.array([[1, 2], [3, 4]], dtype=np.int32),
                 'gamma': {'deep': 'nested', 'list': np.array([True, False])}}
    dense = np.array([[0, 1.5, 0, 0], [2, 0, 0, -3], [0, 0, 0, 4.25]])
    v['sp'] = sp.csc_matrix(dense)
    v['spc'] = sp.csc_matrix(dense * (1 - 2j))
    v['spl'] = sp.csc_matrix(dense != 0)
    v['spempty'] = sp.csc_matrix((3, 2))
    obj = np.zeros((1, 1), dtype=[('x', object), ('y', object)])
    obj[0, 0]['x'] = 5.0
    obj[0, 0]['y'] = 'why'
    v['obj'] = MatlabObject(obj, 'myclass')
    v['emptycell'] = np.empty((0, 0), dtype=object)
    v['big'] = np.arange(300, dtype=np.float64).reshape(20, 15) / 7
    return v


# ---------------------------------------------------------------------------------------------
# A small Level 5 writer, for what savemat cannot produce: big-endian files, char data as
# miUTF16/miUTF32/miUINT16, complex integers, narrower storage than the class.

MI = dict(int8=1, uint8=2, int16=3, uint16=4, int32=5, uint32=6, single=7, double=9, int64=12,
          uint64=13, matrix=14, compressed=15, utf8=16, utf16=17, utf32=18)
MX = dict(cell=1, struct=2, object=3, char=4, sparse=5, double=6, single=7, int8=8, uint8=9,
          int16=10, uint16=11, int32=12, uint32=13, int64=14, uint64=15)
NP_OF_MI = {1: 'i1', 2: 'u1', 3: 'i2', 4: 'u2', 5: 'i4', 6: 'u4', 7: 'f4', 9: 'f8', 12: 'i8', 13: 'u8'}


class Writer:
    def __init__(self, e):
        self.e = e  # '<' or '>'

    def el(self, mi, payload, small_ok=True):
        n = len(payload)
        if small_ok and 0 < n <= 4 and mi != MI['matrix']:
            return struct.pack(self.e + 'I', (n << 16) | mi) + payload.ljust(4, b'\0')
        return struct.pack(self.e + 'II', mi, n) + payload + b'\0' * (-n % 8)

    def arr(self, mi, values):
        return self.el(mi, np.asarray(values, dtype=self.e + NP_OF_MI[mi]).tobytes())

    def matrix(self, name, mx, dims, body, flags=0, nzmax=0):
        head = self.el(MI['uint32'], struct.pack(self.e + 'II', mx | flags, nzmax))
        head += self.arr(MI['int32'], dims)
        head += self.el(MI['int8'], name.encode('ascii'))
        return self.el(MI['matrix'], head + body)

    def numeric(self, name, mx, mi, dims, real, imag=None, logical=False):
        flags = (0x800 if imag is not None else 0) | (0x200 if logical else 0)
        body = self.arr(mi, real) + (self.arr(mi, imag) if imag is not None else b'')
        return self.matrix(name, MX[mx], dims, body, flags)

    def char(self, name, dims, text_cm, mi):
        """text_cm: the characters in column-major order."""
        if mi == 'utf8':
            payload = text_cm.encode('utf-8')
        elif mi == 'utf32':
            payload = text_cm.encode('utf-32-le' if self.e == '<' else 'utf-32-be')
        else:  # uint16 / utf16: UTF-16 code units
            payload = text_cm.encode('utf-16-le' if self.e == '<' else 'utf-16-be')
        return self.matrix(name, MX['char'], dims, self.el(MI[mi], payload))

    def cell(self, name, dims, items):
        return self.matrix(name, MX['cell'], dims, b''.join(items))

    def struct_(self, name, dims, fields, elements):
        ln = 32
        names = b''.join(f.encode('ascii').ljust(ln, b'\0') for f in fields)
        body = self.el(MI['int32'], struct.pack(self.e + 'i', ln)) + self.el(MI['int8'], names)
        body += b''.join(b''.join(e) for e in elements)
        return self.matrix(name, MX['struct'], dims, body)

    def sparse(self, name, m, n, ir, jc, pr, pi=None, nzmax=None):
        body = self.arr(MI['int32'], ir) + self.arr(MI['int32'], jc) + self.arr(MI['double'], pr)
        if pi is not None:
            body += self.arr(MI['double'], pi)
        return self.matrix(name, MX['sparse'], [m, n], body, 0x800 if pi is not None else 0, nzmax or len(ir))

    def compressed(self, element):
        z = zlib.compress(element, 9)
        return struct.pack(self.e + 'II', MI['compressed'], len(z)) + z

    def header(self):
        return HEADER_TEXT.ljust(116, b' ') + b'\0' * 8 + struct.pack(self.e + 'H', 0x0100) + \
            (b'IM' if self.e == '<' else b'MI')


def custom_file(e):
    w = Writer(e)
    parts = [w.header()]
    parts.append(w.numeric('dbl', 'double', MI['double'], [2, 3], [1, 2, 3, 4.5, -5, 6e-300]))
    parts.append(w.numeric('u8asdbl', 'double', MI['uint8'], [1, 4], [0, 7, 200, 255]))
    parts.append(w.numeric('i16asdbl', 'double', MI['int16'], [2, 1], [-300, 300]))
    parts.append(w.numeric('ci16', 'int16', MI['int16'], [2, 2], [1, -2, 3, -32768], [0, 5, -6, 32767]))
    parts.append(w.numeric('i8small', 'int8', MI['int8'], [1, 3], [-1, 2, -128]))  # small element
    parts.append(w.numeric('i64', 'int64', MI['int64'], [1, 3], [-(2 ** 63), 2 ** 53 + 1, 2 ** 63 - 1]))
    parts.append(w.numeric('u64', 'uint64', MI['uint64'], [1, 2], [0, 2 ** 64 - 1]))
    parts.append(w.numeric('i32', 'int32', MI['int32'], [1, 1], [-123456]))  # 4 bytes: small element
    parts.append(w.numeric('sgl', 'single', MI['single'], [1, 2], [1.5, -0.1]))
    parts.append(w.numeric('logi', 'uint8', MI['uint8'], [2, 2], [1, 0, 0, 1], logical=True))
    parts.append(w.char('c16', [2, 3], 'adbecf', 'uint16'))  # rows 'abc', 'def'
    parts.append(w.char('cutf16', [1, 4], '\u00e9\u03a9\u2713x', 'utf16'))
    parts.append(w.char('cutf8', [1, 5], 'caf\u00e9!', 'utf8'))
    parts.append(w.char('cutf32', [1, 3], 'a\u00e9z', 'utf32'))
    parts.append(w.char('c3d', [2, 1, 2], 'acbd', 'uint16'))
    parts.append(w.sparse('spc', 3, 2, [0, 2, 1], [0, 2, 3], [1.0, 2.0, 3.0], [0.5, -0.5, 0.0]))
    parts.append(w.sparse('spnz', 2, 2, [1, 0, 0, 0], [0, 1, 2], [7.0, 8.0, 0.0, 0.0], nzmax=4))
    cell_items = [
        w.numeric('', 'double', MI['double'], [1, 1], [3.0]),
        w.char('', [1, 2], 'hi', 'uint16'),
        w.struct_('', [1, 1], ['p', 'q'], [[w.numeric('', 'uint16', MI['uint16'], [1, 2], [1, 65535]),
                                            w.cell('', [0, 0], [])]]),
        w.el(MI['matrix'], b''),  # an empty miMATRIX: []
    ]
    parts.append(w.cell('cel', [2, 2], cell_items))
    parts.append(w.struct_('st', [2, 1], ['a', 'bb'], [
        [w.numeric('', 'double', MI['double'], [1, 1], [1.0]), w.char('', [1, 1], 'x', 'uint16')],
        [w.numeric('', 'double', MI['uint8'], [1, 2], [2, 3]), w.char('', [0, 0], '', 'uint16')],
    ]))
    parts.append(w.struct_('nofields', [1, 1], [], [[]]))
    parts.append(w.compressed(w.numeric('zipped', 'double', MI['double'], [3, 1], [0.25, 0.5, 0.75])))
    parts.append(w.compressed(w.char('zstr', [1, 6], 'zipped', 'uint16')))
    return b''.join(parts)


@np.errstate(over="ignore", invalid="ignore")
def main():
    warnings.simplefilter('ignore', np.ComplexWarning)  # mat_dtype=True on complex int16
    data_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                               os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data')))
    files_dir = os.path.join(OUT, 'files')
    os.makedirs(files_dir, exist_ok=True)
    print('crafted files:')
    v = scipy_variables()
    for stem, comp in [('scipy_v5', False), ('scipy_v7z', True)]:
        p = os.path.join(files_dir, stem + '.mat')
        sio.savemat(p, v, do_compression=comp, oned_as='row')
        fix_header(p)
    for stem, e in [('custom_le', '<'), ('custom_be', '>')]:
        with open(os.path.join(files_dir, stem + '.mat'), 'wb') as f:
            f.write(custom_file(e))
    for p in sorted(glob.glob(os.path.join(files_dir, '*.mat'))):
        stem = os.path.splitext(os.path.basename(p))[0]
        dump(describe_file(p, 'files/' + os.path.basename(p)), os.path.join(OUT, 'expected', stem + '.json'))
    print(f'shared files under {data_dir}:')
    paths = sorted(glob.glob(os.path.join(data_dir, 'spikes', '**', '*.mat'), recursive=True))
    paths += sorted(glob.glob(os.path.join(data_dir, 'eeg', 'edf-conformance', 'mne-python', '*.mat')))
    if not paths:
        print('  none found')
    for p in paths:
        rel = os.path.relpath(p, data_dir)
        head = open(p, 'rb').read(128)
        if head.startswith(b'MATLAB 7.3'):
            print(f'  {rel}: v7.3 (HDF5), skipped')
            continue
        stem = os.path.splitext(os.path.basename(p))[0]
        dump(describe_file(p, rel), os.path.join(OUT, 'shared', stem + '.json'))


if __name__ == '__main__':
    main()
