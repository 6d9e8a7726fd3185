"""PyTorch peer for `npm run bench:spikes`: the recurrent spike decoders (GRU/LSTM over spike
history, linear read-out of the last step), timed as bench/spikes.ts times dendrite's:
fit = `epochs` passes of Adam + MSE over `n` samples in shuffled minibatches; latency = the
median of single-sample forward passes (batch 1, one new bin) after warm-up. Before timing, the
net loads dendrite's fitted weights and must reproduce dendrite's outputs on the same inputs.
Usage: python3 spikes_torch.py '<json config>'  (Debian's /usr/bin/python3); prints one JSON line."""
import json
import statistics
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg['threads'])
torch.manual_seed(0)

DT = {'F32': np.float32, 'F64': np.float64, 'I64': np.int64, 'I32': np.int32}


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        a, b = v['data_offsets']
        out[k] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype=DT[v['dtype']]).reshape(v['shape']).copy())
    return out


class RecurrentDecoderNet(nn.Module):
    def __init__(self, cell, n_in, hidden, n_out):
        super().__init__()
        self.rnn = {'gru': nn.GRU, 'lstm': nn.LSTM, 'rnn': nn.RNN}[cell](n_in, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_out)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


results = {}
for c in cfg['cases']:
    name, cell, L, F, H, D = c['name'], c['cell'], c['steps'], c['features'], c['hidden'], c['outputs']
    net = RecurrentDecoderNet(cell, F, H, D)
    check = None
    if c.get('check'):
        t = read_safetensors(c['check'])
        net.load_state_dict({k[len('state.'):]: v for k, v in t.items() if k.startswith('state.')}, strict=True)
        net.eval()
        with torch.no_grad():
            got = net(t['input'])
        check = float((got - t['output']).abs().max())
    # fit: same sample count, epochs and batch size as dendrite's, random inputs of the same shape
    x = torch.randn(c['n'], L, F)
    y = torch.randn(c['n'], D)
    fit_net = RecurrentDecoderNet(cell, F, H, D)
    opt = torch.optim.Adam(fit_net.parameters(), lr=1e-3)
    t0 = time.perf_counter()
    for _ in range(c['epochs']):
        perm = torch.randperm(c['n'])
        for i in range(0, c['n'], c['batch']):
            idx = perm[i:i + c['batch']]
            opt.zero_grad()
            loss = nn.functional.mse_loss(fit_net(x[idx]), y[idx])
            loss.backward()
            opt.step()
    fit_s = time.perf_counter() - t0
    # latency: one window (1, L, F) per call
    net.eval()
    one = torch.randn(1, L, F)
    times = []
    with torch.no_grad():
        for i in range(cfg['warmup'] + cfg['calls']):
            t0 = time.perf_counter()
            net(one)
            if i >= cfg['warmup']:
                times.append(time.perf_counter() - t0)
    results[name] = {'fit_s': fit_s, 'latency_us': statistics.median(times) * 1e6, 'check_max_abs': check}
print(json.dumps({'torch': torch.__version__, 'threads': cfg['threads'], 'results': results}))
