"""Golden values for dendrite's Deep4Net and EEGNet (test/models/deep4_eegnet.test.ts).

Run with Debian's python3 (python3-torch 1.13):

    /usr/bin/python3 scripts/golden/eeg_models.py

Braindecode is not installed, so both nets are written here in plain torch, following
Braindecode's layer order, defaults and state-dict key names (braindecode/models/deep4.py with
CombinedConv, braindecode/models/eegnet.py EEGNetv4 with the conv classifier, i.e.
final_layer_with_constraint=False). The script asserts Braindecode's parameter counts
(Deep4Net 282,879 at 22 ch x 1000 samples, 4 classes; EEGNet 2,484 at 22 x 512).

Per model it writes, under test/golden/eeg_models/:
  <model>_state.safetensors  the state_dict (F32, num_batches_tracked I64), loadable by PyTorch
  <model>_ref.safetensors    input, target, logits_eval, logits_train, grad.<param>, after.<buffer>
                             (EEGNet also renorm_in / renorm_out for the max-norm helper)
  <model>.json               loss, shapes, config and a description

Procedure (deterministic): torch.manual_seed(<fixed>); build the net with Braindecode's
initialisation (Xavier-uniform weights, zero biases, BatchNorm 1/0), then move biases, BatchNorm
affine parameters and running statistics off their defaults so every path is exercised.
logits_eval: model.eval(). logits_train: model.train() with every Dropout's p set to 0, so
BatchNorm uses batch statistics (and updates its running statistics, stored as after.*) while
the forward stays deterministic. The loss is the mean cross-entropy of logits_train; grads are
its gradients.
"""
import json
import os
import struct

import torch
from torch import nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'golden', 'eeg_models')
DTYPES = {torch.float32: 'F32', torch.int64: 'I64'}


def save_safetensors(tensors, path):
    """The safetensors layout by hand: u64 LE header length, JSON header (space-padded to 8), LE data."""
    entries = ['"__metadata__":' + json.dumps({'format': 'pt', 'generator': 'scripts/golden/eeg_models.py'}, separators=(',', ':'))]
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        a = t.numpy()
        b = a.astype(a.dtype.newbyteorder('<')).tobytes()
        entries.append(json.dumps(name) + ':' + json.dumps(
            {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]},
            separators=(',', ':')))
        blobs.append(b)
        offset += len(b)
    header = ('{' + ','.join(entries) + '}').encode('utf-8')
    header += b' ' * (-len(header) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(header)))
        f.write(header)
        f.write(b''.join(blobs))


def squeeze_final_output(x):
    # Braindecode's SqueezeFinalOutput: drop the trailing singleton, then a singleton time axis
    assert x.size(3) == 1
    x = x[:, :, :, 0]
    if x.size(2) == 1:
        x = x[:, :, 0]
    return x


class FinalLayer(nn.Module):
    def __init__(self, conv, permute_back=False):
        super().__init__()
        self.conv_classifier = conv
        self.permute_back = permute_back

    def forward(self, x):
        x = self.conv_classifier(x)
        if self.permute_back:
            x = x.permute(0, 1, 3, 2)
        return squeeze_final_output(x)


class CombinedConv(nn.Module):
    """Temporal conv (K,1) then spatial conv (1,C), run as one conv with the product weight."""

    def __init__(self, n_chans, n_time, n_spat, k, bias_time=True, bias_spat=False):
        super().__init__()
        self.conv_time = nn.Conv2d(1, n_time, (k, 1), bias=bias_time)
        self.conv_spat = nn.Conv2d(n_time, n_spat, (1, n_chans), bias=bias_spat)

    def forward(self, x):
        # (F,1,K,1) * (F,O,1,C) summed over F -> (O,K,C)
        w = (self.conv_time.weight * self.conv_spat.weight.permute(1, 0, 2, 3)).sum(0).unsqueeze(1)
        b = None
        if self.conv_time.bias is not None:
            b = self.conv_spat.weight.sum(dim=(2, 3)) @ self.conv_time.bias
        if self.conv_spat.bias is not None:
            b = self.conv_spat.bias if b is None else b + self.conv_spat.bias
        return F.conv2d(x, w, b)


