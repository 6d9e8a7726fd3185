"""Reference p-values for metrics.binomialTestGreater: scipy.stats.binomtest(k, n, p,
alternative='greater').pvalue (scipy 1.10) on trial counts a decoder meets (15-300 trials,
chance 0.25-0.6) and on far tails (p-values down to ~1e-200) and edge cases (k = 0, k = n).

Run with Debian's python3:
    /usr/bin/python3 scripts/golden/decode_binomtest.py
"""
import json
import os

import scipy
from scipy.stats import binomtest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'golden', 'decode', 'binomtest.json')

cases = [
    (13, 15, 8 / 15), (14, 15, 8 / 15), (8, 15, 8 / 15), (7, 15, 0.5), (15, 15, 0.5), (0, 15, 0.5),
    (1, 15, 0.5), (9, 15, 1 / 3), (45, 90, 0.25), (70, 90, 0.5), (200, 300, 0.5), (290, 300, 0.5),
    (300, 300, 0.25), (160, 300, 0.6), (1, 1, 0.5), (3, 4, 0.25), (500, 1000, 0.5), (1000, 1000, 0.6),
    (31, 45, 1 / 3), (2, 2000, 0.001),
]
out = {
    'scipy_version': scipy.__version__,
    'cases': [{'k': k, 'n': n, 'p': p, 'pvalue': float(binomtest(k, n, p, alternative='greater').pvalue)}
              for k, n, p in cases],
}
with open(OUT, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print('wrote', OUT)
