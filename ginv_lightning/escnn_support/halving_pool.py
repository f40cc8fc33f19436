"""2x2 average pooling with stride 2 as a sum of strided slices, where torch's CPU kernel is slow.

torch's ``avg_pool2d`` on the CPU sums each window in a scalar loop: in the main
job's discriminator its forward and backward (and the zeroing of its gradient)
took 12 to 17 ms of a 100 to 130 ms training step under the profiler, on the
project's 2-core machine. :func:`~ginv_lightning.escnn_support.block_sums.block_sum`
divided by 4 gives the same forward about 3x faster, and its backward (each
input gets a quarter of its window's gradient) is one division and four
strided copies. Both are bit for bit what torch computes, float32 and float64,
any memory layout: torch adds a window's values in the same order, then
divides by 4, and its backward adds ``gradient / 4`` to a zero
(tests/escnn_support/test_halving_pool.py), through R1's double backward too.
Elsewhere (other windows, odd sizes, reduced precision, GPUs) torch's own kernel
runs. escnn's ``PointwiseAvgPool2D`` and the plain baselines' ``nn.AvgPool2d``
both pool through it, so comparisons stay like for like.
"""

from __future__ import annotations

import torch.nn.functional as F
from escnn import nn as enn
from torch import Tensor, nn

from ginv_lightning.escnn_support.block_sums import block_sum, strided_form_applies


def average_pool(
    x: Tensor,
    kernel_size: int | tuple[int, int] = 2,
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    ceil_mode: bool = False,
) -> Tensor:
    """``F.avg_pool2d``, computed as strided adds where that gives the same bits faster."""
    stride = kernel_size if stride is None else stride
    if _halves(x, kernel_size, stride, padding):
        return block_sum(x) / 4
    return F.avg_pool2d(x, kernel_size, stride, padding, ceil_mode)


def _halves(x: Tensor, kernel_size: object, stride: object, padding: object) -> bool:
    return (
        _pair(kernel_size) == (2, 2)
        and _pair(stride) == (2, 2)
        and _pair(padding) == (0, 0)
        and strided_form_applies(x)
        and x.shape[-1] % 2 == 0
        and x.shape[-2] % 2 == 0
    )


def _pair(value: object) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class HalvingAvgPool2d(nn.AvgPool2d):
    """``nn.AvgPool2d`` whose 2x2, stride-2 case runs as ``average_pool``: same results, faster."""

    def forward(self, x: Tensor) -> Tensor:
        if self.count_include_pad and self.divisor_override is None:
            return average_pool(x, self.kernel_size, self.stride, self.padding, self.ceil_mode)
        return super().forward(x)


class HalvingPointwiseAvgPool2D(enn.PointwiseAvgPool2D):
    """escnn's ``PointwiseAvgPool2D`` (which calls ``F.avg_pool2d``) through ``average_pool``."""

    def forward(self, input: enn.GeometricTensor) -> enn.GeometricTensor:
        assert input.type == self.in_type
        pooled = average_pool(
            input.tensor, self.kernel_size, self.stride, self.padding, self.ceil_mode
        )
        return enn.GeometricTensor(pooled, self.out_type, coords=None)
