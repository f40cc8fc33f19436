"""2x2 average pooling with stride 2 as four strided adds, where torch's CPU kernel is slow.

torch's ``avg_pool2d`` on the CPU sums each window in a scalar loop: in the main
job's discriminator its forward and backward (and the zeroing of its gradient)
took 12 to 17 ms of a 100 to 130 ms training step under the profiler, on the
project's 2-core machine. Four strided adds give the same forward about 3x
faster, and the backward (each input gets a quarter of its window's gradient)
is one division and four strided copies. Both are bit for bit what torch
computes (signed zeros aside: torch's sums start from +0), float32 and float64,
any memory layout: torch adds a window's values
in the same order, ((a + b) + c) + d, then divides by 4, and its backward adds
``gradient / 4`` to a zero (tests/escnn_support/test_halving_pool.py). The two
halves are each other's adjoint, so R1's double backward goes through them too.
Elsewhere (other windows, odd sizes, reduced precision, GPUs) torch's own kernel
runs. escnn's ``PointwiseAvgPool2D`` and the plain baselines' ``nn.AvgPool2d``
both pool through it, so comparisons stay like for like."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from escnn import nn as enn
from torch import Tensor, nn

_EXACT_DTYPES = (torch.float32, torch.float64)


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
        return _Halve.apply(x)
    return F.avg_pool2d(x, kernel_size, stride, padding, ceil_mode)


def _halves(x: Tensor, kernel_size: object, stride: object, padding: object) -> bool:
    return (
        _pair(kernel_size) == (2, 2)
        and _pair(stride) == (2, 2)
        and _pair(padding) == (0, 0)
        and x.dim() == 4
        and x.shape[-1] % 2 == 0
        and x.shape[-2] % 2 == 0
        and x.device.type == "cpu"
        and x.dtype in _EXACT_DTYPES
    )


def _pair(value: object) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class _Halve(torch.autograd.Function):
    """Means of the 2x2 blocks; the backward spreads a quarter of each gradient over its block."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        corners = x[..., 0::2, 0::2] + x[..., 0::2, 1::2] + x[..., 1::2, 0::2]
        return (corners + x[..., 1::2, 1::2]) / 4

    @staticmethod
    def backward(ctx, gradient: Tensor) -> Tensor:
        return _Spread.apply(gradient)


class _Spread(torch.autograd.Function):
    """A quarter of each value copied to the four cells of its 2x2 block (``_Halve``'s adjoint)."""

    @staticmethod
    def forward(ctx, gradient: Tensor) -> Tensor:
        n, c, h, w = gradient.shape
        layout = torch.contiguous_format
        if not gradient.is_contiguous() and gradient.is_contiguous(
            memory_format=torch.channels_last
        ):
            layout = torch.channels_last
        quarter = gradient / 4
        spread = torch.empty(
            (n, c, 2 * h, 2 * w), dtype=quarter.dtype, device=quarter.device, memory_format=layout
        )
        for row in (0, 1):  # four strided copies: faster than one copy of a broadcast view
            for column in (0, 1):
                spread[..., row::2, column::2] = quarter
        return spread

    @staticmethod
    def backward(ctx, gradient: Tensor) -> Tensor:
        return _Halve.apply(gradient)


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
