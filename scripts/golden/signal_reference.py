"""Reference values for src/signal (test/golden/signal/*.json).

Run with Debian's python3 (scipy 1.10, MNE 1.3, pandas 1.5; numpy float64 throughout):

    /usr/bin/python3 scripts/golden/signal_reference.py

Inputs: a deterministic synthetic signal (sines + Park-Miller LCG noise, 1000 samples at
250 Hz, stored) and real EEG: 3 channels x 8 s (1280 samples at 160 Hz) of PhysioNet
eegmmidb S001R04.edf read with mne (volts). Long outputs are stored at spot indices (every
`step`-th sample) plus sum, sum of |y| and sum of y^2, to keep each file < 200 KB.
The braindecode reference is braindecode's exponential_moving_standardize code (pandas ewm),
copied below because braindecode is not packaged for Debian.
"""
import json
import os
import sys

import mne
import numpy as np
import pandas as pd
import scipy
import scipy.signal as ss

mne.set_log_level("ERROR")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "golden", "signal")
DATA = os.environ.get("DENDRITE_DATA", os.path.join(ROOT, "..", "shared", "data"))
EDF = os.path.join(DATA, "eeg", "eegmmidb", "S001R04.edf")
META = dict(scipy_version=scipy.__version__, mne_version=mne.__version__, numpy_version=np.__version__,
            pandas_version=pd.__version__, generator="scripts/golden/signal_reference.py")


def synth(n=1000, fs=250.0, seed=12345):
    state = seed
    noise = np.empty(n)
    for i in range(n):
        state = (48271 * state) % 2147483647
        noise[i] = state / 2147483647 - 0.5
    t = np.arange(n) / fs
    return (np.sin(2 * np.pi * 3 * t) + 0.5 * np.sin(2 * np.pi * 17.3 * t + 0.3)
            + 0.25 * np.sin(2 * np.pi * 45 * t) + 0.3 * np.sin(2 * np.pi * 50 * t) + 0.2 * noise + 0.7)


def summary(y, step=16):
    y = np.asarray(y, float)
    return dict(n=int(y.size), step=step, spots=[float(v) for v in y[::step]], sum=float(y.sum()),
                sumAbs=float(np.abs(y).sum()), sumSq=float((y * y).sum()))


def full(y):
    return [float(v) for v in np.asarray(y, float).ravel()]


def dump(name, obj):
    obj = dict(META, **obj)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    size = os.path.getsize(path)
    print(f"{name}: {size / 1024:.1f} KB")
    assert size < 200 * 1024, name


# braindecode.preprocessing.exponential_moving_standardize (braindecode 0.8), verbatim logic
def exponential_moving_standardize(data, factor_new=0.001, init_block_size=None, eps=1e-4):
    data = data.T
    df = pd.DataFrame(data)
    meaned = df.ewm(alpha=factor_new).mean()
    demeaned = df - meaned
    squared = demeaned * demeaned
    square_ewmed = squared.ewm(alpha=factor_new).mean()
    standardized = demeaned / np.maximum(eps, np.sqrt(np.array(square_ewmed)))
    standardized = np.array(standardized)
    if init_block_size is not None:
        i_time_axis = 0
        init_mean = np.mean(data[0:init_block_size], axis=i_time_axis, keepdims=True)
        init_std = np.std(data[0:init_block_size], axis=i_time_axis, keepdims=True)
        init_block_standardized = (data[0:init_block_size] - init_mean) / np.maximum(eps, init_std)
        standardized[0:init_block_size] = init_block_standardized
    return standardized.T


