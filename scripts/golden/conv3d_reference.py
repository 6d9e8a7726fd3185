"""PyTorch conv3d values and gradients for dendrite's golden tests.

Run with Debian's python3 (torch 1.13):  /usr/bin/python3 scripts/golden/conv3d_reference.py
Writes test/golden/conv3d/conv3d.json. Inputs are float32 values (seeded per case); the
reference is computed in float64 from those values, so the tests measure dendrite's float32
error alone.
"""
import json
import zlib
from pathlib import Path

import warnings

import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore', message="Using padding='same'")

CASES = [
    # name, N, C, O, (D, H, W), kernel, kwargs, bias
    ('cubic k3 pad1', 2, 3, 4, (5, 6, 7), (3, 3, 3), dict(padding=1), True),
    ('stride 2,1,2 non-cubic k3x2x3 pad 1,0,2', 2, 2, 3, (7, 5, 8), (3, 2, 3), dict(stride=(2, 1, 2), padding=(1, 0, 2)), True),
    ('dilation 2,1,3 same k3x2x3', 1, 3, 2, (6, 5, 9), (3, 2, 3), dict(padding='same', dilation=(2, 1, 3)), True),
    ('groups 2 dilation 2 pad 1 k2x3x1', 3, 4, 6, (6, 7, 5), (2, 3, 1), dict(groups=2, dilation=2, padding=1), True),
    ('depthwise groups 3 stride 2 k3', 2, 3, 3, (7, 7, 6), (3, 3, 3), dict(groups=3, stride=2, padding=1), True),
    ('1x1x1 no bias batch 3', 3, 5, 2, (3, 4, 5), (1, 1, 1), dict(), False),
    ('valid k2x2x4 stride 3,2,1 dilation 1,2,1', 2, 2, 3, (8, 9, 10), (2, 2, 4), dict(stride=(3, 2, 1), dilation=(1, 2, 1)), True),
    ('meshnet-like dilation 4 same c1', 1, 1, 5, (9, 10, 11), (3, 3, 3), dict(padding=4, dilation=4), True),
]


def short(t):
    # 9 significant digits round-trip float32 values and keep float64 references to ~1e-9
    return [float(f'{v:.9g}') for v in t.flatten().tolist()]


def t32(shape, gen):
    return torch.randn(shape, generator=gen, dtype=torch.float32)


def case(name, N, C, O, dhw, k, kw, bias):
    gen = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    groups = kw.get('groups', 1)
    x = t32((N, C, *dhw), gen)
    w = t32((O, C // groups, *k), gen) * 0.5
    b = t32((O,), gen) if bias else None
    xd = x.double().requires_grad_()
    wd = w.double().requires_grad_()
    bd = b.double().requires_grad_() if b is not None else None
    y = F.conv3d(xd, wd, bd, **kw)
    up = t32(tuple(y.shape), gen)
    y.backward(up.double())
    opts = {k2: (list(v) if isinstance(v, tuple) else v) for k2, v in kw.items()}
    out = dict(name=name, opts=opts,
               x=dict(shape=list(x.shape), data=short(x)),
               w=dict(shape=list(w.shape), data=short(w)),
               up=dict(shape=list(up.shape), data=short(up)),
               y=dict(shape=list(y.shape), data=short(y.detach())),
               dx=short(xd.grad), dw=short(wd.grad))
    if b is not None:
        out['b'] = dict(shape=[O], data=short(b))
        out['db'] = short(bd.grad)
    return out


def main():
    cases = [case(*c) for c in CASES]
    target = Path(__file__).resolve().parents[2] / 'test' / 'golden' / 'conv3d' / 'conv3d.json'
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(dict(torch_version=torch.__version__, cases=cases), separators=(',', ':')))
    print(f'{target}: {len(cases)} cases, {target.stat().st_size} bytes')


if __name__ == '__main__':
    main()
