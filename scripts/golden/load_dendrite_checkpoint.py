"""Step 2 of the dendrite -> PyTorch interop check: loads the safetensors file dendrite wrote
(test/golden/lenet_dendrite.safetensors) into a PyTorch LeNet with strict key checking, runs it
on the batch of test/golden/lenet.json and writes the logits to
test/golden/lenet_dendrite_logits.json. The file is parsed by hand (the safetensors package is
not in Debian), following the format spec."""
import json
import struct

import numpy as np
import torch

from make_golden import LeNet  # the same reference LeNet the golden fixtures use

DT = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for k, v in header.items():
        b, e = v["data_offsets"]
        arr = np.frombuffer(raw[base + b : base + e], dtype=DT[v["dtype"]]).reshape(v["shape"])
        out[k] = torch.from_numpy(arr.copy())
    return out


def main():
    sd = read_safetensors("test/golden/lenet_dendrite.safetensors")
    m = LeNet()
    m.load_state_dict(sd, strict=True)
    g = json.load(open("test/golden/lenet.json"))["cases"][0]["input"]
    x = torch.tensor(g["data"], dtype=torch.float32).reshape(g["shape"])
    with torch.no_grad():
        logits = m(x)
    json.dump(
        {"torch_version": torch.__version__, "shape": list(logits.shape), "data": [float(v) for v in logits.flatten()]},
        open("test/golden/lenet_dendrite_logits.json", "w"),
    )


if __name__ == "__main__":
    main()
