"""Reference values for src/neuro/spikes (test/golden/spikes.json).

Run with Debian's python3 (numpy 1.24, scipy 1.10; float64 throughout):

    /usr/bin/python3 scripts/golden/spikes_reference.py

Elephant is not packaged for Debian and cannot be installed here, so this script computes
Elephant's documented definitions independently with numpy/scipy, taking the same numerical
steps Elephant takes (elephant 1.x sources: conversion.BinnedSpikeTrain and round_binning_errors,
statistics.instantaneous_rate / time_histogram / cv / cv2 / lv / lvr / fanofactor,
kernels.*Kernel, spike_train_correlation.cross_correlation_histogram / correlation_coefficient):
numpy.histogram and scipy.signal.fftconvolve for rates, scipy.stats densities and
scipy.optimize.fsolve (xtol=1e-7) for the kernels, numpy.correlate and numpy.corrcoef for
correlations. Spike history follows get_spikes_with_history of KordingLab/Neural_Decoding
(preprocessing_funcs.py), rewritten here with the same indexing.

Inputs: small fixed spike trains (spikes on bin edges, at t_stop, rounding cases) and two real
recordings from ../shared/data/spikes/kramer-eden-case-studies (override the folder with
DENDRITE_DATA): 08_spikes-1.mat (retinal neuron, SpikesLow / SpikesHigh spike times over 30 s)
and 10_spikes-1.mat (STN neuron, `train` 50 trials x 2000 1-ms indicator, t = -1000..999 ms).
The recordings' spike times are stored in the output, so the tests need no data files.
Long outputs are stored as spot values every `step` samples plus sum, sum |y| and sum y^2.
"""
import json
import os

import numpy as np
import scipy
import scipy.io
import scipy.optimize
import scipy.signal
import scipy.stats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "golden", "spikes.json")
DATA = os.environ.get("DENDRITE_DATA", os.path.join(ROOT, "..", "shared", "data"))
KE = os.path.join(DATA, "spikes", "kramer-eden-case-studies")


def flist(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, float).ravel()]


