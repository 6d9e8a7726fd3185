#!/usr/bin/python3
"""Reference decodings of the EDF/BDF conformance files and EEGMMIDB runs, made with MNE-Python.

Run from the repository root with Debian's python3 (python3-mne, python3-scipy):

    /usr/bin/python3 scripts/golden/edf_reference.py [DATA_DIR]

DATA_DIR defaults to $DENDRITE_DATA or ../shared/data.  Writes test/golden/edf/<file>.json, one per
EDF/BDF file (GDF files are skipped), each well under 50 KB:

- ``ch_names``, ``sfreq``, ``n_times``, ``meas_date`` (ISO, MNE's: whole seconds), ``annotations``
  ([onset, duration, description], as MNE reports them: onsets relative to the first record's
  time-keeping TAL) from ``mne.io.read_raw_edf/read_raw_bdf(path, preload=True)``;
- ``channels``: for every signal channel (file order, annotation channels left out), the values
  of ``raw.get_data()`` read at the channel's *own* rate: MNE resamples every channel to the
  highest rate when rates differ, so for such files the script re-reads the file once per rate,
  with ``exclude=`` every channel of another rate, which makes MNE return that group unresampled.
  Per channel: ``name`` (as stored), ``sfreq``, ``n``, ``stim`` (MNE treats it as a stim
  channel: stored unscaled and masked to 17 bits), ``sum``, ``abs_sum``, ``first`` (5 samples),
  ``mid_start`` and ``mid`` (5 samples from the middle), ``last`` (the last 3 samples).
- ``eeglab``: for test.edf / test.bdf, values from test_edf_eeglab.mat / test_bdf_eeglab.mat
  (EEGLAB's decoding, float32, microvolts): per-channel float64 sums, and the first and middle 5
  samples of a few channels; ``uneven``: for test_uneven_samp.edf, test_uneven_samp.mat's 1600 Hz
  grid taken at each channel's own sample times (each sample is repeated 16x / 125x there).
"""
import json
import os
import sys
import warnings

import numpy as np
import mne
import scipy.io

mne.set_log_level('ERROR')
warnings.simplefilter('ignore')

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.path.join(ROOT, 'test', 'golden', 'edf')


def f(x):
    return float(repr(float(x))) if np.isfinite(x) else None


def fl(a):
    return [f(x) for x in a]


def header_signals(path):
    """(label, samples per record, is-TAL) per signal, straight from the header bytes."""
    with open(path, 'rb') as fh:
        h = fh.read(256)
        ns = int(h[252:256].decode('latin-1').strip())
        rest = fh.read(256 * ns)
    labels = [rest[16 * i:16 * i + 16].decode('latin-1').strip() for i in range(ns)]
    off = ns * (16 + 80 + 8 + 8 * 4 + 80)
    nsamp = [int(rest[off + 8 * i:off + 8 * i + 8].decode('latin-1').strip()) for i in range(ns)]
    return [(lab, n, lab in ('EDF Annotations', 'BDF Annotations')) for lab, n in zip(labels, nsamp)]


def read(path, **kw):
    fn = mne.io.read_raw_bdf if path.lower().endswith('.bdf') else mne.io.read_raw_edf
    return fn(path, preload=True, **kw)


def channel_entry(name, x, sfreq, stim):
    n = len(x)
    mid = n // 2
    return dict(name=name, sfreq=f(sfreq), n=n, stim=stim, sum=f(np.sum(x)), abs_sum=f(np.sum(np.abs(x))),
                first=fl(x[:5]), mid_start=mid, mid=fl(x[mid:mid + 5]), last=fl(x[-3:]))


