"""Reference values for dendrite's in-silico electrophysiology (src/insight/electrophys).

The formulas are Brain-Score's (Marques et al. 2021; brainscore_vision benchmark_helpers/
properties_common.py and the Ringach 2002 benchmark), re-implemented here with numpy/scipy:
F0/F1 via np.fft, circular variance, orientation bandwidth via scipy's UnivariateSpline(s=0),
orthogonal/preferred ratio, the affine firing-rate map, the binned KS similarity; and
scipy.stats' ks_2samp statistic and exact Mann-Whitney U p-values; PIL's decoding of the
natural-image PNGs.

Run with Debian's python3:  /usr/bin/python3 scripts/golden/insight_v1.py
Writes test/golden/insight/v1.json.
"""
import json
import os

import numpy as np
from scipy.interpolate import UnivariateSpline
from scipy.stats import ks_2samp, mannwhitneyu

rng = np.random.default_rng(14)
ORI = np.arange(12) * 15.0


def calc_circular_variance(curve, ori):
    v = curve.dot(np.exp(1j * 2 * ori / 180 * np.pi))
    return float(1 - np.abs(v) / np.sum(np.abs(curve)))


def calc_bandwidth(curve, ori, thrsh=0.707):
    or_ext = np.hstack((ori - 180, ori, ori + 180))
    ext = np.tile(curve, (1, 3))
    w = np.array([0, 2 / 5, 1, 2 / 5, 0])
    ext = np.convolve(w / w.sum(), np.squeeze(ext), mode='same')
    spl = UnivariateSpline(or_ext, ext, s=0.)
    full_x = np.linspace(-180, 359, 540)
    full = spl(full_x)
    pref = np.argmax(full[180:360])
    mx = full[pref + 180]
    try:
        less = np.where(full <= mx * thrsh)[0][:]
        p1 = full_x[less[np.where(less < pref + 180)[0][-1]]]
        p2 = full_x[less[np.where(less > pref + 180)[0][0]]]
        bw = p2 - p1
        if bw > 180:
            bw = np.nan
    except IndexError:
        bw = np.nan
    return float(bw / 2), full.tolist()


def calc_opr(curve):
    p = np.argmax(curve)
    o = p + len(curve) // 2
    if o >= len(curve):
        o -= len(curve)
    return float(curve[o] / curve[p])


def unit_properties(resp, sfs, nph):
    r = resp.reshape(len(sfs), len(ORI), nph)
    dc = r.mean(axis=2)
    ac = np.abs(np.fft.fft(r, axis=2))[:, :, 1] * 2 / nph
    s, o = np.unravel_index(np.argmax(dc), dc.shape)
    curve = dc[s]
    return dict(maxDc=float(dc[s, o]), minDc=float(curve.min()), maxAc=float(ac[s, o]),
                modulationRatio=float(ac[s, o] / dc[s, o]), circularVariance=calc_circular_variance(curve, ORI),
                bandwidth=calc_bandwidth(curve, ORI)[0], orthogonalPreferredRatio=calc_opr(curve),
                preferredOrientation=float(ORI[o]), preferredSf=float(sfs[s]), f0=dc.ravel().tolist(), f1=ac.ravel().tolist())


def ks_similarity(p, q):
    z1 = np.zeros_like(p); z2 = np.zeros_like(p); z1[0] = 1; z2[-1] = 1
    raw = np.max(np.abs(np.cumsum(p) - np.cumsum(q)))
    m1 = np.max(np.abs(np.cumsum(z1) - np.cumsum(q)))
    m2 = np.max(np.abs(np.cumsum(z2) - np.cumsum(q)))
    return float(1 - raw / max(m1, m2))


def affine(blank, peak):
    blank = np.maximum(blank, 0); peak = np.maximum(peak, 0)
    resp = (peak - blank) > (5 / 243.1) * np.max(peak - blank)
    mb = np.median(blank[resp]); mp = np.median(peak[resp])
    slope = (33.8 - 0.82) / (mp - mb)
    return dict(slope=float(slope), offset=float(0.82 - slope * mb))


