"""brainchop's MeshNets in PyTorch: the TF.js weights loaded into torch Conv3d layers and run on
the same 64³ block of the conformed T1 as scripts/golden/brainchop_tfjs.mjs, compared with
TF.js's labels and logits (test/golden/brainchop/<model>.json, which must exist first).

Run with Debian's python3 (torch 1.13):
    /usr/bin/python3 scripts/golden/brainchop_torch.py [model5_gw_ae model18cls]
Writes test/golden/brainchop/<model>_torch.json (labels gzip+base64, logits at the TF.js
golden's sampled voxels, agreement with TF.js) and prints the agreement.
"""
import base64
import gzip
import json
import os
import sys
import time
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get('DENDRITE_DATA', ROOT.parent / 'shared' / 'data'))


def load_meshnet(name):
    """(kind, params) steps from model.json + shards: Conv3D weights (kd, kh, kw, Ci, Co) → (Co, Ci, kd, kh, kw)."""
    d = DATA / 'mri' / 'brainchop' / 'models' / name
    js = json.loads((d / 'model.json').read_text())
    weights = {}
    for group in js['weightsManifest']:
        buf = b''.join((d / p).read_bytes() for p in group['paths'])
        off = 0
        for w in group['weights']:
            assert w['dtype'] == 'float32'
            n = int(np.prod(w['shape']))
            weights[w['name']] = np.frombuffer(buf, '<f4', n, off).reshape(w['shape'])
            off += 4 * n
        assert off == len(buf)
    steps = []
    for layer in js['modelTopology']['model_config']['config']['layers']:
        cfg = layer['config']
        if layer['class_name'] == 'Conv3D':
            k = torch.from_numpy(weights[f"{cfg['name']}/kernel"].transpose(4, 3, 0, 1, 2).copy())
            b = torch.from_numpy(weights[f"{cfg['name']}/bias"].copy())
            steps.append(('conv', (k, b, tuple(cfg['dilation_rate']), cfg['padding'])))
            if cfg.get('activation', 'linear') != 'linear':
                steps.append(('act', cfg['activation']))
        elif layer['class_name'] == 'Activation':
            steps.append(('act', cfg['activation']))
        else:
            assert layer['class_name'] == 'InputLayer', layer['class_name']
    return steps


def run(steps, x):
    with torch.no_grad():
        for kind, p in steps:
            if kind == 'conv':
                k, b, dil, pad = p
                x = F.conv3d(x, k, b, padding=pad, dilation=dil)
            else:
                x = {'relu': F.relu, 'elu': F.elu, 'linear': lambda t: t}[p](x)
    return x


def main(names):
    img = nib.load(str(DATA / 'mri' / 'brainchop' / 't1_crop.nii.gz'))
    vol = np.asanyarray(img.dataobj).astype(np.float32)  # indexed [i, j, k]
    vmin, vmax = vol.min(), vol.max()
    for name in names:
        g = json.loads((ROOT / 'test' / 'golden' / 'brainchop' / f'{name}.json').read_text())
        o, s = g['origin'], g['size']
        blk = vol[o[0]:o[0] + s, o[1]:o[1] + s, o[2]:o[2] + s]
        assert int(blk.astype(np.int64).sum()) == g['block_sum']
        x = torch.from_numpy(((blk - vmin) / np.float32(vmax - vmin)).astype(np.float32))[None, None]
        steps = load_meshnet(name)
        torch.set_num_threads(2)
        t0 = time.perf_counter()
        y = run(steps, x)[0]  # (K, S, S, S)
        seconds = time.perf_counter() - t0
        labels = y.argmax(0).numpy().astype(np.uint8).ravel()
        ref = np.frombuffer(gzip.decompress(base64.b64decode(g['labels_gz_b64'])), np.uint8)
        agree = float((labels == ref).mean())
        K = y.shape[0]
        flat = y.reshape(K, -1).numpy()
        idx = np.arange(0, s ** 3, g['logit_stride'])
        sample = flat[:, idx].T.ravel()  # (voxel, class), as the TF.js golden
        ref_logits = np.frombuffer(base64.b64decode(g['logits_b64']), '<f4')
        err = float(np.abs(sample - ref_logits).max())
        out = dict(model=name, torch_version=torch.__version__, origin=o, size=s, classes=K,
                   agreement_with_tfjs=agree, max_abs_logit_diff_tfjs=err, logit_stride=g['logit_stride'],
                   labels_gz_b64=base64.b64encode(gzip.compress(labels.tobytes(), mtime=0)).decode(),
                   logits_b64=base64.b64encode(sample.astype('<f4').tobytes()).decode(),
                   torch_seconds_2_threads=seconds)
        (ROOT / 'test' / 'golden' / 'brainchop' / f'{name}_torch.json').write_text(json.dumps(out))
        print(f'{name}: torch labels equal TF.js on {int((labels == ref).sum())}/{labels.size} voxels '
              f'({100 * agree:.4f} %), max |logit diff| {err:.2e}, torch {seconds:.2f} s on {s}^3')


if __name__ == '__main__':
    main(sys.argv[1:] or ['model5_gw_ae', 'model18cls'])