def dump(path, rel):
    raw = read(path)
    sigs = [s for s in header_signals(path) if not s[2]]
    out = dict(file=rel, mne_version=mne.__version__, ch_names=list(raw.ch_names), sfreq=f(raw.info['sfreq']),
               n_times=int(raw.n_times),
               meas_date=raw.info['meas_date'].isoformat() if raw.info['meas_date'] else None,
               annotations=[[f(a['onset']), f(a['duration']), a['description']] for a in raw.annotations])
    if not sigs:
        # Annotation-only file: read_raw_* crops the annotations to its 1-sample-record stand-in
        # (one record of 1 s), so take them from mne.read_annotations, which parses the whole file.
        ann = mne.read_annotations(path)
        out['annotations'] = [[f(o), f(d), t] for o, d, t in zip(ann.onset, ann.duration, ann.description)]
        out['annotations_from'] = 'mne.read_annotations'
    chans = [None] * len(sigs)
    rates = sorted(set(n for _, n, _ in sigs))
    dur = (1.0 / raw.info['sfreq']) * max(n for _, n, _ in sigs) if sigs else 0  # record duration
    for r in rates:
        idx = [i for i, s in enumerate(sigs) if s[1] == r]
        if len(rates) == 1:
            sub = raw
        else:
            other = sorted(set(s[0] for s in sigs if s[1] != r))
            sub = read(path, exclude=other)
            assert len(sub.ch_names) == len(idx), (rel, r)
        data = sub.get_data()
        types = sub.get_channel_types()
        for j, i in enumerate(idx):
            chans[i] = channel_entry(sigs[i][0], data[j], r / dur if dur else 0, types[j] == 'stim')
    out['channels'] = chans
    base = os.path.basename(path)
    d = os.path.dirname(path)
    if base in ('test.edf', 'test.bdf'):
        mat = scipy.io.loadmat(os.path.join(d, 'test_%s_eeglab.mat' % base[-3:]))['data']
        pick = [0, 1, mat.shape[0] // 2, mat.shape[0] - 1]
        mid = mat.shape[1] // 2
        out['eeglab'] = dict(shape=list(mat.shape), unit='uV', sums=fl(mat.astype(np.float64).sum(axis=1)),
                             picks=pick, mid_start=mid,
                             first=[fl(mat[p, :5]) for p in pick], mid=[fl(mat[p, mid:mid + 5]) for p in pick])
    if base == 'test_uneven_samp.edf':
        mat = scipy.io.loadmat(os.path.join(d, 'test_uneven_samp.mat'))['data'].astype(np.float64)
        uneven = dict(grid_sfreq=1600, channels=[])
        for c, rep in enumerate([16, 125]):
            own = mat[c, ::rep]
            assert np.all(mat[c].reshape(-1, rep) == own[:, None]), 'not a sample-and-hold grid'
            mid = len(own) // 2
            uneven['channels'].append(dict(repeat=rep, n=len(own), sum=f(own.sum()), first=fl(own[:5]),
                                           mid_start=mid, mid=fl(own[mid:mid + 5])))
        out['uneven'] = uneven
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    files = []
    conf = os.path.join(DATA, 'eeg', 'edf-conformance')
    for sub in sorted(os.listdir(conf)):
        for name in sorted(os.listdir(os.path.join(conf, sub))):
            if name.lower().endswith(('.edf', '.bdf')):
                files.append((os.path.join(conf, sub, name), 'eeg/edf-conformance/%s/%s' % (sub, name)))
    mm = os.path.join(DATA, 'eeg', 'eegmmidb')
    for name in sorted(os.listdir(mm)):
        if name.endswith('.edf'):
            files.append((os.path.join(mm, name), 'eeg/eegmmidb/' + name))
    for path, rel in files:
        out = dump(path, rel)
        text = json.dumps(out, ensure_ascii=False, separators=(',', ':'))
        dst = os.path.join(OUT, os.path.basename(path) + '.json')
        with open(dst, 'w', encoding='utf-8') as fh:
            fh.write(text + '\n')
        print('%-60s %6d bytes  %d channels, %d annotations' % (rel, len(text), len(out['channels']), len(out['annotations'])))
        assert len(text) < 50_000, dst


if __name__ == '__main__':
    main()
