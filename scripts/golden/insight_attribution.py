"""Golden values for dendrite's attribution methods (test/insight/attribution.test.ts), computed
with plain torch re-implementations of Captum's definitions (Captum is not installed) and of
Braindecode's amplitude-perturbation correlations (Schirrmeister et al. 2017).

Run with Debian's python3 (python3-torch 1.13):

    /usr/bin/python3 scripts/golden/insight_attribution.py          # writes the golden file
    /usr/bin/python3 scripts/golden/insight_attribution.py --bench [--threads N]  # torch timings as JSON

Models: LeNet with test/golden/lenet_state.safetensors, ShallowFBCSPNet(22, 4, 1000) with
test/golden/eeg_models/shallow_state.safetensors, both in eval mode. Inputs, SmoothGrad noise and
amplitude perturbations come from a 32-bit LCG (state = 1664525·state + 1013904223 mod 2^32,
value = state/2^32 − 0.5) that the test re-creates, so no large arrays need storing. The
ShallowFBCSPNet attributions (22 × 1000 per trial) are stored as per-channel sums, their total
and every 97th value; some LeNet ones as every 7th value (key 'every'); the rest in full.
Writes test/golden/insight/attribution.json.
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import LeNet  # noqa: E402
from cropped_reference import ShallowFBCSPNet  # noqa: E402
from load_dendrite_checkpoint import read_safetensors  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'golden', 'insight', 'attribution.json')


def lcg(seed, n):
    out = np.empty(n, dtype=np.float64)
    s = seed
    for i in range(n):
        s = (1664525 * s + 1013904223) % 4294967296
        out[i] = s / 4294967296.0 - 0.5
    return out


def lcg_t(seed, shape, scale=1.0, shift=0.0):
    return torch.tensor((lcg(seed, int(np.prod(shape))) * scale + shift).astype(np.float32)).reshape(shape)


def lenet():
    m = LeNet()
    m.load_state_dict(read_safetensors(os.path.join(ROOT, 'test/golden/lenet_state.safetensors')))
    return m.eval()


def shallow():
    m = ShallowFBCSPNet(22, 4, 1000)
    m.load_state_dict(read_safetensors(os.path.join(ROOT, 'test/golden/eeg_models/shallow_state.safetensors')))
    return m.eval()


def target_grad(model, x, target):
    x = x.detach().clone().requires_grad_(True)
    out = model(x)
    out[torch.arange(len(target)), torch.tensor(target)].sum().backward()
    return x.grad.detach()


def score(model, x, target):
    with torch.no_grad():
        return model(x)[torch.arange(len(target)), torch.tensor(target)]


def rule(method, n):
    """Captum's approximation_parameters."""
    if method == 'riemann_left':
        a = [i / n for i in range(n)]
        w = [1 / n] * n
    elif method == 'riemann_right':
        a = [(i + 1) / n for i in range(n)]
        w = [1 / n] * n
    elif method == 'riemann_middle':
        a = [(i + 0.5) / n for i in range(n)]
        w = [1 / n] * n
    elif method == 'riemann_trapezoid':
        a = list(np.linspace(0, 1, n))
        w = [1 / (2 * (n - 1))] + [1 / (n - 1)] * (n - 2) + [1 / (2 * (n - 1))]
    else:
        x, ww = np.polynomial.legendre.leggauss(n)
        a = list(0.5 * (1 + x))
        w = list(0.5 * ww)
    return a, w


def integrated_gradients(model, x, target, baseline, n, method):
    a, w = rule(method, n)
    base = torch.full_like(x, baseline) if isinstance(baseline, float) else baseline
    total = torch.zeros_like(x)
    for ai, wi in zip(a, w):
        total += wi * target_grad(model, base + float(ai) * (x - base), target)
    attr = total * (x - base)
    delta = attr.reshape(len(x), -1).sum(1) - (score(model, x, target) - score(model, base, target))
    return attr, delta


def smoothgrad(model, x, target, noise, base, nt_type):
    atts = []
    for s in range(noise.shape[0]):
        xn = x + noise[s]
        g = target_grad(model, xn, target)
        atts.append(g.abs() if base == 'saliency' else g * xn)
    a = torch.stack(atts)
    if nt_type == 'smoothgrad':
        return a.mean(0)
    if nt_type == 'smoothgrad_sq':
        return (a * a).mean(0)
    return (a * a).mean(0) - a.mean(0) ** 2


