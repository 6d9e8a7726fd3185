#!/usr/bin/env python3
"""PyTorch reference values for adaptive max pooling (with and without return_indices) and
avg_pool2d's divisor_override.

Run:   /usr/bin/python3 scripts/golden/pool_extra_reference.py
Writes test/golden/pool_extra.json in the ops.json format of make_golden.py (same seeding, same
case layout; with return_indices the output is [values, indices]).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402


def cases():
    C = []
    add = C.append

    def case(name, op, shape, **kw):
        add(mg.fn_case(name, op, lambda: [mg.rn(*shape)], kw))

    # adaptive windows [floor(o·n/m), ceil((o+1)·n/m)): divisible, overlapping, wider than the input
    case("adaptive_max_pool1d_10_to_3_idx", "adaptive_max_pool1d", (2, 3, 10), output_size=3, return_indices=True)
    case("adaptive_max_pool1d_7_to_7_idx", "adaptive_max_pool1d", (1, 2, 7), output_size=7, return_indices=True)
    case("adaptive_max_pool1d_5_to_8_up", "adaptive_max_pool1d", (2, 2, 5), output_size=8, return_indices=True)
    case("adaptive_max_pool1d_2d_input", "adaptive_max_pool1d", (3, 11), output_size=4)
    case("adaptive_max_pool2d_79_to_34_idx", "adaptive_max_pool2d", (2, 3, 7, 9), output_size=[3, 4], return_indices=True)
    case("adaptive_max_pool2d_global", "adaptive_max_pool2d", (2, 4, 5, 6), output_size=1, return_indices=True)
    case("adaptive_max_pool2d_8x8_to_4", "adaptive_max_pool2d", (1, 2, 8, 8), output_size=4)
    case("adaptive_max_pool2d_3x5_to_5x7_up", "adaptive_max_pool2d", (1, 2, 3, 5), output_size=[5, 7], return_indices=True)
    case("adaptive_max_pool2d_3d_input", "adaptive_max_pool2d", (3, 6, 7), output_size=[4, 3], return_indices=True)

    # divisor_override: the window sum divided by a fixed number, whatever count_include_pad says
    case("avg_pool2d_k3_s2_p1_div5", "avg_pool2d", (1, 2, 7, 8), kernel_size=3, stride=2, padding=1, divisor_override=5)
    case("avg_pool2d_k3_s2_p1_ceil_div4_excl", "avg_pool2d", (2, 2, 8, 8), kernel_size=3, stride=2, padding=1, ceil_mode=True,
         count_include_pad=False, divisor_override=4)
    case("avg_pool2d_k32_s21_div1", "avg_pool2d", (1, 3, 6, 5), kernel_size=[3, 2], stride=[2, 1], divisor_override=1)
    case("avg_pool2d_k2_ceil_nopad_div7", "avg_pool2d", (1, 1, 5, 5), kernel_size=2, ceil_mode=True, divisor_override=7)
    return C


def main():
    mg.write_json("pool_extra.json", cases(), (
        "PyTorch %s reference values in the format of ops.json (see make_golden.py): F.adaptive_max_pool1d/2d "
        "(output [values, indices] with return_indices) and F.avg_pool2d with divisor_override." % torch.__version__))


if __name__ == "__main__":
    main()