class Deep4Net(nn.Module):
    """Braindecode's Deep4Net; pools are modules registered in forward order, so a generic
    module walk (cropped_reference.py's to_dense_prediction_model) meets them in that order."""

    def __init__(self, n_chans, n_outputs, n_times, final_conv_length='auto', drop_prob=0.5):
        super().__init__()
        self.conv_time_spat = CombinedConv(n_chans, 25, 25, 10, bias_time=True, bias_spat=False)
        self.bnorm = nn.BatchNorm2d(25, momentum=0.1, affine=True, eps=1e-5)
        self.pool = nn.MaxPool2d((3, 1), (3, 1))
        n_prev = 25
        self.blocks = []
        for nr, n in ((2, 50), (3, 100), (4, 200)):
            parts = (nn.Dropout(drop_prob), nn.Conv2d(n_prev, n, (10, 1), bias=False),
                     nn.BatchNorm2d(n, momentum=0.1, affine=True, eps=1e-5), nn.MaxPool2d((3, 1), (3, 1)))
            for name, mod in zip(('drop', 'conv', 'bnorm', 'pool'), parts):
                setattr(self, f'{name}_{nr}', mod)
            self.blocks.append(parts)
            n_prev = n
        if final_conv_length == 'auto':
            with torch.no_grad():
                final_conv_length = self.features(torch.ones(1, n_chans, n_times)).shape[2]
        self.final_layer = FinalLayer(nn.Conv2d(200, n_outputs, (final_conv_length, 1), bias=True))
        for name, p in self.named_parameters():
            if name.startswith('bnorm'):
                nn.init.constant_(p, 1 if name.endswith('weight') else 0)
            elif name.endswith('weight'):
                nn.init.xavier_uniform_(p, gain=1)
            else:
                nn.init.constant_(p, 0)

    def features(self, x):
        x = x.unsqueeze(-1).permute(0, 3, 2, 1)  # (B, C, T) -> (B, 1, T, C)
        x = self.pool(F.elu(self.bnorm(self.conv_time_spat(x))))
        for drop, conv, bn, pool in self.blocks:
            x = pool(F.elu(bn(conv(drop(x)))))
        return x

    def forward(self, x):
        return self.final_layer(self.features(x))


class Conv2dWithConstraint(nn.Conv2d):
    def __init__(self, *args, max_norm=1.0, **kwargs):
        self.max_norm = max_norm
        super().__init__(*args, **kwargs)

    def forward(self, x):
        self.weight.data = torch.renorm(self.weight.data, p=2, dim=0, maxnorm=self.max_norm)
        return super().forward(x)


