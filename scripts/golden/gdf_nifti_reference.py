#!/usr/bin/python3
"""Reference values for dendrite's GDF and NIfTI readers.

Run with Debian's python3 (python3-mne 1.3, python3-nibabel 5.0, numpy) from the repository root:

    /usr/bin/python3 scripts/golden/gdf_nifti_reference.py [DATA_DIR]

DATA_DIR defaults to $DENDRITE_DATA or ../shared/data. Writes

  test/golden/gdf/*.gdf         small GDF files crafted here byte by byte (layout below)
  test/golden/gdf/gdf.json      per file: MNE's (or, where MNE cannot read it, numpy's) decoding
  test/golden/nifti/*.nii[.gz]  small NIfTI files written by nibabel (datatypes, endianness, qform,
                                fallback affine, 5-D, extensions, NIfTI-2)
  test/golden/nifti/nifti.json  per file (shared data + crafted): nibabel's header, shape, affine,
                                dtype, scaling, voxels at fixed indices, sum/min/max

GDF layout written by `gdf_bytes` (little-endian; see also src/io/gdf/header.ts):
  GDF 2.x fixed header (256 bytes):
    0 version 'GDF 2.20' | 8 patient id (66) | 74 reserved (10) | 84-87 smoking/weight/height/sex
    88 recording id (64) | 152 location (16) | 168 start date u64 (datenum * 2^32)
    176 birthday u64 | 184 header length u16 in 256-byte blocks | 186 reserved (6)
    192 equipment (8) | 200 ip (6) | 206 head size u16[3] | 212 ref f32[3] | 224 gnd f32[3]
    236 number of records i64 | 244 record duration u32[2] (numerator, denominator; s)
    252 number of channels u16 | 254 reserved (2)
  GDF 2.x variable header, field-major (ns = number of channels):
    label 16*ns | transducer 80*ns | physdim (text, obsolete) 6*ns | physdim code u16*ns
    physmin f64*ns | physmax f64*ns | digmin f64*ns | digmax f64*ns | reserved 68*ns
    lowpass f32*ns | highpass f32*ns | notch f32*ns | samples/record i32*ns | type i32*ns
    xyz f32[3]*ns | impedance etc. 20*ns
  GDF 1.x fixed header: 0 version 'GDF 1.25' | 8 patient (80) | 88 recording (80)
    168 start 'YYYYMMDDhhmmsscc' | 184 header bytes i64 | 192 equipment (8) | 200 lab (8)
    208 technician (8) | 216 reserved (20) | 236 records i64 | 244 duration u32[2] | 252 ns u32
  GDF 1.x variable header: label 16 | transducer 80 | physdim 8 | physmin f64 | physmax f64
    digmin i64 | digmax i64 | prefilter 80 | samples/record i32 | type u32 | reserved 32
  data: records of [channel 0: n0 samples][channel 1: n1 samples]...
  event table: mode u8; GDF >= 1.94: n_events uint24, event rate f32; GDF 1.x: rate uint24,
    n_events u32; then pos u32[n] (1-based), type u16[n], and for mode 3 chan u16[n], dur u32[n].
  type codes: 1 int8, 2 uint8, 3 int16, 4 uint16, 5 int32, 6 uint32, 7 int64, 8 uint64,
    16 float32, 17 float64. Unit codes: 4256 V + prefix (18 milli, 19 micro), 512 dimensionless.
"""
import gzip
import json
import os
import struct
import sys
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data')))
GDF_OUT = os.path.join(ROOT, 'test', 'golden', 'gdf')
NII_OUT = os.path.join(ROOT, 'test', 'golden', 'nifti')

GDF_NP = {1: '<i1', 2: '<u1', 3: '<i2', 4: '<u2', 5: '<i4', 6: '<u4', 7: '<i8', 8: '<u8', 16: '<f4', 17: '<f8'}


def fnum(x):
    x = float(x)
    if np.isnan(x):
        return 'NaN'
    if np.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


# --------------------------------------------------------------------------------------------
# GDF
# --------------------------------------------------------------------------------------------

def pad(s, n):
    b = s.encode('latin-1')
    assert len(b) <= n
    return b + b'\0' * (n - len(b))


