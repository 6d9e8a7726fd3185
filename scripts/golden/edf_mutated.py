#!/usr/bin/python3
"""MNE-Python's reading of real EDF files changed in a few bytes: repeated channel labels, Latin-1
annotation text, an invalid EDF+ Startdate, and EDF+D files whose records have gaps.

Run from the repository root with Debian's python3 (python3-mne):

    /usr/bin/python3 scripts/golden/edf_mutated.py [DATA_DIR]

DATA_DIR defaults to $DENDRITE_DATA or ../shared/data.  Writes test/golden/edf/mutated/<case>.json.
Each holds the source file (relative to DATA_DIR), the change as byte patches
(``[[offset, hex], ...]``, applied to the source in order, so the test rebuilds the same bytes
without Python), and what ``mne.io.read_raw_edf(path, preload=True)`` gives for the patched
file: ``ch_names``, ``meas_date``, ``n_times``, ``annotations`` (MNE's onsets: file clock,
rounded to microseconds), the warnings MNE issued, and for a few channels (by MNE name) the
same per-channel values as edf_reference.py (sum, first/mid/last samples).
"""
import json
import os
import sys
import tempfile
import warnings

import numpy as np
import mne

mne.set_log_level('ERROR')

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.path.join(ROOT, 'test', 'golden', 'edf', 'mutated')

R04 = 'eeg/eegmmidb/S001R04.edf'
SUB = 'eeg/edf-conformance/mne-testing-data/subsecond_starttime.edf'


def f(x):
    return float(repr(float(x)))


def fl(a):
    return [f(x) for x in a]


class Edf:
    """Header geometry of an EDF file, enough to patch labels, fields and TAL signals."""

    def __init__(self, data):
        self.b = bytearray(data)
        self.ns = int(self.b[252:256].decode('latin-1'))
        self.hb = 256 * (self.ns + 1)
        off = 256 + self.ns * 216
        self.spr = [int(self.b[off + 8 * i:off + 8 * i + 8].decode('latin-1')) for i in range(self.ns)]
        self.rb = 2 * sum(self.spr)
        self.nrec = (len(self.b) - self.hb) // self.rb
        self.tal = self.ns - 1  # the files used here keep their one TAL signal last
        self.tal_off = 2 * sum(self.spr[:self.tal])
        self.tal_len = 2 * self.spr[self.tal]

    def set(self, at, length, text):
        raw = text.encode('latin-1') if isinstance(text, str) else text
        assert len(raw) <= length
        self.b[at:at + length] = raw + b' ' * (length - len(raw))

    def label(self, i, text):
        self.set(256 + 16 * i, 16, text)

    def tals(self, r):
        at = self.hb + r * self.rb + self.tal_off
        return [t for t in bytes(self.b[at:at + self.tal_len]).split(b'\x00') if t]

    def set_tals(self, r, tals):
        at = self.hb + r * self.rb + self.tal_off
        body = b''.join(t + b'\x00' for t in tals)
        assert len(body) <= self.tal_len, (r, body)
        self.b[at:at + self.tal_len] = body + b'\x00' * (self.tal_len - len(body))


def shift_tal(tal, dt):
    """The TAL with its onset moved by dt seconds (onset text rewritten, the rest kept)."""
    sep = tal.index(b'\x14')
    stamp = tal[:sep].decode('latin-1')
    d = stamp.find('\x15')
    onset, rest = (stamp, '') if d < 0 else (stamp[:d], stamp[d:])
    new = repr(float(onset) + dt) if '.' in onset or dt != int(dt) else str(int(onset) + int(dt))
    if not new.startswith('-'):
        new = '+' + new
    return (new + rest).encode('latin-1') + tal[sep:]


def patches(base, new):
    """Runs of changed bytes as [offset, hex]."""
    assert len(base) == len(new)
    out, i = [], 0
    while i < len(base):
        if base[i] != new[i]:
            j = i
            while j < len(base) and base[j] != new[j]:
                j += 1
            out.append([i, bytes(new[i:j]).hex()])
            i = j
        else:
            i += 1
    return out


def channel(raw, name):
    x = raw.get_data(picks=[name])[0]
    n = len(x)
    mid = n // 2
    return dict(name=name, n=n, sum=f(np.sum(x)), abs_sum=f(np.sum(np.abs(x))), first=fl(x[:5]),
                mid_start=mid, mid=fl(x[mid:mid + 5]), last=fl(x[-3:]))


def run_mne(data, picks, **kw):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'case.edf')
        with open(path, 'wb') as fh:
            fh.write(data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            mne.set_log_level('WARNING')
            raw = mne.io.read_raw_edf(path, preload=True, **kw)
            mne.set_log_level('ERROR')
        return dict(
            kwargs=kw, ch_names=list(raw.ch_names), n_times=int(raw.n_times),
            meas_date=raw.info['meas_date'].isoformat() if raw.info['meas_date'] else None,
            annotations=[[f(a['onset']), f(a['duration']), a['description']] for a in raw.annotations],
            warnings=sorted(set(str(w.message) for w in caught)),
            channels=[channel(raw, p) for p in picks])


def mne_error(data, **kw):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'case.edf')
        with open(path, 'wb') as fh:
            fh.write(data)
        try:
            mne.io.read_raw_edf(path, preload=True, **kw)
        except Exception as e:  # noqa: BLE001 - recorded for the golden file
            return '%s: %s' % (type(e).__name__, e)
    return None


