"""MNE peer for `npm run bench`: read a 64-channel EEGMMIDB run (EDF+, preload) and band-pass
filter it 7-30 Hz with MNE's defaults; median of repeated runs, as JSON on stdout.
Usage: /usr/bin/python3 mne_bench.py <edf path> <reps>"""
import json
import statistics
import sys
import time

import mne

mne.set_log_level("ERROR")
path, reps = sys.argv[1], int(sys.argv[2])


def timed(fn):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return {"seconds": statistics.median(ts), "min": min(ts), "max": max(ts)}


out = {
    "mne": mne.__version__,
    "read": timed(lambda: mne.io.read_raw_edf(path, preload=True)),
    "read_filter": timed(lambda: mne.io.read_raw_edf(path, preload=True).filter(7.0, 30.0)),
}
print(json.dumps(out))
