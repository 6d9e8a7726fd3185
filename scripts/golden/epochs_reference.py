"""Reference values for dendrite's neuro/ objects (Raw, events_from_annotations, Epochs), from
MNE on the real EEGMMIDB recording S001R04 (160 Hz, 64 EEG channels, T0/T1/T2 annotations).
Run with Debian's python3: /usr/bin/python3 scripts/golden/epochs_reference.py
Writes test/golden/neuro/epochs_S001R04.json."""
import json
import os

import mne
import numpy as np

mne.set_log_level("ERROR")
root = os.environ.get("DENDRITE_DATA", "../shared/data")
raw = mne.io.read_raw_edf(os.path.join(root, "eeg/eegmmidb/S001R04.edf"), preload=True)
events, event_id = mne.events_from_annotations(raw)
out = {
    "mne_version": mne.__version__,
    "sfreq": raw.info["sfreq"],
    "n_times": int(raw.n_times),
    "ch_names": raw.ch_names,
    "events": events.tolist(),
    "event_id": {k: int(v) for k, v in event_id.items()},
    "cases": [],
}


def case(name, **kw):
    ep = mne.Epochs(raw, events, event_id, preload=True, verbose=False, **kw)
    d = ep.get_data()
    out["cases"].append({
        "name": name,
        "kwargs": {k: v for k, v in kw.items()},
        "shape": list(d.shape),
        "tmin": float(ep.tmin),
        "kept_events": ep.events.tolist(),
        "drop_log": [list(x) for x in ep.drop_log],
        "epoch_sums": d.sum(axis=(1, 2)).tolist(),
        "spots": [[int(e), int(c), int(t), float(d[e, c, t])] for e, c, t in
                  [(0, 0, 0), (1, 5, 10), (2, 63, d.shape[2] - 1), (d.shape[0] - 1, 30, d.shape[2] // 2)]],
    })


case("default_baseline", tmin=-0.2, tmax=0.5, baseline=(None, 0))
case("no_baseline", tmin=0.0, tmax=4.0, baseline=None)
case("decim2_baseline", tmin=-0.5, tmax=1.0, baseline=(-0.5, -0.1), decim=2)
case("reject", tmin=-0.2, tmax=0.5, baseline=(None, 0), reject={"eeg": 3.0e-4})
case("flat", tmin=-0.2, tmax=0.5, baseline=(None, 0), flat={"eeg": 8.55e-5})
case("edges", tmin=-1.0, tmax=4.5, baseline=None)
# Raw.filter / notch_filter / resample on three channels (MNE defaults)
def spots(r):
    d = r.get_data(picks=[0, 10, 63])
    n = d.shape[1]
    return {"n_times": int(n), "sfreq": float(r.info["sfreq"]), "sums": d.sum(axis=1).tolist(),
            "abs_sums": np.abs(d).sum(axis=1).tolist(),
            "values": [[int(c), int(t), float(d[c, t])] for c in range(3) for t in (0, 1, n // 3, n // 2, n - 1)]}


out["raw_ops"] = {
    "filter_7_30": spots(raw.copy().filter(7.0, 30.0)),
    "highpass_1": spots(raw.copy().filter(1.0, None)),
    "notch_60": spots(raw.copy().notch_filter(60.0)),
    "resample_100": spots(raw.copy().resample(100.0)),
}
os.makedirs("test/golden/neuro", exist_ok=True)
with open("test/golden/neuro/epochs_S001R04.json", "w") as f:
    json.dump(out, f)
print("cases", [(c["name"], c["shape"]) for c in out["cases"]])
