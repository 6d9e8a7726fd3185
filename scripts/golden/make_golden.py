#!/usr/bin/env python3
"""Generate PyTorch reference values ("golden fixtures") for dendrite's tests.

Run from anywhere:   /usr/bin/python3 scripts/golden/make_golden.py

Writes test/golden/{ops,layers,losses,optim,lenet}.json and
test/golden/lenet_state.safetensors.  Every case re-seeds torch with a seed derived
from its name (crc32), so adding or removing a case never changes the others.
See scripts/golden/README.md for the format.
"""
import json
import math
import os
import struct
import sys
import warnings
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "test", "golden")

torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)

MAX_NUMEL = 3000

# Default: every float32 value is written as the exact double it converts to (Python's repr of
# float(x)), so Float32Array values read back as doubles compare equal with ===.
# --f32-shortest writes the shortest decimal that rounds to the same float32 instead (~40% smaller).
F32_SHORTEST = "--f32-shortest" in sys.argv[1:]
if F32_SHORTEST:
    import numpy as np

# PyTorch warns that padding='same' with an even kernel needs an asymmetric zero-padded copy.
warnings.filterwarnings("ignore", message="Using padding='same'")

DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64"}


# --------------------------------------------------------------------------- helpers

def seed(name):
    torch.manual_seed(zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF)