def gdf_bytes(version, chans, n_records, dur, events=None, mode=1, event_sr=0.0, start=None):
    """chans: dicts with label, unit (text), code (GDF 2 unit code), pmin, pmax, dmin, dmax, ns
    (samples per record), type (GDF code), data (ns * n_records values, raw digital)."""
    ns = len(chans)
    v2 = version >= 2
    out = bytearray()
    if v2:
        fixed = bytearray(256)
        fixed[0:8] = pad('GDF %.2f' % version, 8)
        fixed[8:74] = pad('P0042 Jane_Doe', 66)
        fixed[85] = 70  # weight
        fixed[86] = 170  # height
        fixed[88:152] = pad('crafted by gdf_nifti_reference.py', 64)
        if start is not None:
            struct.pack_into('<Q', fixed, 168, start)
        struct.pack_into('<H', fixed, 184, ns + 1)
        struct.pack_into('<q', fixed, 236, n_records)
        struct.pack_into('<II', fixed, 244, *dur)
        struct.pack_into('<H', fixed, 252, ns)
        out += fixed
        out += b''.join(pad(c['label'], 16) for c in chans)
        out += b''.join(pad(c.get('transducer', ''), 80) for c in chans)
        out += b''.join(pad(c['unit'], 6) for c in chans)
        out += b''.join(struct.pack('<H', c['code']) for c in chans)
        for k in ('pmin', 'pmax', 'dmin', 'dmax'):
            out += b''.join(struct.pack('<d', c[k]) for c in chans)
        out += b'\0' * (68 * ns)
        for k in ('lp', 'hp', 'notch'):
            out += b''.join(struct.pack('<f', c.get(k, 0.0)) for c in chans)
        out += b''.join(struct.pack('<i', c['ns']) for c in chans)
        out += b''.join(struct.pack('<i', c['type']) for c in chans)
        out += b'\0' * (12 * ns)
        out += b'\xff' * ns + b'\0' * (19 * ns)  # impedance unknown (255) + reserved
    else:
        fixed = bytearray(256)
        fixed[0:8] = pad('GDF %.2f' % version, 8)
        fixed[8:88] = pad('P0042 Jane_Doe', 80)
        fixed[88:168] = pad('crafted GDF 1', 80)
        fixed[168:184] = pad(start or '2020010203040550', 16)
        struct.pack_into('<q', fixed, 184, 256 * (ns + 1))
        struct.pack_into('<q', fixed, 236, n_records)
        struct.pack_into('<II', fixed, 244, *dur)
        struct.pack_into('<I', fixed, 252, ns)
        out += fixed
        out += b''.join(pad(c['label'], 16) for c in chans)
        out += b''.join(pad(c.get('transducer', ''), 80) for c in chans)
        out += b''.join(pad(c['unit'], 8) for c in chans)
        for k in ('pmin', 'pmax'):
            out += b''.join(struct.pack('<d', c[k]) for c in chans)
        for k in ('dmin', 'dmax'):
            out += b''.join(struct.pack('<q', int(c[k])) for c in chans)
        out += b''.join(pad(c.get('prefilter', ''), 80) for c in chans)
        out += b''.join(struct.pack('<i', c['ns']) for c in chans)
        out += b''.join(struct.pack('<I', c['type']) for c in chans)
        out += b'\0' * (32 * ns)
    assert len(out) == 256 * (ns + 1)
    for r in range(n_records):
        for c in chans:
            seg = np.asarray(c['data'][r * c['ns']:(r + 1) * c['ns']]).astype(GDF_NP[c['type']])
            out += seg.tobytes()
    if events is not None:
        n = len(events)
        if version >= 1.94:
            out += bytes([mode]) + struct.pack('<I', n)[:3] + struct.pack('<f', event_sr)
        else:
            out += bytes([mode]) + struct.pack('<I', int(event_sr))[:3] + struct.pack('<I', n)
        out += b''.join(struct.pack('<I', e[0] + 1) for e in events)  # stored 1-based
        out += b''.join(struct.pack('<H', e[1]) for e in events)
        if mode == 3:
            out += b''.join(struct.pack('<H', e[2]) for e in events)
            out += b''.join(struct.pack('<I', e[3]) for e in events)
    return bytes(out)