def occlusion(model, x, target, window, strides, baseline):
    """Captum's Occlusion: shift counts ceil((D - W) / S) + 1, the last window cut at the edge."""
    dims = x.shape[1:]
    starts = [list(range(0, int(np.ceil((d - w) / s)) * s + 1, s)) for d, w, s in zip(dims, window, strides)]
    total = torch.zeros_like(x, dtype=torch.float64)
    count = torch.zeros(dims, dtype=torch.float64)
    f0 = score(model, x, target)
    for pos in np.array(np.meshgrid(*starts, indexing='ij')).reshape(len(dims), -1).T:
        sl = tuple(slice(int(p), int(p) + w) for p, w in zip(pos, window))
        xo = x.clone()
        xo[(slice(None),) + sl] = baseline
        d = (f0 - score(model, xo, target)).double()
        total[(slice(None),) + sl] += d.reshape((-1,) + (1,) * len(dims))
        count[sl] += 1
    return (total / count).float()


def grad_cam(model, x, target, layer):
    """Captum's LayerGradCam, relu_attributions=False."""
    acts = {}
    h = dict(model.named_modules())[layer].register_forward_hook(lambda m, i, o: acts.__setitem__('a', o))
    out = model(x)
    h.remove()
    a = acts['a']
    g, = torch.autograd.grad(out[torch.arange(len(target)), torch.tensor(target)].sum(), a)
    w = g.mean(dim=tuple(range(2, g.dim())), keepdim=True) if g.dim() > 2 else g  # Captum: no mean for (B, K)
    return (w * a).sum(1, keepdim=True).detach()


def amplitude_perturbation(model, x, n_iter, seed0, scale):
    """Braindecode's compute_amplitude_prediction_correlations with the LCG in place of RandomState."""
    X = x.numpy().astype(np.float64)
    N, C, T = X.shape
    with torch.no_grad():
        orig = model(x).double().numpy()
    f = np.fft.rfft(X, axis=2)
    amps, phases = np.abs(f), np.angle(f)
    corrs = []
    for it in range(n_iter):
        pert = lcg(seed0 + it, amps.size).reshape(amps.shape) * scale
        pert = np.maximum(-amps, pert)
        new = (amps + pert) * np.cos(phases) + (amps + pert) * np.sin(phases) * 1j
        xin = torch.tensor(np.fft.irfft(new, n=T, axis=2).astype(np.float32))
        with torch.no_grad():
            dy = model(xin).double().numpy() - orig
        a = pert.reshape(N, -1)
        a = a - a.mean(0)
        b = dy - dy.mean(0)
        corrs.append((a.T @ b) / np.outer(np.sqrt((a * a).sum(0)), np.sqrt((b * b).sum(0))))
    return np.mean(corrs, 0).reshape(C, -1, dy.shape[1])


def flat(t, every=1):
    # 9 significant digits: every float32 value survives the round trip
    return [float('%.9g' % v) for v in np.asarray(t, dtype=np.float64).reshape(-1)[::every]]


def eeg_summary(t):
    t = t.double()
    return {'channel_sums': flat(t.sum(2)), 'total': flat(t.reshape(len(t), -1).sum(1)),
            'every97': flat(t.reshape(-1)[::97])}