def T(t, allow_big=False):
    """Tensor -> {"shape", "dtype", "data"} with flat row-major data."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bool:
        t = t.to(torch.int64)
    if t.dtype not in DTYPE_NAMES:
        raise TypeError("unsupported dtype %s" % t.dtype)
    if t.numel() > MAX_NUMEL and not allow_big:
        raise ValueError("tensor too large for a fixture: %s" % (tuple(t.shape),))
    dt = DTYPE_NAMES[t.dtype]
    flat = t.reshape(-1).tolist()
    if dt == "int64":
        data = [int(v) for v in flat]
    else:
        # tolist() of a float32 tensor yields the exact float32 values as Python floats.
        data = [float(v) for v in flat]
        if F32_SHORTEST and dt == "float32":
            # shortest decimal that rounds back to the same float32 (smaller files; JS readers
            # must then go through Float32Array/Math.fround to get the bit-exact value)
            data = [float(repr(np.float32(v))) for v in data]
        for v in data:
            if not math.isfinite(v):
                raise ValueError("non-finite value in fixture")
    return {"shape": list(t.shape), "dtype": dt, "data": data}


def jsonable(v):
    if isinstance(v, tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, torch.Tensor):
        return T(v)
    return v


def rn(*shape, dtype=torch.float32):
    return torch.randn(tuple(shape), dtype=dtype)


def ru(*shape, lo=0.0, hi=1.0, dtype=torch.float32):
    return torch.rand(tuple(shape), dtype=dtype) * (hi - lo) + lo


def away(*shape, lo=0.5, hi=2.0, dtype=torch.float32):
    """Random values with |x| in [lo, hi) and random sign (safe divisors)."""
    mag = torch.rand(tuple(shape), dtype=dtype) * (hi - lo) + lo
    sign = torch.where(torch.rand(tuple(shape)) < 0.5, -1.0, 1.0).to(dtype)
    return mag * sign


def ri(lo, hi, *shape):
    return torch.randint(lo, hi, shape, dtype=torch.int64)


def write_json(fname, cases, description):
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError("duplicate case names in %s: %s" % (fname, sorted(dup)))
    path = os.path.join(OUT_DIR, fname)
    with open(path, "w") as f:
        f.write('{"torch_version":%s,\n"description":%s,\n"cases":[\n'
                % (json.dumps(torch.__version__), json.dumps(description)))
        f.write(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases))
        f.write("\n]}\n")
    print("wrote %-45s %4d cases %9d bytes" % (os.path.relpath(path, ROOT), len(cases), os.path.getsize(path)))


# --------------------------------------------------------------------------- op dispatch

def _slice(x, dim, start, end, step=1):
    idx = [slice(None)] * x.dim()
    idx[dim] = slice(start, end, step)
    return x[tuple(idx)]


def _logsumexp(x, dim=None, keepdim=False):
    if dim is None:
        dim = tuple(range(x.dim()))
    return torch.logsumexp(x, dim=dim, keepdim=keepdim)


SPECIAL = {
    "where": lambda c, x, y: torch.where(c.bool(), x, y),
    "slice": lambda x, **kw: _slice(x, **kw),
    "cat": lambda *ts, **kw: torch.cat(list(ts), **kw),
    "stack": lambda *ts, **kw: torch.stack(list(ts), **kw),
    "logsumexp": _logsumexp,
    "reshape": lambda x, shape: torch.reshape(x, shape),
    "expand": lambda x, size: x.expand(*size),
    "index_select": lambda x, index, dim: torch.index_select(x, dim, index),
    "gather": lambda x, index, dim: torch.gather(x, dim, index),
    "layer_norm": lambda x, weight=None, bias=None, normalized_shape=None, eps=1e-5:
        F.layer_norm(x, normalized_shape, weight, bias, eps),
    # the optional third input is `weight`, or `pos_weight` when the case says so (keyword only)
    "binary_cross_entropy_with_logits": lambda x, t, w=None, as_pos_weight=False, **kw:
        F.binary_cross_entropy_with_logits(x, t, pos_weight=w, **kw) if as_pos_weight
        else F.binary_cross_entropy_with_logits(x, t, weight=w, **kw),
}

# ops taken from torch.nn.functional (everything else comes from torch.*)
F_OPS = {
    "elu", "leaky_relu", "softplus", "linear", "conv1d", "conv2d", "max_pool1d", "max_pool2d",
    "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "softmax", "log_softmax", "batch_norm",
    "layer_norm", "dropout", "cross_entropy", "nll_loss", "mse_loss", "l1_loss",
    "binary_cross_entropy_with_logits", "poisson_nll_loss", "relu", "gelu", "silu",
}


def resolve(op):
    if op in SPECIAL:
        return SPECIAL[op]
    if op in F_OPS:
        return getattr(F, op)
    return getattr(torch, op)


def fn_case(name, op, make, kwargs=None, requires_grad=None, input_names=None, call_kwargs=None,
            state=None):
    """Build one ops/losses case.

    make() returns the list of input tensors (called after seeding).  kwargs are recorded
    (None values are recorded as null and dropped for the call).  requires_grad defaults to
    True for floating inputs and False for integer ones.  state: indices of inputs mutated in
    place by the op (batch_norm running stats) -> recorded as "state_after".
    """
    kwargs = dict(kwargs or {})
    seed(name)
    inputs = make()
    if requires_grad is None:
        requires_grad = [t.is_floating_point() for t in inputs]
    rec_inputs = [T(t) for t in inputs]
    leaves = []
    for t, rg in zip(inputs, requires_grad):
        t = t.detach().clone()
        if rg:
            t.requires_grad_(True)
        leaves.append(t)
    ck = {k: v for k, v in kwargs.items() if v is not None}
    if call_kwargs:
        ck.update(call_kwargs)
    out = resolve(op)(*leaves, **ck)
    multi = isinstance(out, (tuple, list))
    outs = list(out) if multi else [out]
    primary = outs[0]
    case = {"name": name, "op": op, "kwargs": jsonable(kwargs)}
    if input_names:
        case["input_names"] = input_names
    case["inputs"] = rec_inputs
    case["requires_grad"] = list(requires_grad)
    case["output"] = [T(o) for o in outs] if multi else T(primary)
    if not primary.is_floating_point():   # argmax/argmin: nothing is differentiable
        requires_grad = [False] * len(inputs)
        case["requires_grad"] = requires_grad
    if any(requires_grad) and primary.is_floating_point():
        up = torch.randn(primary.shape, dtype=primary.dtype)
        loss = (primary * up).sum()
        diff = [l for l, rg in zip(leaves, requires_grad) if rg]
        gs = torch.autograd.grad(loss, diff, allow_unused=True)
        gi = iter(gs)
        grads = []
        for l, rg in zip(leaves, requires_grad):
            if rg:
                g = next(gi)
                grads.append(T(g if g is not None else torch.zeros_like(l)))
            else:
                grads.append(None)
        case["upstream"] = T(up)
        case["grads"] = grads
    else:
        case["upstream"] = None
        case["grads"] = [None] * len(inputs)
    if state:
        case["state_after"] = {k: T(leaves[i]) for k, i in state.items()}
    return case


# --------------------------------------------------------------------------- ops.json

def ops_cases():
    C = []
    add = C.append
    f64 = torch.float64

    # ---- elementwise unary
    for op in ["neg", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "square"]:
        add(fn_case(op, op, lambda: [rn(2, 3, 4)]))
    add(fn_case("exp_f64", "exp", lambda: [rn(3, 4, dtype=f64)]))
    add(fn_case("tanh_f64", "tanh", lambda: [rn(3, 4, dtype=f64)]))
    for op in ["log", "sqrt", "rsqrt"]:
        add(fn_case(op, op, lambda: [ru(2, 3, 4, lo=0.1, hi=3.0)]))
    add(fn_case("log_f64", "log", lambda: [ru(3, 4, lo=0.1, hi=3.0, dtype=f64)]))
    add(fn_case("reciprocal", "reciprocal", lambda: [away(2, 3, 4)]))
    add(fn_case("relu_scalar0d", "relu", lambda: [torch.tensor(-0.75)]))
    add(fn_case("exp_scalar0d", "exp", lambda: [torch.tensor(0.3)]))

    add(fn_case("elu_default", "elu", lambda: [rn(3, 5) * 2]))
    add(fn_case("elu_alpha0.5", "elu", lambda: [rn(3, 5) * 2], {"alpha": 0.5}))
    add(fn_case("leaky_relu_default", "leaky_relu", lambda: [rn(3, 5)]))
    add(fn_case("leaky_relu_slope0.2", "leaky_relu", lambda: [rn(3, 5)], {"negative_slope": 0.2}))
    add(fn_case("softplus_default", "softplus", lambda: [rn(3, 5) * 3]))
    add(fn_case("softplus_beta2_thr5", "softplus", lambda: [rn(4, 6) * 3], {"beta": 2.0, "threshold": 5.0}))
    add(fn_case("clamp_min_max", "clamp", lambda: [rn(3, 5)], {"min": -0.5, "max": 0.5}))
    add(fn_case("clamp_min_only", "clamp", lambda: [rn(3, 5)], {"min": -0.2}))
    add(fn_case("clamp_max_only", "clamp", lambda: [rn(3, 5)], {"max": 0.3}))

    # pow: scalar exponent and tensor exponent (positive base)
    add(fn_case("pow_scalar_2", "pow", lambda: [rn(3, 4)], {"exponent": 2.0}))
    add(fn_case("pow_scalar_3_negbase", "pow", lambda: [rn(3, 4)], {"exponent": 3.0}))
    add(fn_case("pow_scalar_0.5", "pow", lambda: [ru(3, 4, lo=0.2, hi=3.0)], {"exponent": 0.5}))
    add(fn_case("pow_scalar_-1.5", "pow", lambda: [ru(3, 4, lo=0.2, hi=3.0)], {"exponent": -1.5}))
    add(fn_case("pow_tensor", "pow", lambda: [ru(3, 4, lo=0.5, hi=2.5), rn(3, 4)],
                input_names=["input", "exponent"]))
    add(fn_case("pow_tensor_broadcast", "pow", lambda: [ru(2, 3, 4, lo=0.5, hi=2.5), rn(4)],
                input_names=["input", "exponent"]))

    # ---- elementwise binary with broadcasting
    shapes = [
        ("same", (3, 4), (3, 4)),
        ("bcast_314_21", (3, 1, 4), (2, 1)),
        ("bcast_234_4", (2, 3, 4), (4,)),
        ("bcast_31_14", (3, 1), (1, 4)),
        ("bcast_scalar0d", (), (2, 3)),
        ("bcast_4_231", (4,), (2, 3, 1)),
    ]
    for op in ["add", "sub", "mul", "div", "maximum", "minimum"]:
        for tag, sa, sb in shapes:
            if op == "div":
                mk = (lambda sa=sa, sb=sb: [rn(*sa), away(*sb)])
            else:
                mk = (lambda sa=sa, sb=sb: [rn(*sa), rn(*sb)])
            add(fn_case("%s_%s" % (op, tag), op, mk, input_names=["input", "other"]))
    add(fn_case("add_f64", "add", lambda: [rn(3, 1, 4, dtype=f64), rn(2, 1, dtype=f64)], input_names=["input", "other"]))
    add(fn_case("div_f64", "div", lambda: [rn(3, 4, dtype=f64), away(4, dtype=f64)], input_names=["input", "other"]))

    add(fn_case("where_same", "where", lambda: [ri(0, 2, 3, 4), rn(3, 4), rn(3, 4)],
                input_names=["condition", "input", "other"]))
    add(fn_case("where_bcast", "where", lambda: [ri(0, 2, 3, 1), rn(3, 4), rn(4)],
                input_names=["condition", "input", "other"]))

    # ---- reductions on (2,3,4)
    red_dims = [
        ("all", {"dim": None}),
        ("dim0", {"dim": 0}),
        ("dim-1", {"dim": -1}),
        ("dim1_keep", {"dim": 1, "keepdim": True}),
        ("dims02", {"dim": [0, 2]}),
        ("dims02_keep", {"dim": [0, 2], "keepdim": True}),
        ("dims-1-2", {"dim": [-1, -2]}),
    ]

    def tup(kw):
        kw = dict(kw)
        if isinstance(kw.get("dim"), list):
            kw["dim"] = tuple(kw["dim"])
        return kw

    for op in ["sum", "mean", "amax", "amin", "logsumexp"]:
        for tag, kw in red_dims:
            if op in ("amax", "amin", "sum", "mean") and kw["dim"] is None:
                add(fn_case("%s_%s" % (op, tag), op, lambda: [rn(2, 3, 4)], {"dim": None}))
                continue
            add(fn_case("%s_%s" % (op, tag), op, lambda: [rn(2, 3, 4)], tup(kw)))
    add(fn_case("sum_f64_dim1", "sum", lambda: [rn(2, 3, 4, dtype=f64)], {"dim": 1}))
    add(fn_case("mean_f64_all", "mean", lambda: [rn(2, 3, 4, dtype=f64)], {"dim": None}))

    for op in ["var", "std"]:
        for tag, kw in [
            ("all_unbiased", {"dim": None, "unbiased": True}),
            ("all_biased", {"dim": None, "unbiased": False}),
            ("dim0_unbiased", {"dim": 0, "unbiased": True}),
            ("dim-1_biased", {"dim": -1, "unbiased": False}),
            ("dim1_unbiased_keep", {"dim": 1, "unbiased": True, "keepdim": True}),
            ("dims02_biased", {"dim": (0, 2), "unbiased": False}),
            ("dims02_unbiased_keep", {"dim": (0, 2), "unbiased": True, "keepdim": True}),
            ("dim1_correction0", {"dim": 1, "correction": 0}),
            ("dim1_correction1", {"dim": 1, "correction": 1}),
        ]:
            add(fn_case("%s_%s" % (op, tag), op, lambda: [rn(2, 3, 4)], kw))

    for op in ["max", "min"]:
        add(fn_case("%s_all" % op, op, lambda: [rn(2, 3, 4)], {"dim": None}))
        for tag, kw in [("dim0", {"dim": 0}), ("dim-1", {"dim": -1}), ("dim1_keep", {"dim": 1, "keepdim": True}),
                        ("dim2_keep", {"dim": 2, "keepdim": True})]:
            add(fn_case("%s_%s" % (op, tag), op, lambda: [rn(2, 3, 4)], kw))
    for op in ["argmax", "argmin"]:
        for tag, kw in [("all", {"dim": None}), ("dim1", {"dim": 1}), ("dim-1_keep", {"dim": -1, "keepdim": True}),
                        ("dim0", {"dim": 0})]:
            add(fn_case("%s_%s" % (op, tag), op, lambda: [rn(2, 3, 4)], kw))

    for tag, kw in [("all", {"dim": None}), ("dim0", {"dim": 0}), ("dim-1", {"dim": -1}),
                    ("dim1_keep", {"dim": 1, "keepdim": True})]:
        add(fn_case("prod_%s" % tag, "prod", lambda: [away(2, 3, 4, lo=0.6, hi=1.4)], kw))

    def with_zero():
        x = away(3, 4, lo=0.6, hi=1.4)
        x[1, 2] = 0.0
        return [x]
    add(fn_case("prod_with_zero_dim-1", "prod", with_zero, {"dim": -1}))
    add(fn_case("prod_with_zero_all", "prod", with_zero, {"dim": None}))

    # ---- movement
    add(fn_case("reshape_4x6", "reshape", lambda: [rn(2, 3, 4)], {"shape": [4, 6]}))
    add(fn_case("reshape_infer", "reshape", lambda: [rn(2, 3, 4)], {"shape": [-1, 2]}))
    add(fn_case("reshape_flat", "reshape", lambda: [rn(2, 3, 4)], {"shape": [24]}))
    add(fn_case("reshape_after_permute_input", "reshape", lambda: [rn(3, 2, 4).permute(1, 0, 2).contiguous()], {"shape": [2, 12]}))
    add(fn_case("permute_201", "permute", lambda: [rn(2, 3, 4)], {"dims": [2, 0, 1]}))
    add(fn_case("permute_1032", "permute", lambda: [rn(2, 3, 4, 5)], {"dims": [1, 0, 3, 2]}))
    add(fn_case("transpose_0_2", "transpose", lambda: [rn(2, 3, 4)], {"dim0": 0, "dim1": 2}))
    add(fn_case("transpose_-1_-2", "transpose", lambda: [rn(2, 3, 4)], {"dim0": -1, "dim1": -2}))
    add(fn_case("squeeze_dim1", "squeeze", lambda: [rn(2, 1, 4, 1)], {"dim": 1}))
    add(fn_case("squeeze_dim-1", "squeeze", lambda: [rn(2, 1, 4, 1)], {"dim": -1}))
    add(fn_case("squeeze_all", "squeeze", lambda: [rn(2, 1, 4, 1)], {"dim": None}))
    add(fn_case("squeeze_non1_noop", "squeeze", lambda: [rn(2, 1, 4)], {"dim": 0}))
    add(fn_case("unsqueeze_0", "unsqueeze", lambda: [rn(2, 3)], {"dim": 0}))
    add(fn_case("unsqueeze_-1", "unsqueeze", lambda: [rn(2, 3)], {"dim": -1}))
    add(fn_case("unsqueeze_1", "unsqueeze", lambda: [rn(2, 3)], {"dim": 1}))
    add(fn_case("expand_31_to_234", "expand", lambda: [rn(3, 1)], {"size": [2, 3, 4]}))
    add(fn_case("expand_14_minus1", "expand", lambda: [rn(1, 4)], {"size": [3, -1]}))
    add(fn_case("flatten_start1", "flatten", lambda: [rn(2, 3, 4)], {"start_dim": 1}))
    add(fn_case("flatten_0_1", "flatten", lambda: [rn(2, 3, 4)], {"start_dim": 0, "end_dim": 1}))
    add(fn_case("cat_dim0", "cat", lambda: [rn(2, 3), rn(4, 3)], {"dim": 0}))
    add(fn_case("cat_dim1_three", "cat", lambda: [rn(2, 3), rn(2, 5), rn(2, 1)], {"dim": 1}))
    add(fn_case("cat_dim-1_3d", "cat", lambda: [rn(2, 3, 2), rn(2, 3, 4)], {"dim": -1}))
    add(fn_case("stack_dim0", "stack", lambda: [rn(2, 3), rn(2, 3), rn(2, 3)], {"dim": 0}))
    add(fn_case("stack_dim1", "stack", lambda: [rn(2, 3), rn(2, 3)], {"dim": 1}))
    add(fn_case("stack_dim-1", "stack", lambda: [rn(2, 3), rn(2, 3)], {"dim": -1}))
    add(fn_case("slice_dim0_1_3", "slice", lambda: [rn(4, 6)], {"dim": 0, "start": 1, "end": 3, "step": 1}))
    add(fn_case("slice_dim1_step2", "slice", lambda: [rn(4, 6)], {"dim": 1, "start": 0, "end": 6, "step": 2}))
    add(fn_case("slice_dim1_step3_odd", "slice", lambda: [rn(4, 7)], {"dim": 1, "start": 1, "end": 7, "step": 3}))
    add(fn_case("slice_neg_start_end", "slice", lambda: [rn(4, 6)], {"dim": -1, "start": -4, "end": -1, "step": 1}))
    add(fn_case("slice_3d_dim1", "slice", lambda: [rn(2, 5, 3)], {"dim": 1, "start": 1, "end": 4, "step": 2}))
    add(fn_case("narrow_dim1", "narrow", lambda: [rn(3, 5)], {"dim": 1, "start": 1, "length": 2}))
    add(fn_case("narrow_dim0", "narrow", lambda: [rn(4, 3)], {"dim": 0, "start": 2, "length": 2}))
    add(fn_case("index_select_dim0_dup", "index_select", lambda: [rn(4, 5), torch.tensor([2, 0, 2, 3])],
                {"dim": 0}, input_names=["input", "index"]))
    add(fn_case("index_select_dim1", "index_select", lambda: [rn(3, 5), torch.tensor([4, 1])],
                {"dim": 1}, input_names=["input", "index"]))
    add(fn_case("gather_dim1", "gather", lambda: [rn(3, 4), ri(0, 4, 3, 2)], {"dim": 1}, input_names=["input", "index"]))
    add(fn_case("gather_dim0", "gather", lambda: [rn(3, 4), ri(0, 3, 2, 4)], {"dim": 0}, input_names=["input", "index"]))
    add(fn_case("gather_dim-1_3d", "gather", lambda: [rn(2, 3, 4), ri(0, 4, 2, 3, 5)], {"dim": -1},
                input_names=["input", "index"]))
    add(fn_case("flip_0", "flip", lambda: [rn(3, 4)], {"dims": [0]}))
    add(fn_case("flip_0_2", "flip", lambda: [rn(2, 3, 4)], {"dims": [0, 2]}))

    # ---- matmul
    mm = [
        ("2d", (3, 4), (4, 5)),
        ("batched3d", (2, 3, 4), (2, 4, 5)),
        ("bcast_batch", (1, 3, 4), (2, 4, 5)),
        ("bcast_4d", (2, 1, 3, 4), (5, 4, 2)),
        ("3d_2d", (2, 3, 4), (4, 5)),
        ("2d_3d", (3, 4), (2, 4, 5)),
        ("vec_mat", (4,), (4, 5)),
        ("mat_vec", (3, 4), (4,)),
        ("vec_vec", (4,), (4,)),
        ("batch_vec", (2, 3, 4), (4,)),
        ("vec_batch", (4,), (2, 4, 5)),
    ]
    for tag, sa, sb in mm:
        add(fn_case("matmul_" + tag, "matmul", lambda sa=sa, sb=sb: [rn(*sa), rn(*sb)], input_names=["input", "other"]))
    add(fn_case("matmul_2d_f64", "matmul", lambda: [rn(3, 4, dtype=f64), rn(4, 5, dtype=f64)], input_names=["input", "other"]))
    add(fn_case("mm", "mm", lambda: [rn(3, 4), rn(4, 2)], input_names=["input", "mat2"]))
    add(fn_case("bmm", "bmm", lambda: [rn(2, 3, 4), rn(2, 4, 2)], input_names=["input", "mat2"]))
    lin = ["input", "weight", "bias"]
    add(fn_case("linear_bias", "linear", lambda: [rn(3, 4), rn(5, 4), rn(5)], input_names=lin))
    add(fn_case("linear_nobias", "linear", lambda: [rn(3, 4), rn(5, 4)], input_names=lin[:2]))
    add(fn_case("linear_3d_input", "linear", lambda: [rn(2, 3, 4), rn(5, 4), rn(5)], input_names=lin))
    add(fn_case("linear_1d_input", "linear", lambda: [rn(4), rn(5, 4), rn(5)], input_names=lin))

    # ---- conv1d: inputs [input, weight, bias?]
    def conv(name, op, xs, ws, bias=True, dtype=torch.float32, **kw):
        def mk():
            ins = [rn(*xs, dtype=dtype), rn(*ws, dtype=dtype) * 0.5]
            if bias:
                ins.append(rn(ws[0], dtype=dtype))
            return ins
        add(fn_case(name, op, mk, kw, input_names=lin if bias else lin[:2]))

    conv("conv1d_basic", "conv1d", (2, 3, 10), (4, 3, 3))
    conv("conv1d_stride2", "conv1d", (2, 3, 10), (4, 3, 3), stride=2)
    conv("conv1d_pad1", "conv1d", (2, 3, 10), (4, 3, 3), padding=1)
    conv("conv1d_pad2_stride2_odd", "conv1d", (2, 3, 11), (4, 3, 4), stride=2, padding=2)
    conv("conv1d_same_k3", "conv1d", (2, 3, 9), (4, 3, 3), padding="same")
    conv("conv1d_same_k4_even", "conv1d", (2, 3, 9), (4, 3, 4), padding="same")
    conv("conv1d_same_k2_even", "conv1d", (2, 3, 8), (4, 3, 2), padding="same")
    conv("conv1d_same_k3_dil2", "conv1d", (2, 3, 9), (4, 3, 3), padding="same", dilation=2)
    conv("conv1d_same_k2_dil3", "conv1d", (2, 3, 9), (4, 3, 2), padding="same", dilation=3)
    conv("conv1d_valid", "conv1d", (2, 3, 9), (4, 3, 3), padding="valid")
    conv("conv1d_dil2", "conv1d", (2, 3, 11), (4, 3, 3), dilation=2)
    conv("conv1d_stride2_pad2_dil2", "conv1d", (2, 3, 11), (4, 3, 3), stride=2, padding=2, dilation=2)
    conv("conv1d_groups2", "conv1d", (2, 4, 9), (6, 2, 3), groups=2)
    conv("conv1d_depthwise", "conv1d", (2, 3, 8), (3, 1, 3), groups=3, padding=1)
    conv("conv1d_depthwise_mult2", "conv1d", (2, 3, 8), (6, 1, 3), groups=3)
    conv("conv1d_nobias", "conv1d", (2, 3, 10), (4, 3, 3), bias=False)
    conv("conv1d_k1", "conv1d", (2, 3, 5), (2, 3, 1))
    conv("conv1d_f64", "conv1d", (2, 3, 10), (4, 3, 3), dtype=torch.float64, stride=2, padding=1)

    conv("conv2d_basic", "conv2d", (2, 3, 7, 9), (4, 3, 3, 2))
    conv("conv2d_stride2", "conv2d", (1, 2, 7, 9), (3, 2, 3, 3), stride=2)
    conv("conv2d_stride21", "conv2d", (1, 2, 7, 9), (3, 2, 3, 2), stride=[2, 1])
    conv("conv2d_pad1", "conv2d", (2, 2, 5, 6), (3, 2, 3, 3), padding=1)
    conv("conv2d_pad12", "conv2d", (1, 3, 7, 9), (2, 3, 3, 2), padding=[1, 2])
    conv("conv2d_same_k3", "conv2d", (1, 2, 5, 7), (3, 2, 3, 3), padding="same")
    conv("conv2d_same_k32_even", "conv2d", (2, 3, 7, 9), (4, 3, 3, 2), padding="same")
    conv("conv2d_same_k43_dil12", "conv2d", (1, 2, 7, 9), (3, 2, 4, 3), padding="same", dilation=[1, 2])
    conv("conv2d_same_k22_dil2", "conv2d", (1, 2, 6, 7), (3, 2, 2, 2), padding="same", dilation=2)
    conv("conv2d_valid", "conv2d", (1, 2, 5, 7), (3, 2, 3, 2), padding="valid")
    conv("conv2d_dil2", "conv2d", (1, 2, 7, 9), (3, 2, 3, 3), dilation=2)
    conv("conv2d_groups2", "conv2d", (1, 4, 5, 6), (6, 2, 3, 3), groups=2)
    conv("conv2d_groups2_stride2_pad1", "conv2d", (2, 4, 5, 6), (4, 2, 3, 3), groups=2, stride=2, padding=1)
    conv("conv2d_depthwise", "conv2d", (1, 3, 6, 5), (3, 1, 3, 3), groups=3, padding=1)
    conv("conv2d_nobias", "conv2d", (1, 3, 5, 7), (4, 3, 3, 2), bias=False)
    conv("conv2d_combo_odd", "conv2d", (1, 2, 9, 11), (3, 2, 3, 2), stride=[2, 3], padding=[2, 1], dilation=[2, 1])
    conv("conv2d_k1", "conv2d", (2, 3, 4, 5), (2, 3, 1, 1))
    conv("conv2d_k5_lenet_like", "conv2d", (1, 1, 8, 8), (2, 1, 5, 5), padding=2)
    conv("conv2d_f64", "conv2d", (1, 3, 6, 7), (2, 3, 3, 3), dtype=torch.float64, padding=1)

    # ---- pooling
    def pool(name, op, xs, **kw):
        add(fn_case(name, op, lambda: [rn(*xs)], kw))

    pool("max_pool1d_k3", "max_pool1d", (2, 3, 11), kernel_size=3)
    pool("max_pool1d_k3_s2", "max_pool1d", (2, 3, 11), kernel_size=3, stride=2)
    pool("max_pool1d_k4_s3_p2", "max_pool1d", (2, 3, 11), kernel_size=4, stride=3, padding=2)
    pool("max_pool1d_k3_s2_ceil", "max_pool1d", (2, 3, 10), kernel_size=3, stride=2, ceil_mode=True)
    pool("max_pool1d_k2_s2_p1_ceil", "max_pool1d", (2, 2, 9), kernel_size=2, stride=2, padding=1, ceil_mode=True)
    pool("max_pool1d_k3_dil2", "max_pool1d", (2, 3, 11), kernel_size=3, dilation=2)
    pool("max_pool2d_k2", "max_pool2d", (1, 2, 7, 9), kernel_size=2)
    pool("max_pool2d_k3_s2", "max_pool2d", (1, 2, 7, 9), kernel_size=3, stride=2)
    pool("max_pool2d_k32_s21_p11", "max_pool2d", (1, 2, 7, 9), kernel_size=[3, 2], stride=[2, 1], padding=[1, 1])
    pool("max_pool2d_k3_s2_ceil", "max_pool2d", (1, 2, 8, 8), kernel_size=3, stride=2, ceil_mode=True)
    pool("max_pool2d_k2_dil2", "max_pool2d", (1, 2, 7, 8), kernel_size=2, dilation=2)
    pool("avg_pool1d_k3", "avg_pool1d", (2, 3, 11), kernel_size=3)
    pool("avg_pool1d_k3_s2", "avg_pool1d", (2, 3, 11), kernel_size=3, stride=2)
    pool("avg_pool1d_k3_s2_p1_incl", "avg_pool1d", (2, 3, 10), kernel_size=3, stride=2, padding=1, count_include_pad=True)
    pool("avg_pool1d_k3_s2_p1_excl", "avg_pool1d", (2, 3, 10), kernel_size=3, stride=2, padding=1, count_include_pad=False)
    pool("avg_pool1d_k3_s2_p1_ceil_incl", "avg_pool1d", (2, 3, 10), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)
    pool("avg_pool1d_k3_s2_p1_ceil_excl", "avg_pool1d", (2, 3, 10), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    pool("avg_pool1d_k2_s2_ceil", "avg_pool1d", (2, 2, 9), kernel_size=2, stride=2, ceil_mode=True)
    pool("avg_pool2d_k2", "avg_pool2d", (1, 2, 7, 9), kernel_size=2)
    pool("avg_pool2d_k3_s2", "avg_pool2d", (1, 2, 7, 9), kernel_size=3, stride=2)
    pool("avg_pool2d_k32_s21_p11_incl", "avg_pool2d", (1, 2, 7, 9), kernel_size=[3, 2], stride=[2, 1], padding=[1, 1], count_include_pad=True)
    pool("avg_pool2d_k32_s21_p11_excl", "avg_pool2d", (1, 2, 7, 9), kernel_size=[3, 2], stride=[2, 1], padding=[1, 1], count_include_pad=False)
    pool("avg_pool2d_k3_s2_p1_ceil_incl", "avg_pool2d", (1, 2, 8, 8), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)
    pool("avg_pool2d_k3_s2_p1_ceil_excl", "avg_pool2d", (1, 2, 8, 8), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    pool("avg_pool2d_k3_s2_ceil_nopad", "avg_pool2d", (1, 2, 8, 8), kernel_size=3, stride=2, ceil_mode=True)
    pool("avg_pool2d_k2_divisor3", "avg_pool2d", (1, 2, 6, 6), kernel_size=2, divisor_override=3)
    pool("adaptive_avg_pool1d_10_to_4", "adaptive_avg_pool1d", (2, 3, 10), output_size=4)
    pool("adaptive_avg_pool1d_10_to_3", "adaptive_avg_pool1d", (2, 3, 10), output_size=3)
    pool("adaptive_avg_pool1d_7_to_1", "adaptive_avg_pool1d", (2, 3, 7), output_size=1)
    pool("adaptive_avg_pool1d_5_to_7_up", "adaptive_avg_pool1d", (1, 2, 5), output_size=7)
    pool("adaptive_avg_pool2d_79_to_34", "adaptive_avg_pool2d", (1, 2, 7, 9), output_size=[3, 4])
    pool("adaptive_avg_pool2d_79_to_1", "adaptive_avg_pool2d", (1, 2, 7, 9), output_size=1)
    pool("adaptive_avg_pool2d_66_to_44", "adaptive_avg_pool2d", (1, 2, 6, 6), output_size=[4, 4])
    pool("adaptive_avg_pool2d_55_to_77_up", "adaptive_avg_pool2d", (1, 2, 5, 5), output_size=[7, 7])
    pool("adaptive_max_pool1d_10_to_3", "adaptive_max_pool1d", (2, 3, 10), output_size=3)
    pool("adaptive_max_pool2d_79_to_34", "adaptive_max_pool2d", (1, 2, 7, 9), output_size=[3, 4])

    # ---- softmax family, normalisation, dropout
    for op in ["softmax", "log_softmax"]:
        add(fn_case(op + "_3d_dim1", op, lambda: [rn(2, 3, 4) * 2], {"dim": 1}))
        add(fn_case(op + "_3d_dim-1", op, lambda: [rn(2, 3, 4) * 2], {"dim": -1}))
        add(fn_case(op + "_2d_dim1", op, lambda: [rn(3, 5) * 2], {"dim": 1}))
        add(fn_case(op + "_2d_dim0", op, lambda: [rn(3, 5) * 2], {"dim": 0}))
        add(fn_case(op + "_large_logits", op, lambda: [rn(3, 5) * 40], {"dim": -1}))

    bn_names = ["input", "running_mean", "running_var", "weight", "bias"]
    for tag, xs in [("2d", (4, 3)), ("3d", (4, 3, 5)), ("4d", (2, 3, 4, 5))]:
        for training in (True, False):
            def mk(xs=xs):
                c = xs[1]
                return [rn(*xs) * 1.5 + 0.3, rn(c) * 0.2, ru(c, lo=0.5, hi=1.5), ru(c, lo=0.5, hi=1.5), rn(c) * 0.1]
            add(fn_case("batch_norm_%s_%s" % (tag, "train" if training else "eval"), "batch_norm", mk,
                        {"training": training, "momentum": 0.1, "eps": 1e-5},
                        requires_grad=[True, False, False, True, True], input_names=bn_names,
                        state={"running_mean": 1, "running_var": 2} if training else None))

    add(fn_case("layer_norm_last", "layer_norm", lambda: [rn(2, 3, 4), ru(4, lo=0.5, hi=1.5), rn(4) * 0.1],
                {"normalized_shape": [4], "eps": 1e-5}, input_names=["input", "weight", "bias"]))
    add(fn_case("layer_norm_last2", "layer_norm", lambda: [rn(2, 3, 4), ru(3, 4, lo=0.5, hi=1.5), rn(3, 4) * 0.1],
                {"normalized_shape": [3, 4], "eps": 1e-5}, input_names=["input", "weight", "bias"]))

    add(fn_case("dropout_p0", "dropout", lambda: [rn(3, 4)], {"p": 0.0, "training": True}))
    return C


# --------------------------------------------------------------------------- losses.json

def loss_cases():
    C = []
    add = C.append
    ce_names = ["input", "target", "weight"]

    def logits_targets(n=5, c=4, ignore=None, extra_shape=()):
        def mk():
            x = rn(n, c, *extra_shape) * 1.5
            t = ri(0, c, n, *extra_shape)
            if ignore is not None:
                flat = t.view(-1)
                flat[1] = ignore
                flat[3] = ignore
            return [x, t]
        return mk

    for red in ["mean", "sum", "none"]:
        add(fn_case("cross_entropy_%s" % red, "cross_entropy", logits_targets(), {"reduction": red},
                    input_names=ce_names[:2]))
    add(fn_case("cross_entropy_ignore_default_-100", "cross_entropy", logits_targets(ignore=-100),
                {"reduction": "mean"}, input_names=ce_names[:2]))
    for red in ["mean", "sum", "none"]:
        add(fn_case("cross_entropy_ignore2_%s" % red, "cross_entropy", logits_targets(ignore=2),
                    {"ignore_index": 2, "reduction": red}, input_names=ce_names[:2]))
    for red in ["mean", "sum", "none"]:
        add(fn_case("cross_entropy_ls0.1_%s" % red, "cross_entropy", logits_targets(),
                    {"label_smoothing": 0.1, "reduction": red}, input_names=ce_names[:2]))
    add(fn_case("cross_entropy_ls0.1_ignore2_mean", "cross_entropy", logits_targets(ignore=2),
                {"label_smoothing": 0.1, "ignore_index": 2, "reduction": "mean"}, input_names=ce_names[:2]))

    def with_weight(mk, c=4):
        def m():
            return mk() + [ru(c, lo=0.3, hi=2.0)]
        return m
    for red in ["mean", "sum", "none"]:
        add(fn_case("cross_entropy_weight_%s" % red, "cross_entropy", with_weight(logits_targets()),
                    {"reduction": red}, requires_grad=[True, False, False], input_names=ce_names))
    add(fn_case("cross_entropy_weight_ls0.1_mean", "cross_entropy", with_weight(logits_targets()),
                {"label_smoothing": 0.1, "reduction": "mean"}, requires_grad=[True, False, False], input_names=ce_names))
    for red in ["mean", "sum", "none"]:
        add(fn_case("cross_entropy_4d_%s" % red, "cross_entropy", logits_targets(n=2, c=3, extra_shape=(4, 5)),
                    {"reduction": red}, input_names=ce_names[:2]))
    add(fn_case("cross_entropy_4d_ignore1_ls0.1", "cross_entropy", logits_targets(n=2, c=3, ignore=1, extra_shape=(4, 5)),
                {"ignore_index": 1, "label_smoothing": 0.1, "reduction": "mean"}, input_names=ce_names[:2]))
    add(fn_case("cross_entropy_3d_seq", "cross_entropy", logits_targets(n=2, c=4, extra_shape=(3,)),
                {"reduction": "mean"}, input_names=ce_names[:2]))
    add(fn_case("cross_entropy_f64", "cross_entropy",
                lambda: [rn(5, 4, dtype=torch.float64), ri(0, 4, 5)], {"reduction": "mean"}, input_names=ce_names[:2]))

    def logp_targets(ignore=None, weight=False, extra_shape=()):
        def mk():
            x = F.log_softmax(rn(5, 4, *extra_shape), dim=1)
            t = ri(0, 4, 5, *extra_shape)
            if ignore is not None:
                t.view(-1)[2] = ignore
            ins = [x, t]
            if weight:
                ins.append(ru(4, lo=0.3, hi=2.0))
            return ins
        return mk
    for red in ["mean", "sum", "none"]:
        add(fn_case("nll_loss_%s" % red, "nll_loss", logp_targets(), {"reduction": red}, input_names=ce_names[:2]))
        add(fn_case("nll_loss_weight_%s" % red, "nll_loss", logp_targets(weight=True), {"reduction": red},
                    requires_grad=[True, False, False], input_names=ce_names))
    add(fn_case("nll_loss_ignore_default", "nll_loss", logp_targets(ignore=-100), {"reduction": "mean"},
                input_names=ce_names[:2]))
    add(fn_case("nll_loss_weight_ignore0_mean", "nll_loss", logp_targets(ignore=0, weight=True),
                {"ignore_index": 0, "reduction": "mean"}, requires_grad=[True, False, False], input_names=ce_names))
    add(fn_case("nll_loss_3d_mean", "nll_loss", logp_targets(extra_shape=(3,)), {"reduction": "mean"},
                input_names=ce_names[:2]))

    for op in ["mse_loss", "l1_loss"]:
        for red in ["mean", "sum", "none"]:
            add(fn_case("%s_%s" % (op, red), op, lambda: [rn(3, 4), rn(3, 4)], {"reduction": red},
                        requires_grad=[True, False], input_names=["input", "target"]))
        add(fn_case("%s_target_grad" % op, op, lambda: [rn(2, 5), rn(2, 5)], {"reduction": "mean"},
                    requires_grad=[True, True], input_names=["input", "target"]))

    bce = "binary_cross_entropy_with_logits"
    for red in ["mean", "sum", "none"]:
        add(fn_case("bce_logits_%s" % red, bce, lambda: [rn(4, 3) * 2, ru(4, 3)], {"reduction": red},
                    requires_grad=[True, False], input_names=["input", "target"]))
    add(fn_case("bce_logits_binary_targets", bce, lambda: [rn(6) * 3, ri(0, 2, 6).float()], {"reduction": "mean"},
                requires_grad=[True, False], input_names=["input", "target"]))
    add(fn_case("bce_logits_large_logits", bce, lambda: [rn(6) * 30, ru(6)], {"reduction": "mean"},
                requires_grad=[True, False], input_names=["input", "target"]))
    for red in ["mean", "sum", "none"]:
        add(fn_case("bce_logits_pos_weight_%s" % red, bce, lambda: [rn(4, 3) * 2, ru(4, 3), ru(3, lo=0.5, hi=3.0)],
                    {"reduction": red}, requires_grad=[True, False, False],
                    input_names=["input", "target", "pos_weight"], call_kwargs={"as_pos_weight": True}))
    add(fn_case("bce_logits_weight_mean", bce, lambda: [rn(4, 3) * 2, ru(4, 3), ru(4, 3, lo=0.2, hi=2.0)],
                {"reduction": "mean"}, requires_grad=[True, False, False], input_names=["input", "target", "weight"]))

    def poisson(log_input):
        def mk():
            x = rn(4, 3) * 0.7 if log_input else ru(4, 3, lo=0.2, hi=4.0)
            t = ri(0, 6, 4, 3).float()
            t[0, 0], t[0, 1], t[1, 0] = 0.0, 1.0, 2.0   # exercise the target<=1 mask of the Stirling term
            return [x, t]
        return mk
    for log_input in (True, False):
        for full in (False, True):
            for red in (["mean", "sum", "none"] if not full else ["mean", "none"]):
                add(fn_case("poisson_nll_log%s_full%s_%s" % (log_input, full, red), "poisson_nll_loss", poisson(log_input),
                            {"log_input": log_input, "full": full, "reduction": red, "eps": 1e-8},
                            requires_grad=[True, False], input_names=["input", "target"]))
    return C


# --------------------------------------------------------------------------- layers.json

def state_tensors(m):
    return {k: T(v) for k, v in m.state_dict().items()}


def layer_case(name, module_name, ctor, make_input, train=True, init=None, extra=None):
    seed(name)
    m = getattr(nn, module_name)(**ctor)
    if init:
        init(m)
    m.train(train)
    x = make_input()
    params = state_tensors(m)
    xl = x.detach().clone().requires_grad_(True)
    out = m(xl)
    up = torch.randn(out.shape)
    loss = (out * up).sum()
    names = [n for n, _ in m.named_parameters()]
    ps = [p for _, p in m.named_parameters()]
    gs = torch.autograd.grad(loss, [xl] + ps)
    case = {"name": name, "module": module_name, "ctor": jsonable(ctor), "train": train, "params": params,
            "input": T(x), "output": T(out), "upstream": T(up), "loss": "sum(output*upstream)",
            "input_grad": T(gs[0]), "param_grads": {n: T(g) for n, g in zip(names, gs[1:])}}
    bufs = {k: T(v) for k, v in m.named_buffers()}
    if bufs:
        case["state_after"] = bufs
    return case


def rnn_case(name, module_name, ctor, seq=4, batch=2, give_h0=False, unbatched=False):
    seed(name)
    m = getattr(nn, module_name)(**ctor)
    m.train(True)
    I, H = ctor["input_size"], ctor["hidden_size"]
    L = ctor.get("num_layers", 1)
    D = 2 if ctor.get("bidirectional", False) else 1
    bf = ctor.get("batch_first", False)
    if unbatched:
        x = rn(seq, I)
        hshape = (D * L, H)
    else:
        x = rn(batch, seq, I) if bf else rn(seq, batch, I)
        hshape = (D * L, batch, H)
    lstm = module_name == "LSTM"
    extra = {}
    if give_h0:
        extra["h0"] = rn(*hshape) * 0.5
        if lstm:
            extra["c0"] = rn(*hshape) * 0.5
    params = state_tensors(m)
    xl = x.detach().clone().requires_grad_(True)
    el = {k: v.detach().clone().requires_grad_(True) for k, v in extra.items()}
    if lstm:
        hx = (el["h0"], el["c0"]) if give_h0 else None
        out, (h_n, c_n) = m(xl, hx)
    else:
        out, h_n = m(xl, el.get("h0"))
        c_n = None
    up = torch.randn(out.shape)
    up_h = torch.randn(h_n.shape)
    loss = (out * up).sum() + (h_n * up_h).sum()
    loss_s = "sum(output*upstream)+sum(h_n*upstream_h)"
    if lstm:
        up_c = torch.randn(c_n.shape)
        loss = loss + (c_n * up_c).sum()
        loss_s += "+sum(c_n*upstream_c)"
    names = [n for n, _ in m.named_parameters()]
    ps = [p for _, p in m.named_parameters()]
    ek = list(el.keys())
    gs = torch.autograd.grad(loss, [xl] + [el[k] for k in ek] + ps)
    case = {"name": name, "module": module_name, "ctor": jsonable(ctor), "train": True, "params": params,
            "input": T(x)}
    if extra:
        case["extra_inputs"] = {k: T(v) for k, v in extra.items()}
    case["output"] = T(out)
    case["h_n"] = T(h_n)
    if lstm:
        case["c_n"] = T(c_n)
    case["loss"] = loss_s
    case["upstream"] = T(up)
    case["upstream_h"] = T(up_h)
    if lstm:
        case["upstream_c"] = T(up_c)
    case["input_grad"] = T(gs[0])
    if ek:
        case["extra_input_grads"] = {k: T(g) for k, g in zip(ek, gs[1:1 + len(ek)])}
    case["param_grads"] = {n: T(g) for n, g in zip(names, gs[1 + len(ek):])}
    return case


def layer_cases():
    C = []
    add = C.append
    add(layer_case("Linear_4_5", "Linear", {"in_features": 4, "out_features": 5}, lambda: rn(3, 4)))
    add(layer_case("Linear_4_5_nobias", "Linear", {"in_features": 4, "out_features": 5, "bias": False}, lambda: rn(3, 4)))
    add(layer_case("Linear_3d_input", "Linear", {"in_features": 4, "out_features": 3}, lambda: rn(2, 3, 4)))

    add(layer_case("Conv1d_basic", "Conv1d", {"in_channels": 3, "out_channels": 4, "kernel_size": 3}, lambda: rn(2, 3, 10)))
    add(layer_case("Conv1d_stride2_pad1", "Conv1d",
                   {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1}, lambda: rn(2, 3, 11)))
    add(layer_case("Conv1d_groups2_dil2_same", "Conv1d",
                   {"in_channels": 4, "out_channels": 6, "kernel_size": 3, "groups": 2, "dilation": 2, "padding": "same"},
                   lambda: rn(2, 4, 9)))
    add(layer_case("Conv2d_basic", "Conv2d", {"in_channels": 3, "out_channels": 4, "kernel_size": [3, 2]},
                   lambda: rn(1, 3, 7, 9)))
    add(layer_case("Conv2d_groups2_dil2_stride2_pad1", "Conv2d",
                   {"in_channels": 4, "out_channels": 6, "kernel_size": 3, "stride": 2, "padding": 1,
                    "dilation": 2, "groups": 2}, lambda: rn(1, 4, 7, 8)))
    add(layer_case("Conv2d_depthwise_same_nobias", "Conv2d",
                   {"in_channels": 3, "out_channels": 3, "kernel_size": 3, "groups": 3, "padding": "same", "bias": False},
                   lambda: rn(2, 3, 6, 5)))
    add(layer_case("Conv2d_same_even_kernel", "Conv2d",
                   {"in_channels": 2, "out_channels": 3, "kernel_size": [2, 4], "padding": "same"},
                   lambda: rn(1, 2, 5, 6)))

    def bn_init(m):
        with torch.no_grad():
            if m.affine:
                m.weight.copy_(ru(m.num_features, lo=0.5, hi=1.5))
                m.bias.copy_(rn(m.num_features) * 0.1)
            m.running_mean.copy_(rn(m.num_features) * 0.2)
            m.running_var.copy_(ru(m.num_features, lo=0.5, hi=1.5))
            m.num_batches_tracked.fill_(3)

    for train in (True, False):
        mode = "train" if train else "eval"
        add(layer_case("BatchNorm1d_2d_%s" % mode, "BatchNorm1d", {"num_features": 3}, lambda: rn(4, 3) * 1.5 + 0.3,
                       train=train, init=bn_init))
        add(layer_case("BatchNorm1d_3d_%s" % mode, "BatchNorm1d", {"num_features": 3}, lambda: rn(4, 3, 5) * 1.5 + 0.3,
                       train=train, init=bn_init))
        add(layer_case("BatchNorm2d_%s" % mode, "BatchNorm2d", {"num_features": 3}, lambda: rn(2, 3, 4, 5) * 1.5 + 0.3,
                       train=train, init=bn_init))
    add(layer_case("BatchNorm2d_train_momentum0.3_eps1e-3", "BatchNorm2d", {"num_features": 3, "momentum": 0.3, "eps": 1e-3},
                   lambda: rn(2, 3, 3, 4), train=True, init=bn_init))
    add(layer_case("BatchNorm1d_train_momentum_None", "BatchNorm1d", {"num_features": 3, "momentum": None},
                   lambda: rn(4, 3), train=True, init=bn_init))
    add(layer_case("BatchNorm1d_train_noaffine", "BatchNorm1d", {"num_features": 3, "affine": False},
                   lambda: rn(5, 3), train=True, init=bn_init))
    add(layer_case("BatchNorm2d_eval_noaffine", "BatchNorm2d", {"num_features": 3, "affine": False},
                   lambda: rn(2, 3, 3, 3), train=False, init=bn_init))

    base = {"input_size": 3, "hidden_size": 4}
    for module_name, extra_ctor, tag in [("RNN", {"nonlinearity": "tanh"}, "RNN_tanh"),
                                          ("RNN", {"nonlinearity": "relu"}, "RNN_relu"),
                                          ("LSTM", {}, "LSTM"), ("GRU", {}, "GRU")]:
        def ctor(**kw):
            d = dict(base)
            d.update(extra_ctor)
            d.update(kw)
            return d
        add(rnn_case(tag + "_1layer", module_name, ctor()))
        add(rnn_case(tag + "_1layer_h0", module_name, ctor(), give_h0=True))
        add(rnn_case(tag + "_2layers", module_name, ctor(num_layers=2)))
        add(rnn_case(tag + "_2layers_h0", module_name, ctor(num_layers=2), give_h0=True))
        add(rnn_case(tag + "_batch_first", module_name, ctor(batch_first=True)))
        add(rnn_case(tag + "_batch_first_h0", module_name, ctor(batch_first=True), give_h0=True))
        add(rnn_case(tag + "_bidirectional", module_name, ctor(bidirectional=True)))
        add(rnn_case(tag + "_bidirectional_h0", module_name, ctor(bidirectional=True), give_h0=True))
        add(rnn_case(tag + "_2layers_bidir_batch_first_h0", module_name,
                     ctor(num_layers=2, bidirectional=True, batch_first=True), give_h0=True))
        add(rnn_case(tag + "_nobias", module_name, ctor(bias=False)))
        add(rnn_case(tag + "_unbatched", module_name, ctor(), unbatched=True))
        add(rnn_case(tag + "_seq1_batch1", module_name, ctor(), seq=1, batch=1, give_h0=True))
    return C


# --------------------------------------------------------------------------- optim.json

def optim_case(name, opt_name, kwargs, steps=3):
    seed(name)
    params = [rn(3, 4), rn(4)]
    grads = [[rn(3, 4), rn(4) * 0.5] for _ in range(steps)]
    ps = [p.clone().requires_grad_(True) for p in params]
    opt = getattr(torch.optim, opt_name)(ps, **kwargs)
    after = []
    for gstep in grads:
        for p, g in zip(ps, gstep):
            p.grad = g.clone()
        opt.step()
        after.append([T(p) for p in ps])
    return {"name": name, "optimizer": opt_name, "kwargs": jsonable(kwargs),
            "params_init": [T(p) for p in params], "grads": [[T(g) for g in gs] for gs in grads],
            "params_after": after}


def sched_case(name, sched_name, kwargs, epochs=12, base_lr=0.1, metrics=None):
    seed(name)
    p = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sch = getattr(torch.optim.lr_scheduler, sched_name)(opt, **kwargs)
    lrs = [opt.param_groups[0]["lr"]]
    for e in range(epochs):
        opt.step()
        if metrics is not None:
            sch.step(metrics[e])
        else:
            sch.step()
        lrs.append(opt.param_groups[0]["lr"])
    c = {"name": name, "scheduler": sched_name, "kwargs": jsonable(kwargs),
         "optimizer": {"type": "SGD", "lr": base_lr}, "epochs": epochs}
    if metrics is not None:
        c["metrics"] = [float(m) for m in metrics]
    c["lrs"] = [float(v) for v in lrs]
    return c


def optim_cases():
    C = []
    add = C.append
    add(optim_case("SGD_plain", "SGD", {"lr": 0.1}))
    add(optim_case("SGD_momentum0.9", "SGD", {"lr": 0.1, "momentum": 0.9}))
    add(optim_case("SGD_momentum0.9_dampening0.5", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}))
    add(optim_case("SGD_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}))
    add(optim_case("SGD_weight_decay", "SGD", {"lr": 0.1, "weight_decay": 0.01}))
    add(optim_case("SGD_momentum_wd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1, "nesterov": True}))
    add(optim_case("Adam_default", "Adam", {"lr": 1e-3}))
    add(optim_case("Adam_lr0.1_betas", "Adam", {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6}))
    add(optim_case("Adam_weight_decay", "Adam", {"lr": 0.01, "weight_decay": 0.1}))
    add(optim_case("Adam_amsgrad", "Adam", {"lr": 0.01, "amsgrad": True}))
    add(optim_case("AdamW_default", "AdamW", {"lr": 1e-3}))
    add(optim_case("AdamW_wd0.1", "AdamW", {"lr": 0.01, "weight_decay": 0.1}))
    add(optim_case("AdamW_amsgrad", "AdamW", {"lr": 0.01, "weight_decay": 0.05, "amsgrad": True}))
    add(optim_case("Adadelta_default", "Adadelta", {"lr": 1.0}))
    add(optim_case("Adadelta_rho_wd", "Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.1}))
    add(optim_case("RMSprop_default", "RMSprop", {"lr": 0.01}))
    add(optim_case("RMSprop_momentum", "RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.9}))
    add(optim_case("RMSprop_centered", "RMSprop", {"lr": 0.01, "centered": True}))
    add(optim_case("RMSprop_centered_momentum_wd", "RMSprop",
                   {"lr": 0.01, "alpha": 0.95, "eps": 1e-6, "momentum": 0.5, "centered": True, "weight_decay": 0.1}))
    add(optim_case("Adagrad_default", "Adagrad", {"lr": 0.1}))

    add(sched_case("StepLR_3_0.5", "StepLR", {"step_size": 3, "gamma": 0.5}))
    add(sched_case("StepLR_1_0.9", "StepLR", {"step_size": 1, "gamma": 0.9}))
    add(sched_case("MultiStepLR_2_5_9", "MultiStepLR", {"milestones": [2, 5, 9], "gamma": 0.1}))
    add(sched_case("ExponentialLR_0.8", "ExponentialLR", {"gamma": 0.8}))
    add(sched_case("CosineAnnealingLR_T10", "CosineAnnealingLR", {"T_max": 10}))
    add(sched_case("CosineAnnealingLR_T10_etamin0.01", "CosineAnnealingLR", {"T_max": 10, "eta_min": 0.01}))
    add(sched_case("CosineAnnealingLR_T5_past_Tmax", "CosineAnnealingLR", {"T_max": 5, "eta_min": 0.001}))
    m1 = [1.0, 0.9, 0.85, 0.86, 0.87, 0.84, 0.84, 0.85, 0.86, 0.86, 0.70, 0.71]
    add(sched_case("ReduceLROnPlateau_min_p2", "ReduceLROnPlateau", {"mode": "min", "factor": 0.5, "patience": 2},
                   metrics=m1))
    add(sched_case("ReduceLROnPlateau_min_p1_cooldown1", "ReduceLROnPlateau",
                   {"mode": "min", "factor": 0.1, "patience": 1, "cooldown": 1, "min_lr": 1e-4}, metrics=m1))
    m2 = [0.5, 0.6, 0.6, 0.6001, 0.6, 0.59, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    add(sched_case("ReduceLROnPlateau_max_abs", "ReduceLROnPlateau",
                   {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.01, "threshold_mode": "abs"},
                   metrics=m2))
    add(sched_case("ReduceLROnPlateau_min_rel_thr0.1", "ReduceLROnPlateau",
                   {"mode": "min", "factor": 0.5, "patience": 0, "threshold": 0.1}, metrics=m1))
    return C


# --------------------------------------------------------------------------- lenet.json

class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def big(t):
    return T(t, allow_big=True)


def write_safetensors(path, state):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    off = 0
    for k, v in state.items():
        v = v.detach().contiguous().to(torch.float32)
        b = struct.pack("<%df" % v.numel(), *v.reshape(-1).tolist())
        header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    hj = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hj += b" " * ((8 - len(hj) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for b in blobs:
            f.write(b)
    print("wrote %-45s %14d bytes" % (os.path.relpath(path, ROOT), os.path.getsize(path)))


def lenet_cases():
    name = "lenet_batch4"
    seed(name)
    model = LeNet()
    x = torch.rand(4, 1, 28, 28)
    y = torch.randint(0, 10, (4,))
    init = {k: v.detach().clone() for k, v in model.state_dict().items()}

    logits = model(x)
    loss = F.cross_entropy(logits, y)
    model.zero_grad()
    loss.backward()
    grads = {k: big(p.grad) for k, p in model.named_parameters()}

    def train(opt_name, kwargs):
        m = LeNet()
        m.load_state_dict(init)
        opt = getattr(torch.optim, opt_name)(m.parameters(), **kwargs)
        losses = []
        for _ in range(3):
            opt.zero_grad()
            l = F.cross_entropy(m(x), y)
            losses.append(float(l.item()))
            l.backward()
            opt.step()
        final = float(F.cross_entropy(m(x), y).item())
        return {"optimizer": opt_name, "kwargs": kwargs, "steps": 3, "losses": losses, "loss_after": final,
                "params_after": {k: big(v) for k, v in m.state_dict().items()}}

    case = {
        "name": name,
        "architecture": ("conv1=Conv2d(1,6,5,padding=2) relu max_pool2d(2) conv2=Conv2d(6,16,5) relu max_pool2d(2) "
                         "flatten fc1=Linear(400,120) relu fc2=Linear(120,84) relu fc3=Linear(84,10)"),
        "params": {k: big(v) for k, v in init.items()},
        "input": big(x),
        "target": T(y),
        "logits": T(logits),
        "loss": float(loss.item()),
        "loss_fn": "cross_entropy(logits, target, reduction='mean')",
        "grads": grads,
        "sgd": train("SGD", {"lr": 0.01, "momentum": 0.9}),
        "adam": train("Adam", {"lr": 1e-3}),
    }
    return [case], init


# --------------------------------------------------------------------------- main

def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    common = ("Tensors are {shape, dtype, data (flat row-major)}. Seeds: torch.manual_seed(crc32(case name)). "
              "Float data are the exact float32/float64 values written as JSON doubles. ")
    write_json("ops.json", ops_cases(), common + (
        "inputs follow PyTorch positional order (input_names when given); kwargs use PyTorch keyword names, "
        "dim=null means all dims. output is a tensor, or a list [values, indices] for max/min over a dim "
        "(only values get a gradient). grads[i] = d(sum(output*upstream))/d(inputs[i]) or null when "
        "requires_grad[i] is false. op 'slice' = x[..., start:end:step] on dim; 'where' condition is int64 0/1. "
        "batch_norm in training mode updates running_mean/running_var in place: see state_after."))
    write_json("losses.json", loss_cases(), common + (
        "Same format as ops.json; ops are torch.nn.functional losses; targets/weights/pos_weight are inputs "
        "with requires_grad false."))
    write_json("layers.json", layer_cases(), common + (
        "module = torch.nn class, ctor = its constructor kwargs, params = module.state_dict() (buffers "
        "included) before the forward, state_after = buffers after the forward. Gradients are of 'loss' "
        "(see each case) w.r.t. input, extra_inputs and parameters."))
    write_json("optim.json", optim_cases(), common + (
        "Optimizer cases: params_init (list), grads[step][param] assigned to .grad before each step(), "
        "params_after[step][param] after that step. Scheduler cases: SGD(lr) optimizer, lrs[0] = initial lr, "
        "lrs[k] = lr after the k-th scheduler.step() (ReduceLROnPlateau: step(metrics[k-1]))."))
    lenet, init = lenet_cases()
    write_json("lenet.json", lenet, common + (
        "LeNet-5 style CNN (see architecture). params = initial state_dict (also in lenet_state.safetensors); "
        "grads = gradients of the mean cross-entropy at those params; sgd/adam: 3 full-batch steps each "
        "from the initial params on the same batch (zero_grad, forward, backward, step), losses before "
        "each step, loss_after and params_after."))
    write_safetensors(os.path.join(OUT_DIR, "lenet_state.safetensors"), init)
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in
                ["ops.json", "layers.json", "losses.json", "optim.json", "lenet.json", "lenet_state.safetensors"])
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