def datenum_fixed(y, mo, d, h, mi, s):
    from datetime import datetime, timezone
    t = datetime(y, mo, d, h, mi, s, tzinfo=timezone.utc)
    days = (t - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds() / 86400 + 719529
    return int(round(days * 2 ** 32))


def crafted_gdfs():
    rng = np.random.default_rng(20240601)
    files = {}
    # 1. GDF 2.20, int16, 3 channels, 10 records of 0.1 s x 25 samples (250 Hz), event mode 3.
    nrec = 10
    chans = []
    for label, unit, code, pmin, pmax in (('Fz', 'uV', 4275, -3276.8, 3276.7), ('Cz', 'mV', 4274, -100.0, 100.0), ('Resp', '', 512, 0.0, 1.0)):
        chans.append(dict(label=label, unit=unit, code=code, pmin=pmin, pmax=pmax, dmin=-32768, dmax=32767, ns=25, type=3,
                          data=rng.integers(-32768, 32768, 25 * nrec), lp=70.0, hp=0.5))
    ev = [(0, 0x0300, 0, 0), (30, 0x0301, 0, 125), (100, 0x7ffe, 2, 3), (249, 1023, 1, 1)]
    files['crafted_v2_int16_mode3.gdf'] = (gdf_bytes(2.20, chans, nrec, (1, 10), ev, 3, 250.0, datenum_fixed(2021, 3, 4, 5, 6, 7)), True)
    # 2. GDF 2.10, float32, 2 channels at 100 Hz (records of 1 s), event mode 1.
    nrec = 3
    chans = [dict(label='EEG1', unit='uV', code=4275, pmin=-500.0, pmax=500.0, dmin=-500.0, dmax=500.0, ns=100, type=16,
                  data=rng.normal(0, 50, 100 * nrec)),
             dict(label='EEG2', unit='uV', code=4275, pmin=-1.0, pmax=1.0, dmin=-2.0, dmax=2.0, ns=100, type=16,
                  data=rng.normal(0, 1, 100 * nrec))]
    ev = [(10, 769, 0, 0), (150, 770, 0, 0), (299, 7, 0, 0)]
    files['crafted_v2_float32_mode1.gdf'] = (gdf_bytes(2.10, chans, nrec, (1, 1), ev, 1, 100.0), True)
    # 3. GDF 1.25, int32, 2 channels at 64 Hz, event mode 1 (GDF 1 event header: rate uint24, n u32).
    nrec = 4
    chans = [dict(label='C3', unit='uV', code=0, pmin=-1000.0, pmax=1000.0, dmin=-100000, dmax=100000, ns=64, type=5,
                  data=rng.integers(-100000, 100001, 64 * nrec), prefilter='HP:0.1Hz LP:30Hz'),
             dict(label='C4', unit='uV', code=0, pmin=-2000.0, pmax=0.0, dmin=0, dmax=1000000, ns=64, type=5,
                  data=rng.integers(0, 1000001, 64 * nrec), prefilter='HP:0.1Hz LP:30Hz')]
    ev = [(5, 1, 0, 0), (200, 2, 0, 0)]
    files['crafted_v1_int32.gdf'] = (gdf_bytes(1.25, chans, nrec, (1, 1), ev, 1, 64), True)
    # 4. GDF 2.20 with mixed data types and rates (MNE reads one type only: numpy decoding is the
    #    reference here). Records of 0.5 s; rates 20, 10, 40, 20, 20, 10, 20, 10 Hz.
    nrec = 3
    spec = [(1, 10, -128, 127), (2, 5, 0, 255), (4, 20, 0, 65535), (5, 10, -2**31, 2**31 - 1), (6, 10, 0, 2**32 - 1),
            (7, 5, -2**40, 2**40), (8, 10, 0, 2**41), (17, 5, -1e3, 1e3)]
    chans = []
    for i, (t, ns, dmin, dmax) in enumerate(spec):
        if t == 17:
            data = rng.normal(0, 100, ns * nrec)
        else:
            data = rng.integers(dmin, dmax, ns * nrec, endpoint=True, dtype=np.int64 if t != 8 else np.uint64)
        chans.append(dict(label='ch%d_%s' % (i, np.dtype(GDF_NP[t]).name), unit='uV', code=4275,
                          pmin=-10.0 * (i + 1), pmax=25.0 * (i + 1), dmin=float(dmin), dmax=float(dmax), ns=ns, type=t, data=data))
    ev = [(0, 0x0300, 0, 10), (17, 0x0302, 3, 0)]
    files['crafted_v2_mixed.gdf'] = (gdf_bytes(2.20, chans, nrec, (1, 2), ev, 3, 40.0), False)
    return files


def numpy_gdf_decode(chans_bytes):
    """Independent decoding of a GDF 2 file with numpy (for the mixed-type file)."""
    b = chans_bytes
    ns = struct.unpack_from('<H', b, 252)[0]
    nrec = struct.unpack_from('<q', b, 236)[0]
    num, den = struct.unpack_from('<II', b, 244)
    hlen = struct.unpack_from('<H', b, 184)[0] * 256
    p = 256 + ns * (16 + 80 + 6 + 2)
    pmin = np.frombuffer(b, '<f8', ns, p); p += 8 * ns
    pmax = np.frombuffer(b, '<f8', ns, p); p += 8 * ns
    dmin = np.frombuffer(b, '<f8', ns, p); p += 8 * ns
    dmax = np.frombuffer(b, '<f8', ns, p); p += 8 * ns
    p += 68 * ns + 12 * ns
    nsamp = np.frombuffer(b, '<i4', ns, p); p += 4 * ns
    typ = np.frombuffer(b, '<i4', ns, p)
    sizes = [np.dtype(GDF_NP[t]).itemsize for t in typ]
    rec_bytes = sum(int(n) * s for n, s in zip(nsamp, sizes))
    out = []
    for c in range(ns):
        off = sum(int(nsamp[k]) * sizes[k] for k in range(c))
        vals = np.concatenate([np.frombuffer(b, GDF_NP[typ[c]], nsamp[c], hlen + r * rec_bytes + off) for r in range(nrec)])
        cal = (pmax[c] - pmin[c]) / (dmax[c] - dmin[c])
        off_ = pmin[c] - dmin[c] * cal
        out.append((vals.astype(np.float64) * cal + off_) * 1e-6)
    return out, [float(n) * den / num for n in nsamp]


def gdf_reference(path, mne_ok, golden_name):
    import mne
    entry = {'file': golden_name}
    if mne_ok:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            raw = mne.io.read_raw_gdf(path, preload=True, verbose='error')
        d = raw.get_data()
        entry.update(
            reference='mne ' + mne.__version__,
            ch_names=raw.ch_names,
            ch_types=raw.get_channel_types(),
            sfreq=float(raw.info['sfreq']),
            n_times=int(raw.n_times),
            meas_date=raw.info['meas_date'].isoformat() if raw.info['meas_date'] else None,
            annotations=[{'onset': float(a['onset']), 'duration': float(a['duration']), 'description': str(a['description'])}
                         for a in raw.annotations],
            spots=[], sums=[float(x) for x in d.sum(axis=1)], mins=[float(x) for x in d.min(axis=1)],
            maxs=[float(x) for x in d.max(axis=1)])
        n = d.shape[1]
        idx = sorted(set([0, 1, n // 3, n // 2, n - 2, n - 1]))
        for c in range(d.shape[0]):
            for i in idx:
                entry['spots'].append([c, i, float(d[c, i])])
        ex = raw._raw_extras[0]
        ev = ex.get('events')
        if ev is not None:
            entry['mne_events'] = {'pos': [int(x) for x in ev[1]], 'type': [int(x) for x in ev[2]],
                                   'chn': [int(x) for x in ev[3]], 'dur': [int(x) for x in ev[4]]}
    else:
        with open(path, 'rb') as f:
            b = f.read()
        data, sf = numpy_gdf_decode(b)
        entry.update(reference='numpy (MNE reads a single data type per file)', sfreqs=sf,
                     data=[[float(x) for x in ch] for ch in data])
    return entry


def make_gdf_golden():
    os.makedirs(GDF_OUT, exist_ok=True)
    out = []
    for name, (b, mne_ok) in crafted_gdfs().items():
        p = os.path.join(GDF_OUT, name)
        with open(p, 'wb') as f:
            f.write(b)
        out.append(gdf_reference(p, mne_ok, 'test/golden/gdf/' + name))
    real = os.path.join(DATA, 'eeg', 'edf-conformance', 'mne-testing-data', 'test_1ch.gdf')
    if os.path.exists(real):
        e = gdf_reference(real, True, 'eeg/edf-conformance/mne-testing-data/test_1ch.gdf')
        e['shared'] = True
        out.append(e)
    with open(os.path.join(GDF_OUT, 'gdf.json'), 'w') as f:
        json.dump(out, f, indent=None, separators=(',', ':'))
        f.write('\n')
    print('gdf:', [e['file'] for e in out])


# --------------------------------------------------------------------------------------------
# NIfTI
# --------------------------------------------------------------------------------------------

def patch_scaling(path, version, endian, slope, inter):
    """Write scl_slope/scl_inter into a saved uncompressed file (NIfTI-1: f32 at 112/116,
    NIfTI-2: f64 at 176/184)."""
    with open(path, 'r+b') as f:
        if version == 1:
            f.seek(112)
            f.write(struct.pack(endian + 'ff', slope, inter))
        else:
            f.seek(176)
            f.write(struct.pack(endian + 'dd', slope, inter))


def crafted_niftis():
    import nibabel as nib
    os.makedirs(NII_OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    made = []

    def save(img, name):
        p = os.path.join(NII_OUT, name)
        nib.save(img, p)
        made.append(p)

    # int8, qform only (rotation + qfac -1), sform_code 0 -> affine is the qform.
    a = rng.integers(-128, 128, (4, 3, 2), dtype=np.int8)
    img = nib.Nifti1Image(a, None)
    th = 0.3
    R = np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1]])
    aff = np.eye(4)
    aff[:3, :3] = R @ np.diag([1.5, 2.0, -2.5])
    aff[:3, 3] = [10, -20, 30]
    img.set_qform(aff, code=1)
    img.set_sform(None, code=0)
    save(img, 'crafted_int8_qform.nii')

    # big-endian uint16 with scaling, no qform/sform -> fallback affine.
    a = rng.integers(0, 65536, (5, 4, 3), dtype=np.uint16)
    hdr = nib.Nifti1Header(endianness='>')
    hdr.set_data_dtype(np.uint16)
    img = nib.Nifti1Image(a, None, header=hdr)
    img.set_qform(None, code=0)
    img.set_sform(None, code=0)
    img.header.set_zooms((2.0, 3.0, 4.0))
    save(img, 'crafted_uint16_be_fallback.nii')
    patch_scaling(made[-1], 1, '>', 2.0, -5.0)  # nibabel recomputes scaling on save; set it after
    with open(made[-1], 'r+b') as f:  # and it sets an sform from the (None) affine: clear both codes
        f.seek(252)
        f.write(struct.pack('>hh', 0, 0))
        f.seek(80)  # pixdim[1:4] (nibabel re-derived them from the affine)
        f.write(struct.pack('>fff', 2.0, 3.0, 4.0))

    # float64 5-D with a header extension, gzip.
    a = rng.normal(0, 1, (3, 2, 2, 2, 2))
    img = nib.Nifti1Image(a, np.diag([2.0, 2.0, 2.0, 1.0]))
    img.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'dendrite test extension, padded'))
    img.header.set_xyzt_units('mm', 'msec')
    save(img, 'crafted_float64_5d_ext.nii.gz')

    # uint32 and int64 (values within 2^53).
    a = rng.integers(0, 2**32, (3, 3, 3), dtype=np.uint32)
    save(nib.Nifti1Image(a, np.eye(4)), 'crafted_uint32.nii')
    a = rng.integers(-2**50, 2**50, (2, 3, 4), dtype=np.int64)
    save(nib.Nifti1Image(a, np.eye(4), dtype=np.int64), 'crafted_int64.nii')

    # NIfTI-2, big-endian float32 with scaling, 4-D.
    a = rng.normal(0, 10, (4, 3, 2, 3)).astype(np.float32)
    hdr = nib.Nifti2Header(endianness='>')
    hdr.set_data_dtype(np.float32)
    aff = np.array([[0.0, -2.0, 0.0, 5.0], [3.0, 0.0, 0.0, -7.0], [0.0, 0.0, 1.0, 0.5], [0, 0, 0, 1]])
    img = nib.Nifti2Image(a, aff, header=hdr)
    save(img, 'crafted_nifti2_be_float32.nii')
    patch_scaling(made[-1], 2, '>', 0.5, 1.25)
    return made