def main():
    os.makedirs(OUT, exist_ok=True)
    x = synth()
    fs = 250.0
    raw = mne.io.read_raw_edf(EDF, preload=True)
    picks = ["C3..", "Cz..", "C4.."]
    sfe = float(raw.info["sfreq"])
    eeg = raw.get_data(picks=picks)[:, int(10 * sfe):int(18 * sfe)]
    dump("inputs.json", dict(synth=dict(fs=fs, x=full(x)), eeg=dict(file="eegmmidb/S001R04.edf", channels=picks,
                                                                      start_s=10, sfreq=sfe, x=[full(r) for r in eeg])))

    # ---- FIR: firwin, create_filter, filter_data, notch_filter
    firwin_cases = [
        dict(numtaps=31, cutoff=0.3, kw={}),
        dict(numtaps=51, cutoff=[0.2, 0.5], kw=dict(pass_zero=False)),
        dict(numtaps=41, cutoff=0.4, kw=dict(window="hann")),
        dict(numtaps=33, cutoff=[0.2, 0.4], kw=dict(pass_zero="bandstop", window="blackman")),
        dict(numtaps=25, cutoff=0.3, kw=dict(pass_zero=False, scale=False)),
        dict(numtaps=61, cutoff=30.0, kw=dict(fs=250.0, width=10.0)),
        dict(numtaps=101, cutoff=0.25, kw=dict(window=("kaiser", 5.0))),
    ]
    for c in firwin_cases:
        c["h"] = full(ss.firwin(c["numtaps"], c["cutoff"], **c["kw"]))
        if "window" in c["kw"] and isinstance(c["kw"]["window"], tuple):
            c["kw"]["window"] = list(c["kw"]["window"])
    cf_cases = []
    for sf, l, h, kw in [(250.0, None, 40.0, {}), (250.0, 1.0, None, {}), (250.0, 1.0, 40.0, {}), (250.0, 8.0, 30.0, dict(fir_window="hann")),
                         (250.0, 70.0, 30.0, {}), (160.0, 0.5, 30.0, {}), (160.0, 4.0, 38.0, dict(fir_window="blackman")),
                         (250.0, 5.0, 100.0, dict(l_trans_bandwidth=1.5, h_trans_bandwidth=7.0)), (250.0, 2.0, 20.0, dict(filter_length="2s")),
                         (250.0, 10.0, None, dict(filter_length=401)), (250.0, 3.0, 20.0, dict(phase="zero-double")),
                         (250.0, [52.0, 102.0], [48.0, 98.0], dict(l_trans_bandwidth=1.0, h_trans_bandwidth=1.0))]:
        # note: l_freq > h_freq = band-stop; the last case is MNE notch-like multi band-stop
        hh = mne.filter.create_filter(None, sf, l if not isinstance(l, list) else np.array(l), h if not isinstance(h, list) else np.array(h), **kw)
        cf_cases.append(dict(sfreq=sf, l_freq=l, h_freq=h, kw=kw, len=int(hh.size), h=summary(hh, step=7)))
    fd_cases = []
    for l, h, kw in [(None, 40.0, {}), (1.0, None, {}), (1.0, 40.0, {}), (70.0, 30.0, {}), (8.0, 30.0, dict(phase="zero-double")), (2.0, 20.0, dict(pad="constant"))]:
        y = mne.filter.filter_data(x, fs, l, h, **kw)
        fd_cases.append(dict(input="synth", sfreq=fs, l_freq=l, h_freq=h, kw=kw, y=summary(y)))
    for l, h, kw in [(1.0, 40.0, {}), (0.5, None, {}), (None, 30.0, {}), (4.0, 38.0, {})]:
        y = mne.filter.filter_data(eeg, sfe, l, h, **kw)
        fd_cases.append(dict(input="eeg", sfreq=sfe, l_freq=l, h_freq=h, kw=kw, y=[summary(r) for r in y]))
    notch_cases = []
    for src, sf, freqs, kw in [("synth", fs, [50.0], {}), ("synth", fs, [50.0, 100.0], dict(notch_widths=2.0)), ("eeg", sfe, [60.0], {}),
                               ("synth", fs, [45.0], dict(trans_bandwidth=2.0))]:
        data = x if src == "synth" else eeg
        y = mne.filter.notch_filter(data, sf, np.array(freqs), **kw)
        notch_cases.append(dict(input=src, sfreq=sf, freqs=freqs, kw=kw, y=summary(y) if src == "synth" else [summary(r) for r in y]))
    # identity from mne/tests/test_filter.py: band-pass + band-stop ~ input
    dump("fir.json", dict(firwin=firwin_cases, create_filter=cf_cases, filter_data=fd_cases, notch=notch_cases))

    # ---- IIR: butter, sosfilt, sosfilt_zi, sosfiltfilt
    butter_cases = []
    for n, wn, bt, sf in [(4, 30.0, "lowpass", 250.0), (4, 1.0, "highpass", 250.0), (4, [8.0, 30.0], "bandpass", 250.0), (3, [45.0, 55.0], "bandstop", 250.0),
                          (5, 0.2, "lowpass", None), (3, 0.1, "highpass", None), (5, [0.1, 0.4], "bandpass", None), (2, [0.2, 0.3], "bandstop", None),
                          (8, [1.0, 40.0], "bandpass", 160.0), (1, 10.0, "lowpass", 250.0), (6, 0.45, "highpass", None)]:
        kw = {} if sf is None else dict(fs=sf)
        sos = ss.butter(n, wn, bt, output="sos", **kw)
        b, a = ss.butter(n, wn, bt, output="ba", **kw)
        butter_cases.append(dict(order=n, wn=wn, btype=bt, fs=sf, sos=[full(r) for r in sos], b=full(b), a=full(a),
                                 zi=[full(r) for r in ss.sosfilt_zi(sos)]))
    sos_bp = ss.butter(4, [8.0, 30.0], "bandpass", fs=fs, output="sos")
    sos_hp = ss.butter(4, 1.0, "highpass", fs=sfe, output="sos")
    y_causal = ss.sosfilt(sos_bp, x)
    zi = ss.sosfilt_zi(sos_bp) * x[0]
    y_zi, zf = ss.sosfilt(sos_bp, x, zi=zi)
    ff = dict(synth_bp=summary(ss.sosfiltfilt(sos_bp, x)), synth_bp_even=summary(ss.sosfiltfilt(sos_bp, x, padtype="even")),
              synth_bp_padlen50=summary(ss.sosfiltfilt(sos_bp, x, padlen=50)), synth_bp_nopad=summary(ss.sosfiltfilt(sos_bp, x, padtype=None)),
              eeg_hp=[summary(ss.sosfiltfilt(sos_hp, r)) for r in eeg])
    dump("iir.json", dict(butter=butter_cases, sosfilt=dict(sos="butter(4, [8, 30], bandpass, fs=250)", y=summary(y_causal),
                                                              y_zi=summary(y_zi), zf=[full(r) for r in zf]), sosfiltfilt=ff))

    # ---- resampling
    rp = []
    for src, up, down, kw in [("synth", 2, 1, {}), ("synth", 1, 2, {}), ("synth", 2, 5, {}), ("synth", 3, 2, dict(padtype="mean")),
                              ("synth", 1, 3, dict(window=("kaiser", 8.0))), ("synth", 4, 6, dict(padtype="median")), ("eeg", 5, 8, {}),
                              ("synth", 3, 4, dict(cval=1.5)), ("synth", 2, 3, dict(window="hamming"))]:
        data = x if src == "synth" else eeg[0]
        y = ss.resample_poly(data, up, down, **kw)
        kw2 = dict(kw)
        if isinstance(kw2.get("window"), tuple):
            kw2["window"] = list(kw2["window"])
        rp.append(dict(input=src, up=up, down=down, kw=kw2, y=summary(y, step=11)))
    rm = []
    for src, up, down, kw in [("synth", 2.0, 1.0, {}), ("synth", 1.0, 2.0, {}), ("synth", 2.0, 5.0, {}), ("eeg", 100.0, 160.0, {}),
                              ("eeg", 256.0, 160.0, {}), ("synth", 1.0, 3.0, dict(npad="auto")), ("synth", 3.0, 7.0, dict(npad=0)),
                              ("eeg", 1.0, 1.5, dict(npad="auto"))]:
        data = x if src == "synth" else eeg[0]
        y = mne.filter.resample(data, up, down, **kw)
        rm.append(dict(input=src, up=up, down=down, kw=kw, y=summary(y, step=11)))
    dump("resample.json", dict(resample_poly=rp, mne_resample=rm))

    # ---- spectral: welch, hilbert
    wc = []
    for src, f_s, kw in [("synth", fs, {}), ("synth", fs, dict(nperseg=128, noverlap=100, average="median")), ("synth", fs, dict(detrend="linear")),
                         ("synth", fs, dict(scaling="spectrum", window="hamming")), ("synth", fs, dict(nperseg=200, nfft=301)),
                         ("synth", fs, dict(nperseg=2000)), ("eeg", sfe, dict(nperseg=160)), ("synth", fs, dict(nperseg=100, window=("kaiser", 6.0), detrend=False)),
                         ("synth", fs, dict(nperseg=64, average="median", window="blackman"))]:
        data = x if src == "synth" else eeg[1]
        f, p = ss.welch(data, f_s, **kw)
        kw2 = dict(kw)
        if isinstance(kw2.get("window"), tuple):
            kw2["window"] = list(kw2["window"])
        wc.append(dict(input=src, fs=f_s, kw=kw2, f=full(f), pxx=full(p) if p.size <= 300 else summary(p)))
    hc = []
    for src, n in [("synth", None), ("synth", 1024), ("synth", 999), ("eeg", None)]:
        data = x if src == "synth" else eeg[2]
        a = ss.hilbert(data, N=n)
        hc.append(dict(input=src, N=n, re=summary(a.real), im=summary(a.imag), env=summary(np.abs(a))))
    dump("spectral.json", dict(welch=wc, hilbert=hc))

    # ---- exponential moving standardisation (braindecode)
    ems = []
    for src, kw in [("eeg_uV", dict(factor_new=1e-3, init_block_size=1000)), ("eeg_uV", dict(factor_new=1e-3)),
                    ("synth", dict(factor_new=0.01, init_block_size=100, eps=1e-4)), ("eeg_V", dict(factor_new=1e-3, init_block_size=1000)),
                    ("eeg_uV", dict(factor_new=1e-3, init_block_size=2000))]:
        data = {"eeg_uV": eeg * 1e6, "eeg_V": eeg, "synth": x[None, :]}[src]
        y = exponential_moving_standardize(data, **kw)
        ems.append(dict(input=src, kw=kw, y=[summary(r) for r in y]))
    dump("standardize.json", dict(exponential_moving_standardize=ems))


if __name__ == "__main__":
    sys.exit(main())