def main():
    torch.set_num_threads(1)
    cases = {}
    ln = lenet()
    x = lcg_t(1, (2, 1, 28, 28), shift=0.5)
    tg = [3, 7]
    L = cases['lenet'] = {'input': 'lcg(1, 2*784) + 0.5, shape (2, 1, 28, 28)', 'target': tg}
    L['saliency'] = flat(target_grad(ln, x, tg).abs())
    L['input_x_gradient'] = flat(target_grad(ln, x, tg) * x)
    L['ig'] = []
    for method, n, baseline in [('gausslegendre', 20, 0.0), ('riemann_trapezoid', 10, 0.1), ('riemann_left', 8, 0.0),
                                ('riemann_right', 8, 0.0), ('riemann_middle', 8, 0.0)]:
        a, d = integrated_gradients(ln, x, tg, baseline, n, method)
        every = 1 if method in ('gausslegendre', 'riemann_trapezoid') else 7
        L['ig'].append({'method': method, 'n_steps': n, 'baseline': baseline, 'every': every,
                        'attributions': flat(a, every), 'delta': flat(d)})
    noise = lcg_t(10, (3, 2, 1, 28, 28), scale=0.4)
    L['smoothgrad_noise'] = 'lcg(10, 3*2*784) * 0.4, shape (3, 2, 1, 28, 28)'
    L['smoothgrad'] = flat(smoothgrad(ln, x, tg, noise, 'saliency', 'smoothgrad'))
    L['vargrad_ixg'] = flat(smoothgrad(ln, x, tg, noise, 'input_x_gradient', 'vargrad'))
    L['smoothgrad_sq_every7'] = flat(smoothgrad(ln, x, tg, noise, 'saliency', 'smoothgrad_sq'), 7)
    L['occlusion'] = {'window': [1, 6, 6], 'strides': [1, 4, 4], 'baseline': 0.0,
                      'attributions': flat(occlusion(ln, x, tg, (1, 6, 6), (1, 4, 4), 0.0))}
    L['grad_cam'] = {layer: flat(grad_cam(ln, x, tg, layer)) for layer in ['conv1', 'conv2', 'fc1']}

    sh = shallow()
    xe = lcg_t(2, (2, 22, 1000))
    te = [0, 2]
    S = cases['shallow'] = {'input': 'lcg(2, 2*22*1000), shape (2, 22, 1000)', 'target': te}
    S['saliency'] = eeg_summary(target_grad(sh, xe, te).abs())
    a, d = integrated_gradients(sh, xe, te, 0.0, 50, 'gausslegendre')
    S['ig_gl50'] = {**eeg_summary(a), 'delta': flat(d)}
    S['grad_cam_conv_time_spat'] = flat(grad_cam(sh, xe, te, 'conv_time_spat'))
    xa = lcg_t(3, (6, 22, 1000))
    c = amplitude_perturbation(sh, xa, 2, 100, 2.0)
    S['amplitude_perturbation'] = {'input': 'lcg(3, 6*22*1000), shape (6, 22, 1000)',
                                   'perturbation': 'iteration i: lcg(100 + i, 6*22*501) * 2.0', 'n_iterations': 2,
                                   'channels': [0, 21], 'bins': 101,
                                   'correlations': flat(c[[0, 21], :101, :]), 'abs_sum': float(np.abs(c).sum())}
    meta = {'generator': 'scripts/golden/insight_attribution.py', 'torch_version': torch.__version__, 'cases': cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(meta, f, separators=(',', ':'))
        f.write('\n')
    print('wrote', os.path.relpath(OUT, ROOT), os.path.getsize(OUT), 'bytes')


def bench(threads):
    """Median seconds of the benchmark's computations in torch at `threads` threads."""
    torch.set_num_threads(threads)
    sh = ShallowFBCSPNet(22, 4, 1125).eval()
    x = lcg_t(2, (1, 22, 1125))
    ln = lenet()
    xl = lcg_t(1, (1, 1, 28, 28), shift=0.5)

    def ig():  # Captum's batching: all 50 scaled inputs in one pass
        a, w = rule('gausslegendre', 50)
        xs = torch.cat([float(ai) * x for ai in a]).requires_grad_(True)
        sh(xs)[:, 0].sum().backward()
        return (torch.tensor(w, dtype=torch.float32).reshape(-1, 1, 1) * xs.grad).sum(0) * x[0]

    out = {}
    for name, fn in [('ig50_shallow_1125', ig), ('saliency_lenet', lambda: target_grad(ln, xl, [3]).abs())]:
        fn()
        ts = []
        for _ in range(7):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        out[name] = float(np.median(ts))
    print(json.dumps(out))


if __name__ == '__main__':
    bench(int(sys.argv[sys.argv.index('--threads') + 1]) if '--threads' in sys.argv else 1) if '--bench' in sys.argv else main()