def tuned_curve(pref, width, base, amp):
    d = np.angle(np.exp(1j * 2 * np.deg2rad(ORI - pref))) / 2  # orientation difference in radians, period 180°
    return base + amp * np.exp(-0.5 * (np.rad2deg(d) / width) ** 2)


out = {}
curves = [tuned_curve(37, 12, 1, 20), tuned_curve(90, 25, 3, 10), tuned_curve(160, 8, 0.5, 40),
          rng.uniform(0.5, 2, 12), tuned_curve(0, 60, 2, 5)]
out['curves'] = []
for c in curves:
    bw, full = calc_bandwidth(c, ORI)
    out['curves'].append(dict(curve=c.tolist(), circularVariance=calc_circular_variance(c, ORI), bandwidth=bw,
                              orthogonalPreferredRatio=calc_opr(c), splineFull=full if len(out['curves']) == 1 else None))

sfs = np.array([2.0, 4.0, 8.0])
units = []
for k in range(4):
    nph = 8
    resp = rng.gamma(2.0, 3.0, size=len(sfs) * 12 * nph)
    if k == 1:  # a simple-cell-like unit: half-wave rectified phase modulation
        ph = np.arange(nph) * 2 * np.pi / nph
        resp = np.concatenate([np.maximum(0, 10 * np.cos(ph + 0.3 * i)) + 0.1 for i in range(len(sfs) * 12)])
    units.append(dict(resp=resp.tolist(), sfs=sfs.tolist(), nPhases=nph, **unit_properties(resp, sfs, nph)))
out['units'] = units

hists = []
for _ in range(3):
    p = rng.random(10); p /= p.sum(); q = rng.random(10); q /= q.sum()
    hists.append(dict(p=p.tolist(), q=q.tolist(), similarity=ks_similarity(p, q)))
vals = rng.lognormal(-0.5, 0.6, 50)
bins = np.linspace(0, 2, 11)
h = np.histogram(np.clip(vals, 0, 2), bins=bins)[0]
out['histogram'] = dict(values=vals.tolist(), bins=bins.tolist(), counts=h.tolist())
out['ksSimilarity'] = hists

a = rng.normal(0, 1, 23); b = rng.normal(0.6, 1.3, 17)
out['ks2'] = dict(a=a.tolist(), b=b.tolist(), statistic=float(ks_2samp(a, b).statistic))
mw = []
for n1, n2, shift in [(6, 6, 1.0), (16, 6, 0.5), (23, 17, 0.6), (40, 64, 0.2)]:
    x = rng.normal(0, 1, n1); y = rng.normal(shift, 1, n2)
    r = mannwhitneyu(x, y, alternative='two-sided', method='exact')
    mw.append(dict(a=x.tolist(), b=y.tolist(), u=float(r.statistic), p=float(r.pvalue)))
out['mannWhitney'] = mw

blank = rng.normal(0.2, 0.3, 30); peak = blank + rng.gamma(1.5, 2.0, 30)
out['affine'] = dict(blank=blank.tolist(), peak=peak.tolist(), **affine(blank, peak))

# PNG decoding reference: PIL's pixels of the skimage natural images (sums and a pixel grid)
png = {}
data = os.environ.get('DENDRITE_DATA', os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'data'))
try:
    from PIL import Image
    for name in ['camera.png', 'astronaut.png', 'chelsea.png']:
        a = np.asarray(Image.open(os.path.join(data, 'natural-images', 'skimage', name)))
        png[name] = dict(shape=list(a.shape), sum=int(a.astype(np.int64).sum()),
                         grid=a[::37, ::41].ravel().astype(int).tolist())
except FileNotFoundError:
    pass
out['png'] = png


def nan_to_null(v):
    # JSON has no NaN: an undefined bandwidth is written as null
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: nan_to_null(x) for k, x in v.items()}
    if isinstance(v, list):
        return [nan_to_null(x) for x in v]
    return v


path = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'insight', 'v1.json')
with open(path, 'w') as f:
    json.dump(nan_to_null(out), f, allow_nan=False)
print('wrote', os.path.normpath(path))
