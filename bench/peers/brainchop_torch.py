"""PyTorch peer for bench/imaging_brainchop.ts: a brainchop MeshNet (TF.js weights in torch
conv3d, as scripts/golden/brainchop_torch.py loads them) over the whole conformed volume.

argv[1]: JSON {"model": name, "threads": n, "labels": path}. Scales the volume with its min/max,
runs the model on the (i, j, k) axes after a warm-up on a 32³ block, writes the argmax labels
((i, j, k) C-order uint8) to `labels` and prints one JSON line with the seconds.
"""
import json
import sys
import time
from pathlib import Path

import nibabel as nib
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'scripts' / 'golden'))
from brainchop_torch import DATA, load_meshnet, run  # noqa: E402


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg['threads'])
    vol = np.asanyarray(nib.load(str(DATA / 'mri' / 'brainchop' / 't1_crop.nii.gz')).dataobj).astype(np.float32)
    x = torch.from_numpy((vol - vol.min()) / np.float32(vol.max() - vol.min()))[None, None]
    steps = load_meshnet(cfg['model'])
    run(steps, x[..., :32, :32, :32])
    t0 = time.perf_counter()
    y = run(steps, x)
    labels = y[0].argmax(0)
    seconds = time.perf_counter() - t0
    labels.numpy().astype(np.uint8).tofile(cfg['labels'])
    print(json.dumps(dict(torch=torch.__version__, threads=torch.get_num_threads(), seconds=seconds, shape=list(vol.shape))))


if __name__ == '__main__':
    main()
