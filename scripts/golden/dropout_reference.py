"""Dropout statistics from PyTorch (F.dropout, training=True) for test/golden/dropout.json.

Random streams differ between libraries, so the comparison is statistical: for each p, on
200 000 elements of x = 1.5, PyTorch's output takes only the values 0 and x/(1-p) (as float32),
its fraction of zeros and its mean, and the gradient of sum(y * u) for a fixed upstream u
(u * mask / (1-p)). The test checks dendrite's values are the same two float32 numbers, and its
zero fraction and mean lie within 5 binomial standard deviations of p and x, as PyTorch's do.

Run with Debian's python3: /usr/bin/python3 scripts/golden/dropout_reference.py
"""
import json
import pathlib

import torch

N = 200_000
X = 1.5
out = {"torch_version": torch.__version__, "n": N, "x": X, "cases": []}
for p in (0.1, 0.25, 0.5, 0.8):
    torch.manual_seed(int(p * 1000))
    x = torch.full((N,), X, dtype=torch.float32, requires_grad=True)
    y = torch.nn.functional.dropout(x, p=p, training=True)
    u = torch.arange(N, dtype=torch.float32) % 7 - 3
    (y * u).sum().backward()
    kept = y != 0
    vals = sorted(set(y.detach().tolist()))
    live = kept & (u != 0)
    grad_ratio = sorted(set((x.grad[live] / u[live]).tolist()))
    out["cases"].append({
        "p": p,
        "values": vals,
        "zero_fraction": float((~kept).float().mean()),
        "mean": float(y.double().mean()),
        "grad_over_upstream_where_kept": grad_ratio,
        "grad_zero_where_dropped": bool((x.grad[~kept] == 0).all()),
    })

path = pathlib.Path(__file__).resolve().parents[2] / "test" / "golden" / "dropout.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