def case_duplicate_labels():
    base = open(os.path.join(DATA, R04), 'rb').read()
    e = Edf(base)
    # 'C3..' four times (signals 0, 1, 2 and its own 8); 'Q', 'Q', 'Q-0': the second rule
    # ('-0' taken, so '-a') applies.
    for i in (0, 1, 2):
        e.label(i, 'C3..')
    e.label(10, 'Q')
    e.label(11, 'Q')
    e.label(12, 'Q-0')
    mne_out = run_mne(bytes(e.b), ['C3..-0', 'C3..-3', 'Q-a', 'Q-1', 'Q-0'])
    return dict(source=R04, what='repeated channel labels', patches=patches(base, e.b), mne=mne_out)


def case_latin1_annotation():
    base = open(os.path.join(DATA, R04), 'rb').read()
    e = Edf(base)
    tals = e.tals(0)  # [b'+0\x14\x14', b'+0\x154.2\x14T0\x14']
    assert tals[1] == b'+0\x154.2\x14T0\x14', tals
    tals[1] = b'+0\x154.2\x14\xb5\xe9\x14'  # 'µé' in Latin-1, not valid UTF-8
    e.set_tals(0, tals)
    r = next(r for r in range(50, e.nrec) if any(b'T2' in t for t in e.tals(r)))
    e.set_tals(r, [t.replace(b'T2', b'T\xe4') for t in e.tals(r)])  # 'Tä'
    data = bytes(e.b)
    return dict(source=R04, what='Latin-1 annotation text', patches=patches(base, e.b),
                mne=run_mne(data, ['Fc5.'], encoding='latin1'), mne_utf8_error=mne_error(data))


def case_startdate(startdate, header_date):
    base = open(os.path.join(DATA, SUB), 'rb').read()
    e = Edf(base)
    rec = bytes(e.b[88:168]).decode('latin-1')
    assert rec.startswith('Startdate 24-JAN-2020 ')
    e.set(88, 80, rec.replace('24-JAN-2020', startdate, 1).rstrip())
    e.set(168, 8, header_date)
    return dict(source=SUB, what='EDF+ Startdate %s, header date %s' % (startdate, header_date),
                patches=patches(base, e.b), mne=run_mne(bytes(e.b), ['Fp1']))


def case_edfd_gaps():
    """S001R04 as EDF+D: records 40-89 start 3 s late, records 90-124 10.5 s late."""
    base = open(os.path.join(DATA, R04), 'rb').read()
    e = Edf(base)
    e.set(192, 44, 'EDF+D')
    for r in range(40, e.nrec):
        dt = 3 if r < 90 else 10.5
        e.set_tals(r, [shift_tal(t, dt) for t in e.tals(r)])
    return dict(source=R04, what='EDF+D, gaps of 3 s before record 40 and 7.5 s before record 90',
                patches=patches(base, e.b), mne=run_mne(bytes(e.b), ['Fc5.', 'Iz..']))


def case_edfd_huge(onset):
    """subsecond_starttime.edf as EDF+D whose last record starts `onset` s after the first."""
    base = open(os.path.join(DATA, SUB), 'rb').read()
    e = Edf(base)
    e.set(192, 44, 'EDF+D')
    tals = e.tals(4)
    assert tals[0] == b'+4.3945312\x14\x14', tals
    tals[0] = ('+%s.3945312\x14\x14' % onset).encode('latin-1')
    e.set_tals(4, tals)
    return dict(source=SUB, what='EDF+D, last record at +%s s' % onset, patches=patches(base, e.b),
                mne=run_mne(bytes(e.b), ['Fp1', 'T3']))


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {
        'duplicate_labels': case_duplicate_labels(),
        'latin1_annotation': case_latin1_annotation(),
        'startdate_invalid_day': case_startdate('31-FEB-2020', '23.01.20'),
        'startdate_day_zero': case_startdate('00-JAN-2020', '23.01.20'),
        'startdate_valid': case_startdate('25-JAN-2020', '23.01.20'),
        'edfd_gaps': case_edfd_gaps(),
        'edfd_huge_onset': case_edfd_huge(1000000),
        'edfd_huger_onset': case_edfd_huge(99999999999),
    }
    for name, c in cases.items():
        c['mne_version'] = mne.__version__
        text = json.dumps(c, ensure_ascii=False, separators=(',', ':'))
        with open(os.path.join(OUT, name + '.json'), 'w', encoding='utf-8') as fh:
            fh.write(text + '\n')
        print('%-24s %6d bytes  %s' % (name, len(text), c['what']))
        assert len(text) < 50_000, name


if __name__ == '__main__':
    main()
