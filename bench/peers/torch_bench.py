"""PyTorch peer for `npm run bench`: the same workloads as bench/engine.ts, served one timed run
at a time so the caller can interleave them with its own (see the serve loop at the end), or
with {"rss": true} the peak RSS of LeNet training.
Usage: python3 torch_bench.py '<json config>'  (run with Debian's /usr/bin/python3)."""
import json
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

_made = {}


def workload(name):
    """The callable timed for one workload name of bench/engine.ts (built once, then reused)."""
    if name in _made:
        return _made[name]
    s = cfg["shallow"]
    fn = None
    if name.startswith("lenet_train_b"):
        b = int(name[len("lenet_train_b"):])
        m = LeNet()
        opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
        fn = train_step_fn(m, torch.randn(b, 1, 28, 28), torch.randint(0, 10, (b,)), opt)
    elif name.startswith("lenet_infer_b"):
        b = int(name[len("lenet_infer_b"):])
        m = LeNet().eval()
        x = torch.randn(b, 1, 28, 28)
        fn = no_grad(lambda: m(x))
    elif name.split("_")[0] in ("shallow", "deep4", "eegnet"):
        kind = name.split("_")[0]
        import eeg_models  # Deep4Net and EEGNet in plain torch (Braindecode's layout)
        make = {"shallow": lambda: ShallowFBCSP(s["chans"], s["classes"], s["times"]),
                "deep4": lambda: eeg_models.Deep4Net(s["chans"], s["classes"], s["times"]),
                "eegnet": lambda: eeg_models.EEGNet(s["chans"], s["classes"], s["times"])}[kind]
        m = make()
        if name.endswith("_train"):
            opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
            x = torch.randn(s["batch"], s["chans"], s["times"])
            y = torch.randint(0, s["classes"], (s["batch"],))
            fn = train_step_fn(m, x, y, opt)
        else:
            m.eval()
            x1 = torch.randn(1, s["chans"], s["times"])
            fn = no_grad(lambda: m(x1))
    elif name.startswith("gemm_"):
        M, N, K = (int(v) for v in name[len("gemm_"):].split("x"))
        a = torch.randn(M, K)
        b = torch.randn(K, N)
        fn = lambda: a @ b  # noqa: E731
    if fn is None:
        raise ValueError(f"unknown workload {name}")
    _made[name] = fn
    return fn


def no_grad(f):
    def g():
        with torch.no_grad():
            return f()
    return g


# Serve mode: bench/engine.ts alternates its own timing of a workload with requests here
# (one JSON line each: name, inner calls, warm-up calls), so both are measured seconds apart
# under the same load on a shared machine. Each reply is the time per call of one timed run.
def build():
    """How this PyTorch computes: Debian's is built against the generic BLAS interface, so the
    library actually loaded (libblas.so.3 → OpenBLAS via alternatives) is read from the maps."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                name = line.rsplit("/", 1)[-1].strip()
                if "blas" in name or "lapack" in name:
                    libs.add(name)
    except OSError:
        pass
    par = torch.__config__.parallel_info()
    dnn = next((l.strip() for l in par.splitlines() if "MKL-DNN" in l or "oneDNN" in l), "no oneDNN")
    backend = next((l.split(":", 1)[1].strip() for l in par.splitlines() if l.startswith("ATen parallel backend")), "unknown")
    return f"BLAS {', '.join(sorted(libs)) or 'unknown'}; {dnn}; parallel backend {backend}"


print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "build": build()}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    try:
        fn = workload(req["name"])
        for _ in range(req.get("warmup", 0)):
            fn()
        t0 = time.perf_counter()
        for _ in range(req["inner"]):
            fn()
        print(json.dumps({"seconds": (time.perf_counter() - t0) / req["inner"]}), flush=True)
    except Exception as e:  # noqa: BLE001  (reported to the caller, which prints it)
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
