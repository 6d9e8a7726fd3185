"""PyTorch peer for `npm run bench`: the same workloads as bench/engine.ts, timed the same way
(warm-up, then the median of repeated runs), printed as one JSON object on stdout.
Usage: python3 torch_bench.py '<json config>'  (run with Debian's /usr/bin/python3)."""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import os  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "golden"))
from make_golden import LeNet  # noqa: E402  (the reference LeNet of the golden fixtures)

cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg["threads"])  # after the import: make_golden pins one thread
torch.manual_seed(0)


class ShallowFBCSP(nn.Module):
    """Braindecode's ShallowFBCSPNet (split first layer, no log-softmax), input (B, C, T)."""

    def __init__(self, n_chans, n_outputs, n_times):
        super().__init__()
        self.conv_time = nn.Conv2d(1, 40, (25, 1))
        self.conv_spat = nn.Conv2d(40, 40, (1, n_chans), bias=False)
        self.bnorm = nn.BatchNorm2d(40)
        n_out = (n_times - 24 - 75) // 15 + 1
        self.conv_classifier = nn.Conv2d(40, n_outputs, (n_out, 1))

    def forward(self, x):
        x = x.permute(0, 2, 1).unsqueeze(1)  # (B, 1, T, C)
        # combined temporal+spatial conv, as Braindecode's CombinedConv
        w = torch.einsum("oftc,fxky->oxkc", self.conv_spat.weight, self.conv_time.weight)
        b = torch.einsum("ofkc,f->o", self.conv_spat.weight, self.conv_time.bias)
        x = F.conv2d(x, w, b)
        x = self.bnorm(x)
        x = x * x
        x = F.avg_pool2d(x, (75, 1), (15, 1))
        x = torch.log(torch.clamp(x, min=1e-6))
        x = F.dropout(x, 0.5, self.training)
        x = self.conv_classifier(x)
        return x.squeeze(3).squeeze(2)


def timed(fn, reps, inner):
    for _ in range(max(2, reps // 2)):
        fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        ts.append((time.perf_counter() - t0) / inner)
    return statistics.median(ts), min(ts), max(ts)


def train_step_fn(model, x, y, opt):
    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


if cfg.get("rss"):
    # peak resident memory of LeNet training: batch 64, SGD-momentum, 100 steps (fresh process)
    import resource
    m = LeNet()
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    for _ in range(100):
        x = torch.randn(64, 1, 28, 28)
        y = torch.randint(0, 10, (64,))
        train_step_fn(m, x, y, opt)()
    print(json.dumps({"maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
    sys.exit(0)

out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "results": {}}
R = out["results"]
reps = cfg.get("reps", 7)
for b in cfg["lenet_train_batches"]:
    m = LeNet()
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(b, 1, 28, 28)
    y = torch.randint(0, 10, (b,))
    med, lo, hi = timed(train_step_fn(m, x, y, opt), reps, max(1, 512 // b))
    R[f"lenet_train_b{b}"] = {"seconds": med, "min": lo, "max": hi, "per_second": b / med}
m = LeNet().eval()
with torch.no_grad():
    for b in cfg["lenet_infer_batches"]:
        x = torch.randn(b, 1, 28, 28)
        med, lo, hi = timed(lambda: m(x), reps, 200 if b == 1 else 2)
        R[f"lenet_infer_b{b}"] = {"seconds": med, "min": lo, "max": hi, "per_second": b / med}
s = cfg["shallow"]
m = ShallowFBCSP(s["chans"], s["classes"], s["times"])
opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(s["batch"], s["chans"], s["times"])
y = torch.randint(0, s["classes"], (s["batch"],))
med, lo, hi = timed(train_step_fn(m, x, y, opt), max(3, reps // 2), 1)
R["shallow_train"] = {"seconds": med, "min": lo, "max": hi, "per_second": s["batch"] / med}
m.eval()
with torch.no_grad():
    x1 = torch.randn(1, s["chans"], s["times"])
    med, lo, hi = timed(lambda: m(x1), reps, 20)
    R["shallow_infer_b1"] = {"seconds": med, "min": lo, "max": hi, "per_second": 1 / med}

# Deep4Net and EEGNet, written in plain torch in scripts/golden/eeg_models.py (Braindecode's layout)
import eeg_models  # noqa: E402

for name, make in (("deep4", lambda: eeg_models.Deep4Net(s["chans"], s["classes"], s["times"])),
                   ("eegnet", lambda: eeg_models.EEGNet(s["chans"], s["classes"], s["times"]))):
    m = make()
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(s["batch"], s["chans"], s["times"])
    y = torch.randint(0, s["classes"], (s["batch"],))
    med, lo, hi = timed(train_step_fn(m, x, y, opt), max(3, reps // 2), 1)
    R[f"{name}_train"] = {"seconds": med, "min": lo, "max": hi, "per_second": s["batch"] / med}
    m.eval()
    with torch.no_grad():
        med, lo, hi = timed(lambda: m(x1), reps, 10)
        R[f"{name}_infer_b1"] = {"seconds": med, "min": lo, "max": hi, "per_second": 1 / med}
for M, N, K in cfg["gemm"]:
    a = torch.randn(M, K)
    b = torch.randn(K, N)
    med, lo, hi = timed(lambda: a @ b, reps, max(1, int(2e8 // (2 * M * N * K))))
    R[f"gemm_{M}x{N}x{K}"] = {"seconds": med, "min": lo, "max": hi, "gflops": 2 * M * N * K / med / 1e9}
print(json.dumps(out))