def summary(y, step=16):
    y = np.asarray(y, float).ravel()
    step = max(step, y.size // 400)  # at most ~400 spot values
    return dict(n=int(y.size), step=step, spots=[float(v) for v in y[::step]], sum=float(y.sum()),
                sumAbs=float(np.abs(y).sum()), sumSq=float((y * y).sum()))


# ---------------------------------------------------------------- binning (BinnedSpikeTrain)

def round_binning_errors(x, tol=1e-8):
    # elephant.utils.round_binning_errors: values within tol below an integer go up to it
    x = np.array(x, dtype=float, copy=True)
    if tol:
        mask = 1 - tol <= x % 1
        x[mask] += 0.5
    return np.floor(x).astype(np.int64)


def binned(trains, bin_size, t_start, t_stop, tol=1e-8):
    n_bins = int(round_binning_errors(np.array([(t_stop - t_start) / bin_size]), tol)[0])
    counts = np.zeros((len(trains), n_bins))
    scale = 1 / bin_size
    for u, st in enumerate(trains):
        st = np.asarray(st, float)
        t = st[(st >= t_start) & (st <= t_stop)] - t_start
        bins = round_binning_errors(t * scale, tol)
        bins = bins[bins < n_bins]
        idx, c = np.unique(bins, return_counts=True)
        counts[u, idx] = c
    edges = np.linspace(t_start, t_start + n_bins * bin_size, n_bins + 1)
    return counts, edges


# ---------------------------------------------------------------- kernels and instantaneous_rate

SQ2 = np.sqrt(2)
MIN_CUTOFF = dict(gaussian=3.0, laplacian=3.0, exponential=3.0, alpha=3.0,
                  rectangular=np.sqrt(3.0), triangular=np.sqrt(6.0), epanechnikov=np.sqrt(5.0))


def alpha_cdf(t, tau, invert):
    if invert:
        t = np.minimum(t, 0)
        return np.exp(t / tau) * (tau - t) / tau
    t = np.maximum(t, 0)
    return 1 - np.exp(-t / tau) * (t + tau) / tau


def kernel_pdf(name, sigma, invert, t):
    t = np.asarray(t, float)
    if name == "gaussian":
        return scipy.stats.norm.pdf(t, loc=0, scale=sigma)
    if name == "laplacian":
        return scipy.stats.laplace.pdf(t, loc=0, scale=sigma / np.sqrt(2))
    if name == "exponential":
        return scipy.stats.expon.pdf(-t if invert else t, loc=0, scale=sigma)
    if name == "alpha":
        tau = sigma / np.sqrt(2)
        x = -t if invert else t
        return (x >= 0) * 1 / tau ** 2 * x * np.exp(-x / tau)
    if name == "rectangular":
        tau = np.sqrt(3) * sigma
        return (np.abs(t) < tau) * 1 / (2 * tau)
    if name == "triangular":
        tau = np.sqrt(6) * sigma
        return scipy.stats.triang.pdf(t, c=0.5, loc=-tau, scale=2 * tau)
    if name == "epanechnikov":
        d = np.sqrt(5) * sigma
        y = np.clip(t / d, -1, 1)
        return 3.0 / (4.0 * d) * np.maximum(0.0, 1 - y ** 2)
    raise ValueError(name)


def kernel_median(name, sigma, invert):
    # Kernel.icdf(0.5) as Elephant computes it
    if name == "gaussian":
        return scipy.stats.norm.ppf(0.5, loc=0, scale=sigma)
    if name == "laplacian":
        return scipy.stats.laplace.ppf(0.5, loc=0, scale=sigma / np.sqrt(2))
    if name == "exponential":
        return sigma * np.log(0.5) if invert else -sigma * np.log(1.0 - 0.5)
    if name == "alpha":
        # Elephant solves in the units sigma is given in, from x0 = 0.5 (-0.5 inverted); for a
        # magnitude well below 0.5 fsolve can stop at a wrong point (sigma = 0.03 s gives 5.16 tau
        # instead of 1.678 tau), so sigma is taken in ms below 1 s, as a user would write it
        unit = 1e-3 if sigma < 1 else 1.0
        tau = sigma / unit / np.sqrt(2)
        x0 = 0.5 if not invert else 0.5 - 1
        return scipy.optimize.fsolve(lambda x: alpha_cdf(x, tau, invert) - 0.5, x0=x0, xtol=1e-7)[0] * unit
    if name == "rectangular":
        return np.sqrt(3) * sigma * (2 * 0.5 - 1)
    if name == "triangular":
        tau = np.sqrt(6) * sigma
        return scipy.stats.triang.ppf(0.5, c=0.5, loc=-tau, scale=2 * tau)
    if name == "epanechnikov":
        roots = np.roots([-1. / 4, 0, 3. / 4, 0.5 - 0.5])
        r = next(root for root in roots if -1 <= root <= 1)
        return float(np.real(r)) * np.sqrt(5) * sigma
    raise ValueError(name)


def instantaneous_rate(trains, sp, name, sigma, t_start, t_stop, invert=False, cutoff=5.0, center=True):
    # elephant.statistics.instantaneous_rate (trim=False, border_correction=False), in seconds
    n_bins = int((t_stop - t_start) / sp)
    hist_range = (t_start, t_start + n_bins * sp)
    hist = np.zeros((len(trains), n_bins))
    for i, st in enumerate(trains):
        hist[i], _ = np.histogram(np.asarray(st, float), bins=n_bins, range=hist_range)
    hist = hist.T
    cutoff = max(cutoff, MIN_CUTOFF[name])
    cutoff_sigma = cutoff * sigma
    median = kernel_median(name, sigma, invert) if center else 0.0
    n_half = int(np.ceil(cutoff * (sigma / sp)))
    t_arr = np.linspace(-cutoff_sigma + median, cutoff_sigma + median, num=2 * n_half + 1, endpoint=True)
    k = np.expand_dims(kernel_pdf(name, sigma, invert, t_arr), axis=1)
    rate = scipy.signal.fftconvolve(hist, k, mode="same")
    return np.clip(rate, 0, None), t_arr, k.ravel()


# ---------------------------------------------------------------- statistics

def cv2(v):
    v = np.asarray(v, float)
    return 2. * np.mean(np.abs(np.diff(v) / (v[:-1] + v[1:])))


def lv(v):
    v = np.asarray(v, float)
    return 3. * np.mean(np.power(np.diff(v) / (v[:-1] + v[1:]), 2))


def lvr(v, R):
    v = np.asarray(v, float)
    N = len(v)
    t = v[:-1] + v[1:]
    frac1 = 4 * v[:-1] * v[1:] / t ** 2
    frac2 = 4 * R / t
    return (3 / (N - 1)) * np.sum((1 - frac1) * (1 + frac2))


def fanofactor(trains):
    c = np.array([len(t) for t in trains])
    return float(c.var() / c.mean()) if c.any() else None


def time_histogram(trains, bin_size, t_start, t_stop, output, binary=False):
    counts, edges = binned(trains, bin_size, t_start, t_stop)
    if binary:
        counts = (counts > 0).astype(float)
    h = counts.sum(axis=0)
    if output == "mean":
        h = h / len(trains)
    elif output == "rate":
        h = h / (len(trains) * bin_size)
    return h, edges


# ---------------------------------------------------------------- history (Neural_Decoding)

def spikes_with_history(data, before, after, current=1):
    T, N = data.shape
    L = before + after + current
    X = np.full((T, L, N), np.nan)
    for i in range(T - before - after):
        # row i + before holds rows i .. i + L - 1 of the data
        X[i + before] = data[i:i + L]
    return X


# ---------------------------------------------------------------- correlation

def cch(ci, cj, window=None, binary=False):
    # lag k: sum_t ci[t] * cj[t + k]; numpy.correlate(cj, ci, 'full')[k + len(ci) - 1]
    ci = np.asarray(ci, float)
    cj = np.asarray(cj, float)
    if binary:
        ci, cj = (ci > 0).astype(float), (cj > 0).astype(float)
    full = np.correlate(cj, ci, mode="full")
    lags = np.arange(-(len(ci) - 1), len(cj))
    if window is not None:
        keep = (lags >= window[0]) & (lags <= window[1])
        full, lags = full[keep], lags[keep]
    # brute-force check of the lag convention on a few lags
    for k in lags[:: max(1, len(lags) // 7)]:
        s = sum(ci[t] * cj[t + k] for t in range(len(ci)) if 0 <= t + k < len(cj))
        assert abs(s - full[k - lags[0]]) < 1e-9
    return lags, full


# ---------------------------------------------------------------- inputs

def load_inputs():
    d8 = scipy.io.loadmat(os.path.join(KE, "08_spikes-1.mat"))
    low = d8["SpikesLow"].ravel().astype(float)
    high = d8["SpikesHigh"].ravel().astype(float)
    d10 = scipy.io.loadmat(os.path.join(KE, "10_spikes-1.mat"))
    train = d10["train"]
    t_ms = d10["t"].ravel()
    assert t_ms[0] == -1000 and t_ms[-1] == 999 and train.shape == (50, 2000) and train.max() == 1
    idx = [np.nonzero(row)[0].tolist() for row in train]
    return low, high, idx


def main():
    low, high, stn_idx = load_inputs()
    retina_stop = 30.0
    # STN trials as SpikeTrain.fromIndicator builds them: spike at t_start + i*dt, window [-1, 1]
    stn_t0, stn_dt = -1.0, 0.001
    stn = [np.array([stn_t0 + i * stn_dt for i in row]) for row in stn_idx]
    stn_t1 = stn_t0 + 2000 * stn_dt

    fixed = {
        "a": dict(times=[0.0, 0.1, 0.1, 0.25, 0.3, 0.7, 0.99, 1.0, 1.05, 1.2], tStart=0.0, tStop=1.2),
        "b": dict(times=[0.05, 0.5, 0.55, 0.95, 1.1], tStart=0.0, tStop=1.2),
        "one": dict(times=[0.0], tStart=-1.0, tStop=1.0),
        "burst": dict(times=[0.1, 0.15, 0.5, 0.52, 0.53, 0.9], tStart=0.0, tStop=1.0),
    }
    out = dict(numpy_version=np.__version__, scipy_version=scipy.__version__,
               generator="scripts/golden/spikes_reference.py",
               inputs=dict(fixed=fixed,
                           retina=dict(tStart=0.0, tStop=retina_stop, low=flist(low), high=flist(high)),
                           stn=dict(tStart=stn_t0, dt=stn_dt, spikeIndices=stn_idx)))

    # --- binning
    bcases = []

    def add_bin(name, trains, bin_size, t0, t1, tol=1e-8, full=True):
        counts, edges = binned([trains_of[n] for n in trains] if isinstance(trains[0], str) else trains,
                               bin_size, t0, t1, tol)
        c = dict(name=name, binSize=bin_size, tStart=t0, tStop=t1, tolerance=tol, nBins=int(counts.shape[1]),
                 nUnits=int(counts.shape[0]), total=float(counts.sum()))
        if full:
            c.update(counts=flist(counts), edges=flist(edges))
        else:
            # per unit: spikes, sum of bin index x count, sum of index^2 x count (misplaced spikes show)
            k = np.arange(counts.shape[1])
            c.update(moments=flist(np.stack([counts.sum(1), counts @ k, counts @ (k * k)], axis=1)), edges=summary(edges, 7))
        return c

    trains_of = {k: np.array(v["times"]) for k, v in fixed.items()}
    for name, trains, bs, t0, t1, tol in [
        ("a,b 0.1 s on [0, 1]: edges, t_stop", ["a", "b"], 0.1, 0.0, 1.0, 1e-8),
        ("a,b 0.1 s on [0.1, 1.1]: 0.3 and 0.7 sit on edges up to rounding", ["a", "b"], 0.1, 0.1, 1.1, 1e-8),
        ("a,b 0.1 s on [0.1, 1.1], tolerance off", ["a", "b"], 0.1, 0.1, 1.1, 0),
        ("a 0.3 s on [0, 1]: remainder dropped", ["a"], 0.3, 0.0, 1.0, 1e-8),
        ("a 0.1 s on [0, 0.3]: 0.3/0.1 = 2.9999999999999996 gives 3 bins", ["a"], 0.1, 0.0, 0.3, 1e-8),
        ("a,b 0.25 s on [0, 1.2]", ["a", "b"], 0.25, 0.0, 1.2, 1e-8),
    ]:
        bcases.append(add_bin(name, trains, bs, t0, t1, tol))
    bcases.append(add_bin("retina low,high 50 ms", [low, high], 0.05, 0.0, retina_stop))
    bcases.append(add_bin("stn 50 trials 50 ms", stn, 0.05, stn_t0, stn_t1))
    bcases.append(add_bin("stn 50 trials 1 ms (spikes on every edge)", stn, 0.001, stn_t0, stn_t1, full=False))
    bcases.append(add_bin("retina low 7 ms", [low], 0.007, 0.0, retina_stop, full=False))
    out["binning"] = bcases

    # --- history
    rng_counts = np.array([[(7 * i + 3 * j) % 5 + j for j in range(3)] for i in range(12)], float)
    hcases = []
    for before, after, current in [(2, 1, 1), (2, 1, 0), (0, 0, 1), (3, 0, 1), (0, 2, 1), (0, 2, 0), (4, 4, 1), (10, 5, 1)]:
        X = spikes_with_history(rng_counts, before, after, current)
        hcases.append(dict(name=f"fixed 12x3 before={before} after={after} current={current}", input="fixed",
                           binsBefore=before, binsAfter=after, binsCurrent=bool(current), shape=list(X.shape), data=flist(X)))
    rc, _ = binned([low, high], 0.1, 0.0, retina_stop)
    X = spikes_with_history(rc.T, 5, 3, 1)
    valid = X[~np.isnan(X)]
    hcases.append(dict(name="retina 100 ms before=5 after=3", input="retina100ms", binsBefore=5, binsAfter=3,
                       binsCurrent=True, shape=list(X.shape), nNaN=int(np.isnan(X).sum()),
                       valid=summary(valid, 13), flatRow10=flist(X[10].reshape(-1))))
    out["history"] = dict(fixedCounts=dict(rows=12, cols=3, data=flist(rng_counts)), cases=hcases)

    # --- instantaneous rate
    rcases = []

    def add_rate(name, trains, sp, kname, sigma, t0, t1, invert=False, cutoff=5.0, center=True, full=True):
        r, t_arr, k = instantaneous_rate(trains, sp, kname, sigma, t0, t1, invert, cutoff, center)
        c = dict(name=name, samplingPeriod=sp, kernel=kname, sigma=sigma, invert=invert, cutoff=cutoff, center=center,
                 tStart=t0, tStop=t1, shape=list(r.shape), kernelT=summary(t_arr, 5), kernelValues=summary(k, 5))
        c["rate"] = flist(r) if full else summary(r, 16)
        return c

    burst = [trains_of["burst"]]
    rcases.append(add_rate("Elephant docstring: spike at 0, gaussian 300 ms, 200 ms", [trains_of["one"]], 0.2, "gaussian", 0.3, -1.0, 1.0))
    for kname in ["gaussian", "laplacian", "exponential", "alpha", "rectangular", "triangular", "epanechnikov"]:
        rcases.append(add_rate(f"burst {kname} 30 ms @ 10 ms", burst, 0.01, kname, 0.03, 0.0, 1.0))
        rcases.append(add_rate(f"burst {kname} 30 ms @ 10 ms, center=False", burst, 0.01, kname, 0.03, 0.0, 1.0, center=False))
    for kname in ["exponential", "alpha"]:
        rcases.append(add_rate(f"burst {kname} 50 ms @ 7 ms, inverted", burst, 0.007, kname, 0.05, 0.0, 1.0, invert=True))
    rcases.append(add_rate("burst gaussian 20 ms @ 1 ms, cutoff 2 (raised to 3)", burst, 0.001, "gaussian", 0.02, 0.0, 1.0, cutoff=2.0))
    rcases.append(add_rate("burst rectangular 40 ms @ 10 ms, cutoff 1 (raised to sqrt 3)", burst, 0.01, "rectangular", 0.04, 0.0, 1.0, cutoff=1.0))
    rcases.append(add_rate("burst gaussian 5 ms @ 50 ms (kernel narrower than a sample)", burst, 0.05, "gaussian", 0.005, 0.0, 1.0))
    rcases.append(add_rate("a,b gaussian 50 ms @ 10 ms on [0, 1.2]", [trains_of["a"], trains_of["b"]], 0.01, "gaussian", 0.05, 0.0, 1.2))
    rcases.append(add_rate("a gaussian 40 ms @ 30 ms on [0, 1.2] (span not a multiple)", [trains_of["a"]], 0.03, "gaussian", 0.04, 0.0, 1.2))
    rcases.append(add_rate("retina low,high gaussian 100 ms @ 10 ms", [low, high], 0.01, "gaussian", 0.1, 0.0, retina_stop, full=False))
    rcases.append(add_rate("retina high exponential 50 ms @ 1 ms", [high], 0.001, "exponential", 0.05, 0.0, retina_stop, full=False))
    rcases.append(add_rate("retina low alpha 80 ms @ 5 ms", [low], 0.005, "alpha", 0.08, 0.0, retina_stop, full=False))
    rcases.append(add_rate("retina low triangular 200 ms @ 20 ms", [low], 0.02, "triangular", 0.2, 0.0, retina_stop, full=False))
    rcases.append(add_rate("stn trial 0 gaussian 25 ms @ 1 ms", [stn[0]], 0.001, "gaussian", 0.025, stn_t0, stn_t1, full=False))
    out["rate"] = rcases
    out["alphaMedian"] = dict(sigma=1.0, median=float(kernel_median("alpha", 1.0, False)))

    # --- PSTH (time_histogram)
    pcases = []
    for output in ["counts", "mean", "rate"]:
        h, edges = time_histogram(stn, 0.05, stn_t0, stn_t1, output)
        pcases.append(dict(name=f"stn 50 trials 50 ms {output}", binSize=0.05, output=output, binary=False, values=flist(h), edges=flist(edges)))
    h, edges = time_histogram(stn, 0.02, stn_t0, stn_t1, "counts", binary=True)
    pcases.append(dict(name="stn 50 trials 20 ms binary counts", binSize=0.02, output="counts", binary=True, values=flist(h), edges=flist(edges)))
    h, edges = time_histogram([trains_of["a"], trains_of["b"]], 0.1, 0.0, 1.2, "rate", binary=True)
    pcases.append(dict(name="a,b 100 ms binary rate", input="fixed", binSize=0.1, output="rate", binary=True, values=flist(h), edges=flist(edges)))
    out["psth"] = pcases

    # --- statistics
    scases = []
    for name, st, t0, t1 in [("retina low", low, 0.0, retina_stop), ("retina high", high, 0.0, retina_stop),
                             ("stn trial 0", stn[0], stn_t0, stn_t1), ("burst", trains_of["burst"], 0.0, 1.0)]:
        iv = np.diff(st)
        scases.append(dict(name=name, isi=summary(iv, 11), meanFiringRate=len(st) / (t1 - t0),
                           meanFiringRateWindow=dict(tStart=t0 + 0.25 * (t1 - t0), tStop=t0 + 0.75 * (t1 - t0),
                                                     value=float(np.sum((st >= t0 + 0.25 * (t1 - t0)) & (st <= t0 + 0.75 * (t1 - t0))) / (0.5 * (t1 - t0)))),
                           cv=float(scipy.stats.variation(iv)), cv2=float(cv2(iv)), lv=float(lv(iv)),
                           lvr=float(lvr(iv, 0.005)), lvr0=float(lvr(iv, 0.0))))
    out["statistics"] = scases
    out["fano"] = [
        dict(name="stn 50 trials", value=fanofactor(stn)),
        dict(name="stn 50 trials, spikes in [0, 0.5] s", value=fanofactor([s[(s >= 0) & (s <= 0.5)] for s in stn])),
        dict(name="retina low, high", value=fanofactor([low, high])),
    ]

    # --- correlation
    ccases = []
    rb, _ = binned([low, high], 0.01, 0.0, retina_stop)
    lags, c = cch(rb[0], rb[1], window=(-50, 50))
    ccases.append(dict(name="retina low x high 10 ms, window [-50, 50]", input="retina", binSize=0.01, window=[-50, 50], binary=False, lags=lags.tolist(), counts=flist(c)))
    lags, c = cch(rb[1], rb[0], window=(-20, 35), binary=True)
    ccases.append(dict(name="retina high x low 10 ms, window [-20, 35], binary", input="retina", swap=True, binSize=0.01, window=[-20, 35], binary=True, lags=lags.tolist(), counts=flist(c)))
    fb, _ = binned([trains_of["a"], trains_of["b"]], 0.1, 0.0, 1.2)
    lags, c = cch(fb[0], fb[1])
    ccases.append(dict(name="a x b 100 ms, full", input="fixed", binSize=0.1, window="full", binary=False, lags=lags.tolist(), counts=flist(c)))
    lags, c = cch(fb[0], fb[0], window=(-3, 3), binary=True)
    ccases.append(dict(name="a x a 100 ms, window [-3, 3], binary (autocorrelogram)", input="fixed-auto", binSize=0.1, window=[-3, 3], binary=True, lags=lags.tolist(), counts=flist(c)))
    corr = []
    for bs, binary in ((0.05, False), (0.01, True)):
        # binary at 10 ms: at 50 ms many trials have a spike in every bin (constant, NaN correlations)
        sb, _ = binned(stn[:20], bs, stn_t0, stn_t1)
        m = (sb > 0).astype(float) if binary else sb
        corr.append(dict(name=f"stn trials 0-19, {bs * 1000:g} ms, binary={binary}", binSize=bs, nTrials=20, binary=binary, value=flist(np.corrcoef(m))))
    fb2, _ = binned([trains_of["a"], trains_of["b"], np.array([])], 0.1, 0.0, 1.2)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr.append(dict(name="a, b, empty 100 ms: NaN row and column", binSize=0.1, input="fixed+empty", binary=False, value=flist(np.corrcoef(fb2))))
    out["cch"] = ccases
    out["corrcoef"] = corr

    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    size = os.path.getsize(OUT)
    print(f"spikes.json: {size / 1024:.1f} KB")
    assert size < 300 * 1024


if __name__ == "__main__":
    main()
