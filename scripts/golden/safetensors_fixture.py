"""Writes test/golden/safetensors/torch_state.safetensors from a PyTorch state dict, plus the
expected values as JSON. Run with Debian's python3 (python3-torch):

    /usr/bin/python3 scripts/golden/safetensors_fixture.py

Uses safetensors.torch.save_file when installed; otherwise writes the format by hand, exactly
as the spec says (u64 LE header length, JSON header padded with spaces to 8 bytes, LE data).
The hand-written header is compact JSON, __metadata__ first, tensors in key-sorted order, so
dendrite's encoder reproduces the file byte for byte.
"""
import json
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'safetensors')
DTYPES = {
    torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8',
    torch.uint8: 'U8', torch.bool: 'BOOL',
}


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)
        self.bn = torch.nn.BatchNorm1d(3)
        self.register_buffer('f64', torch.randn(2, 3, dtype=torch.float64))
        self.register_buffer('f16', torch.randn(5).half())
        self.register_buffer('bf16', torch.randn(5).bfloat16())


def raw_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are what we want
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder('<')).tobytes()


def save_by_hand(tensors, metadata, path):
    entries = ['"__metadata__":' + json.dumps(metadata, separators=(',', ':'))]
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name]
        b = raw_bytes(t)
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


def main():
    torch.manual_seed(0)
    net = Net()
    net.train()
    net.bn(net.fc(torch.randn(8, 4)))  # moves the running statistics off their defaults
    net.bn.num_batches_tracked.fill_(12345678901)  # > 2**32: exercises the high word of I64
    state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    metadata = {'format': 'pt', 'generator': 'scripts/golden/safetensors_fixture.py'}

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'torch_state.safetensors')
    try:
        from safetensors.torch import save_file
        save_file(state, path, metadata=metadata)
        writer = 'safetensors.torch.save_file'
    except ImportError:
        save_by_hand(state, metadata, path)
        writer = 'by hand (safetensors not installed)'

    expected = {
        'torch': torch.__version__,
        'writer': writer,
        'metadata': metadata,
        'tensors': {
            k: {
                'dtype': DTYPES[v.dtype],
                'shape': list(v.shape),
                # float32 view of half/bfloat16 is exact; int64 as strings to survive JSON numbers
                'values': [str(x) for x in v.flatten().tolist()] if v.dtype == torch.int64
                else v.flatten().double().tolist(),
            }
            for k, v in state.items()
        },
    }
    with open(os.path.join(OUT, 'torch_state.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