class EEGNet(nn.Module):
    def __init__(self, n_chans, n_outputs, n_times, F1=8, D=2, F2=16, kernel_length=64, drop_prob=0.25):
        super().__init__()
        bn = dict(momentum=0.01, affine=True, eps=1e-3)
        self.conv_temporal = nn.Conv2d(1, F1, (1, kernel_length), bias=False, padding=(0, kernel_length // 2))
        self.bnorm_temporal = nn.BatchNorm2d(F1, **bn)
        self.conv_spatial = Conv2dWithConstraint(F1, F1 * D, (n_chans, 1), max_norm=1, bias=False, groups=F1)
        self.bnorm_1 = nn.BatchNorm2d(F1 * D, **bn)
        self.drop_1 = nn.Dropout(drop_prob)
        self.conv_separable_depth = nn.Conv2d(F1 * D, F1 * D, (1, 16), bias=False, groups=F1 * D, padding=(0, 8))
        self.conv_separable_point = nn.Conv2d(F1 * D, F2, (1, 1), bias=False)
        self.bnorm_2 = nn.BatchNorm2d(F2, **bn)
        self.drop_2 = nn.Dropout(drop_prob)
        with torch.no_grad():
            s = self.features(torch.ones(1, n_chans, n_times)).shape
        self.final_layer = FinalLayer(nn.Conv2d(F2, n_outputs, (s[2], s[3]), bias=True), permute_back=True)
        for m in self.modules():  # Braindecode's glorot_weight_zero_bias
            if hasattr(m, 'weight'):
                if 'BatchNorm' in type(m).__name__:
                    nn.init.constant_(m.weight, 1)
                else:
                    nn.init.xavier_uniform_(m.weight, gain=1)
            if getattr(m, 'bias', None) is not None:
                nn.init.constant_(m.bias, 0)

    def features(self, x):
        x = x.unsqueeze(1)  # (B, C, T) -> (B, 1, C, T)
        x = self.bnorm_temporal(self.conv_temporal(x))
        x = self.drop_1(F.avg_pool2d(F.elu(self.bnorm_1(self.conv_spatial(x))), (1, 4)))
        x = self.conv_separable_point(self.conv_separable_depth(x))
        x = self.drop_2(F.avg_pool2d(F.elu(self.bnorm_2(x)), (1, 8)))
        return x

    def forward(self, x):
        return self.final_layer(self.features(x))


def perturb(model):
    """Moves biases and BatchNorm parameters/statistics off their defaults (weights stay Xavier)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1 + 0.1 * torch.randn_like(m.weight))
                m.bias.copy_(0.1 * torch.randn_like(m.bias))
                m.running_mean.copy_(0.1 * torch.randn_like(m.running_mean))
                m.running_var.copy_(0.5 + torch.rand_like(m.running_var))
                m.num_batches_tracked.fill_(3)
            elif isinstance(m, nn.Conv2d) and m.bias is not None:
                m.bias.copy_(0.05 * torch.randn_like(m.bias))


def make(name, model, x, target, extra=None):
    perturb(model)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    n_params = sum(p.numel() for p in model.parameters())
    model.eval()
    with torch.no_grad():
        logits_eval = model(x)
    model.train()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    logits_train = model(x)
    loss = F.cross_entropy(logits_train, target)
    loss.backward()
    ref = {'input': x, 'target': target, 'logits_eval': logits_eval, 'logits_train': logits_train.detach()}
    for k, p in model.named_parameters():
        ref['grad.' + k] = p.grad
    for k, b in model.named_buffers():
        ref['after.' + k] = b
    ref.update(extra or {})
    os.makedirs(OUT, exist_ok=True)
    save_safetensors(state, os.path.join(OUT, f'{name}_state.safetensors'))
    save_safetensors(ref, os.path.join(OUT, f'{name}_ref.safetensors'))
    meta = {
        'torch_version': torch.__version__,
        'generator': 'scripts/golden/eeg_models.py',
        'description': __doc__.strip().split('\n\n')[-1],
        'n_params': n_params,
        'state_keys': list(state.keys()),
        'input_shape': list(x.shape),
        'logits_shape': list(logits_eval.shape),
        'loss': loss.item(),
    }
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')
    return n_params


def main():
    torch.manual_seed(20170809)  # Deep4Net
    net = Deep4Net(22, 4, 1000)
    x = torch.randn(2, 22, 1000)
    target = torch.tensor([1, 3])
    assert make('deep4', net, x, target) == 282879

    torch.manual_seed(20180601)  # EEGNet
    net = EEGNet(22, 4, 512)
    x = torch.randn(2, 22, 512)
    target = torch.tensor([2, 0])
    # the max-norm constraint: rows 0, 2, 4, ... scaled well above norm 1, the others left below
    w = net.conv_spatial.weight.detach().clone()
    # Braindecode renormalises conv_spatial in every forward; at Xavier scale that is a no-op,
    # so the stored weights are the ones the forward pass used
    assert torch.equal(torch.renorm(w, p=2, dim=0, maxnorm=1.0), w)
    scale = torch.ones(w.shape[0], 1, 1, 1)
    scale[::2] = 6.0
    renorm_in = w * scale
    extra = {'renorm_in': renorm_in, 'renorm_out': torch.renorm(renorm_in, p=2, dim=0, maxnorm=1.0)}
    assert make('eegnet', net, x, target, extra) == 2484


if __name__ == '__main__':
    main()
