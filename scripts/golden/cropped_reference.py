"""Golden values for ShallowFBCSPNet (trialwise) and for cropped decoding with dense predictions
(test/models/cropped.test.ts).

Run with Debian's python3 (python3-torch 1.13):

    /usr/bin/python3 scripts/golden/cropped_reference.py

Braindecode is not installed, so ShallowFBCSPNet is written here in plain torch with its pooling
as a module (in forward order), following Braindecode's layer order, defaults and state-dict keys;
Deep4Net, CombinedConv, FinalLayer, perturb and the safetensors writer come from eeg_models.py.
to_dense_prediction_model below implements Braindecode's published algorithm: walk the modules
in order, give each module with a dilation the product of the strides seen so far, then set
every stride to 1. CroppedLoss is Braindecode's: the loss of the predictions averaged over time.

Cases, written under test/golden/eeg_models/ as <case>_state/_ref.safetensors + <case>.json:
  shallow          ShallowFBCSPNet(22 ch, 4 classes, 1000 samples), final_conv_length 'auto':
                   46,084 parameters; eval logits, train logits (dropout p=0), cross-entropy
                   loss, gradients, BatchNorm running statistics after the step.
  shallow_dense    ShallowFBCSPNet(22, 4, 1000, final_conv_length=30) made dense; input
                   (2, 22, 1000) -> (2, 4, 467); CroppedLoss(cross_entropy) and its gradients.
  deep4_dense      Deep4Net(22, 4, 1000, final_conv_length=2) made dense; input (2, 22, 1000)
                   -> (2, 4, 479); CroppedLoss(cross_entropy) and its gradients.
Each dense case also asserts the defining property: the dense output at position p equals the
strided model's single output on the crop x[:, :, p:p+receptive_field].
"""
import json
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from eeg_models import OUT, CombinedConv, Deep4Net, FinalLayer, perturb, save_safetensors


def to_dense_prediction_model(model):
    stride_so_far = np.array([1, 1])
    for m in model.modules():
        if hasattr(m, 'dilation'):
            assert m.dilation in (1, (1, 1))
            m.dilation = (int(stride_so_far[0]), int(stride_so_far[1]))
        if hasattr(m, 'stride'):
            s = m.stride if hasattr(m.stride, '__len__') else (m.stride, m.stride)
            stride_so_far = stride_so_far * np.array(s)
            m.stride = (1, 1)
    return model


class Square(nn.Module):
    def forward(self, x):
        return x * x


class SafeLog(nn.Module):
    def forward(self, x):
        return torch.log(torch.clamp(x, min=1e-6))


class ShallowFBCSPNet(nn.Module):
    def __init__(self, n_chans, n_outputs, n_times, final_conv_length='auto', drop_prob=0.5):
        super().__init__()
        self.conv_time_spat = CombinedConv(n_chans, 40, 40, 25, bias_time=True, bias_spat=False)
        self.bnorm = nn.BatchNorm2d(40, momentum=0.1, affine=True, eps=1e-5)
        self.conv_nonlin = Square()
        self.pool = nn.AvgPool2d((75, 1), (15, 1))
        self.pool_nonlin = SafeLog()
        self.drop = nn.Dropout(drop_prob)
        if final_conv_length == 'auto':
            with torch.no_grad():
                final_conv_length = self.features(torch.ones(1, n_chans, n_times)).shape[2]
        self.final_layer = FinalLayer(nn.Conv2d(40, n_outputs, (final_conv_length, 1), bias=True))

    def features(self, x):
        x = x.unsqueeze(-1).permute(0, 3, 2, 1)  # (B, C, T) -> (B, 1, T, C)
        x = self.pool(self.conv_nonlin(self.bnorm(self.conv_time_spat(x))))
        return self.drop(self.pool_nonlin(x))

    def forward(self, x):
        return self.final_layer(self.features(x))


def cropped_loss(preds, target):
    return F.cross_entropy(preds.mean(dim=2) if preds.dim() == 3 else preds, target)


def write(name, state, ref, meta):
    os.makedirs(OUT, exist_ok=True)
    save_safetensors(state, os.path.join(OUT, f'{name}_state.safetensors'))
    save_safetensors(ref, os.path.join(OUT, f'{name}_ref.safetensors'))
    meta = {'torch_version': torch.__version__, 'generator': 'scripts/golden/cropped_reference.py', **meta}
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')


def case(name, make, x, target, dense):
    """make(): a fresh net; the strided twin checks the dense property."""
    model = make()
    perturb(model)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    n_params = sum(p.numel() for p in model.parameters())
    if dense:
        strided = make()
        strided.load_state_dict(state)
        strided.eval()
        to_dense_prediction_model(model)
    model.eval()
    with torch.no_grad():
        logits_eval = model(x)
    rf = None
    if dense:
        n_preds = logits_eval.shape[2]
        rf = x.shape[2] - n_preds + 1
        with torch.no_grad():
            for p in (0, 1, n_preds // 2, n_preds - 1):
                one = strided(x[:, :, p:p + rf])
                assert one.dim() == 2, one.shape
                assert torch.allclose(one, logits_eval[:, :, p], atol=1e-4, rtol=1e-4), (name, p)
    model.train()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    logits_train = model(x)
    loss = cropped_loss(logits_train, target)
    loss.backward()
    ref = {'input': x, 'target': target, 'logits_eval': logits_eval, 'logits_train': logits_train.detach()}
    for k, p in model.named_parameters():
        ref['grad.' + k] = p.grad
    for k, b in model.named_buffers():
        ref['after.' + k] = b
    write(name, state, ref, {
        'n_params': n_params, 'state_keys': list(state.keys()), 'input_shape': list(x.shape),
        'logits_shape': list(logits_eval.shape), 'loss': loss.item(), 'receptive_field': rf,
    })
    return n_params


def main():
    torch.manual_seed(20170810)
    x = torch.randn(2, 22, 1000)
    target = torch.tensor([3, 1])
    assert case('shallow', lambda: ShallowFBCSPNet(22, 4, 1000), x, target, dense=False) == 46084

    torch.manual_seed(20170811)
    x = torch.randn(2, 22, 1000)
    target = torch.tensor([0, 2])
    torch.manual_seed(1)
    case('shallow_dense', lambda: ShallowFBCSPNet(22, 4, 1000, final_conv_length=30), x, target, dense=True)

    torch.manual_seed(20170812)
    x = torch.randn(2, 22, 1000)
    target = torch.tensor([1, 2])
    torch.manual_seed(2)
    case('deep4_dense', lambda: Deep4Net(22, 4, 1000, final_conv_length=2), x, target, dense=True)


if __name__ == '__main__':
    main()