def nifti_reference(path, name):
    import nibabel as nib
    img = nib.load(path)
    # The loaded image's header has its scaling reset (the array proxy holds it): read the header
    # block itself for the stored fields.
    with open(path, 'rb') as f:
        blob = f.read()
    if blob[:2] == b'\x1f\x8b':
        blob = gzip.decompress(blob)
    h = type(img.header).from_fileobj(__import__('io').BytesIO(blob))
    raw = np.asanyarray(img.dataobj.get_unscaled()) if hasattr(img.dataobj, 'get_unscaled') else np.asanyarray(img.dataobj)
    data = img.get_fdata(dtype=np.float64)
    shape = list(img.shape)
    slope, inter = h.get_slope_inter()
    assert (slope or 1.0) == float(img.dataobj.slope) and (inter or 0.0) == float(img.dataobj.inter)
    # fixed voxel indices: corners, centre, and 8 seeded random ones
    rng = np.random.default_rng(123)
    idxs = [tuple(0 for _ in shape), tuple(s - 1 for s in shape), tuple(s // 2 for s in shape)]
    for _ in range(8):
        idxs.append(tuple(int(rng.integers(0, s)) for s in shape))
    fields = {}
    for k in ('sizeof_hdr', 'datatype', 'bitpix', 'dim', 'pixdim', 'vox_offset', 'scl_slope', 'scl_inter',
              'qform_code', 'sform_code', 'xyzt_units', 'descrip', 'magic', 'intent_code', 'cal_min', 'cal_max',
              'slice_code', 'dim_info', 'toffset', 'slice_duration', 'quatern_b', 'quatern_c', 'quatern_d',
              'qoffset_x', 'qoffset_y', 'qoffset_z', 'srow_x', 'srow_y', 'srow_z'):
        v = h[k]
        if v.dtype.kind in 'SU':
            x = v.tobytes().split(b'\0')[0]  # C string: up to the first NUL
            fields[k] = x.decode('latin-1')
        elif v.shape:
            fields[k] = [fnum(x) for x in v.tolist()]
        else:
            fields[k] = fnum(v.item())
    with open(path, 'rb') as f:
        head = f.read(4)
    gz = head[:2] == b'\x1f\x8b'
    return {
        'file': name,
        'reference': 'nibabel ' + nib.__version__,
        'version': 2 if isinstance(h, nib.Nifti2Header) else 1,
        'gzip': gz,
        'endianness': h.endianness,
        'header': fields,
        'shape': shape,
        'dtype': str(img.get_data_dtype().newbyteorder('=').name),
        'slope': None if slope is None else float(slope),
        'inter': None if inter is None else float(inter),
        'affine': img.affine.tolist(),
        'best_affine': h.get_best_affine().tolist(),
        'qform': h.get_qform().tolist(),
        'sform': h.get_sform().tolist(),
        'base_affine': h.get_base_affine().tolist(),
        'zooms': [float(z) for z in h.get_zooms()],
        'xyzt_units': list(h.get_xyzt_units()),
        'n_extensions': len(h.extensions),
        'voxels': [{'index': list(i), 'raw': float(raw[i]), 'scaled': float(data[i])} for i in idxs],
        'sum': float(data.sum()),
        'raw_sum': float(raw.astype(np.float64).sum()),
        'min': float(data.min()),
        'max': float(data.max()),
    }


def make_nifti_golden():
    out = []
    ndir = os.path.join(DATA, 'nifti')
    if os.path.isdir(ndir):
        for sub in sorted(os.listdir(ndir)):
            for fn in sorted(os.listdir(os.path.join(ndir, sub))):
                if fn.endswith('.nii') or fn.endswith('.nii.gz'):
                    e = nifti_reference(os.path.join(ndir, sub, fn), 'nifti/%s/%s' % (sub, fn))
                    e['shared'] = True
                    out.append(e)
    for p in crafted_niftis():
        out.append(nifti_reference(p, os.path.relpath(p, ROOT)))
    with open(os.path.join(NII_OUT, 'nifti.json'), 'w') as f:
        json.dump(out, f, indent=None, separators=(',', ':'))
        f.write('\n')
    print('nifti:', [e['file'] for e in out])


if __name__ == '__main__':
    make_gdf_golden()
    make_nifti_golden()
