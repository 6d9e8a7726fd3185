#!/usr/bin/env python3
"""PyTorch reference values for dendrite's volumetric and normalisation ops.

Run:   /usr/bin/python3 scripts/golden/volumetric_reference.py
Writes test/golden/volumetric.json in the ops.json format of make_golden.py (same seeding,
same case layout): max_pool3d, avg_pool3d, interpolate (nearest, nearest-exact, linear,
bilinear, trilinear; size and scale_factor; align_corners), group_norm, 5-D batch_norm.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402

mg.SPECIAL["interpolate"] = lambda x, **kw: F.interpolate(x, **kw)
mg.SPECIAL["group_norm"] = lambda x, weight=None, bias=None, num_groups=1, eps=1e-5: \
    F.group_norm(x, num_groups, weight, bias, eps)
mg.F_OPS.update({"max_pool3d", "avg_pool3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"})


def cases():
    C = []
    add = C.append

    def pool(name, op, shape, **kw):
        add(mg.fn_case(name, op, lambda: [mg.rn(*shape)], kw))

    pool("max_pool3d_k2", "max_pool3d", (1, 2, 4, 6, 5), kernel_size=2)
    pool("max_pool3d_k3_s2_p1", "max_pool3d", (2, 2, 5, 6, 7), kernel_size=3, stride=2, padding=1)
    pool("max_pool3d_k322_s212_p101", "max_pool3d", (1, 3, 6, 5, 7), kernel_size=[3, 2, 2], stride=[2, 1, 2], padding=[1, 0, 1])
    pool("max_pool3d_k3_s2_ceil", "max_pool3d", (1, 2, 6, 6, 6), kernel_size=3, stride=2, ceil_mode=True)
    pool("max_pool3d_k2_dil2", "max_pool3d", (1, 2, 5, 6, 5), kernel_size=2, dilation=2)
    pool("max_pool3d_4d_input", "max_pool3d", (2, 4, 4, 4), kernel_size=2)
    pool("avg_pool3d_k2", "avg_pool3d", (1, 2, 4, 6, 5), kernel_size=2)
    pool("avg_pool3d_k3_s2_p1_incl", "avg_pool3d", (2, 2, 5, 6, 7), kernel_size=3, stride=2, padding=1, count_include_pad=True)
    pool("avg_pool3d_k3_s2_p1_excl", "avg_pool3d", (2, 2, 5, 6, 7), kernel_size=3, stride=2, padding=1, count_include_pad=False)
    pool("avg_pool3d_k3_s2_p1_ceil_incl", "avg_pool3d", (1, 2, 6, 6, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)
    pool("avg_pool3d_k3_s2_p1_ceil_excl", "avg_pool3d", (1, 2, 6, 6, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    pool("avg_pool3d_k322_s212", "avg_pool3d", (1, 3, 6, 5, 7), kernel_size=[3, 2, 2], stride=[2, 1, 2])

    def interp(name, shape, **kw):
        add(mg.fn_case(name, "interpolate", lambda: [mg.rn(*shape)], kw))

    interp("interp_nearest_1d_up", (2, 3, 5), size=9, mode="nearest")
    interp("interp_nearest_2d_down", (1, 2, 9, 7), size=[4, 5], mode="nearest")
    interp("interp_nearest_3d_scale2", (1, 2, 3, 4, 3), scale_factor=2, mode="nearest")
    interp("interp_nearest_3d_size", (1, 2, 5, 4, 6), size=[7, 3, 8], mode="nearest")
    interp("interp_nearest_exact_2d", (1, 2, 5, 7), size=[8, 4], mode="nearest-exact")
    interp("interp_linear_1d", (2, 3, 6), size=11, mode="linear")
    interp("interp_linear_1d_align", (2, 3, 6), size=11, mode="linear", align_corners=True)
    interp("interp_bilinear_up", (1, 2, 4, 5), size=[7, 9], mode="bilinear", align_corners=False)
    interp("interp_bilinear_down", (1, 2, 9, 8), size=[4, 5], mode="bilinear", align_corners=False)
    interp("interp_bilinear_align", (1, 2, 4, 5), size=[7, 9], mode="bilinear", align_corners=True)
    interp("interp_bilinear_scale15", (1, 2, 4, 6), scale_factor=1.5, mode="bilinear", align_corners=False)
    interp("interp_bilinear_scale15_recompute", (1, 2, 4, 6), scale_factor=1.5, mode="bilinear", align_corners=False, recompute_scale_factor=True)
    interp("interp_trilinear_scale2", (1, 2, 3, 4, 3), scale_factor=2, mode="trilinear", align_corners=False)
    interp("interp_trilinear_size", (2, 2, 4, 3, 5), size=[6, 5, 4], mode="trilinear", align_corners=False)
    interp("interp_trilinear_align", (1, 2, 3, 4, 3), size=[5, 7, 6], mode="trilinear", align_corners=True)

    def gn(name, shape, groups, affine=True, eps=1e-5):
        c = shape[1]
        def mk():
            xs = [mg.rn(*shape)]
            if affine:
                xs += [mg.rn(c), mg.rn(c)]
            return xs
        add(mg.fn_case(name, "group_norm", mk, {"num_groups": groups, "eps": eps},
                       input_names=["input", "weight", "bias"][: 3 if affine else 1]))

    gn("group_norm_2d_g3", (2, 6, 3, 4), 3)
    gn("group_norm_3d_g2", (2, 4, 3, 2, 3), 2)
    gn("group_norm_g1_noaffine", (3, 4, 5), 1, affine=False)
    gn("group_norm_gC_eps", (2, 4, 2, 3), 4, eps=1e-3)

    def bn5(name, training):
        shape = (3, 2, 3, 2, 4)
        add(mg.fn_case(name, "batch_norm",
                       lambda: [mg.rn(*shape), mg.rn(2), mg.ru(2, lo=0.5, hi=2.0), mg.rn(2), mg.rn(2)],
                       {"training": training, "momentum": 0.1, "eps": 1e-5},
                       requires_grad=[True, False, False, True, True],
                       input_names=["input", "running_mean", "running_var", "weight", "bias"],
                       state={"running_mean": 1, "running_var": 2}))

    def convt(name, op, xs, ws, bias=True, **kw):
        def mk():
            out = [mg.rn(*xs), mg.rn(*ws)]
            if bias:
                out.append(mg.rn(ws[1] * kw.get("groups", 1)))
            return out
        add(mg.fn_case(name, op, mk, kw, input_names=["input", "weight", "bias"][: 3 if bias else 2]))

    convt("conv_transpose1d_k3", "conv_transpose1d", (2, 3, 7), (3, 4, 3))
    convt("conv_transpose1d_s2_p1_op1", "conv_transpose1d", (2, 3, 6), (3, 2, 4), stride=2, padding=1, output_padding=1)
    convt("conv_transpose1d_dil2_g3", "conv_transpose1d", (1, 6, 5), (6, 2, 3), dilation=2, groups=3)
    convt("conv_transpose2d_k2_s2", "conv_transpose2d", (2, 3, 4, 5), (3, 4, 2, 2), stride=2)
    convt("conv_transpose2d_k3_s2_p1_op1", "conv_transpose2d", (1, 2, 4, 3), (2, 3, 3, 3), stride=2, padding=1, output_padding=1)
    convt("conv_transpose2d_k32_s12_p10_nobias", "conv_transpose2d", (1, 4, 5, 4), (4, 2, 3, 2), bias=False, stride=[1, 2], padding=[1, 0])
    convt("conv_transpose2d_g2_dil2", "conv_transpose2d", (1, 4, 4, 4), (4, 3, 3, 3), groups=2, dilation=2, padding=1)
    convt("conv_transpose3d_k2_s2", "conv_transpose3d", (1, 3, 2, 3, 2), (3, 2, 2, 2, 2), stride=2)
    convt("conv_transpose3d_k3_s2_p1_op1_g2", "conv_transpose3d", (1, 4, 2, 3, 2), (4, 1, 3, 3, 3), stride=2, padding=1, output_padding=1, groups=2)
    convt("conv_transpose2d_p_exceeds", "conv_transpose2d", (1, 2, 5, 5), (2, 2, 3, 3), padding=2)

    bn5("batch_norm_5d_train", True)
    bn5("batch_norm_5d_eval", False)
    return C


def main():
    mg.write_json("volumetric.json", cases(), (
        "PyTorch %s reference values in the format of ops.json (see make_golden.py): 3-D pooling, "
        "F.interpolate, F.group_norm and 5-D F.batch_norm." % torch.__version__))


if __name__ == "__main__":
    main()
