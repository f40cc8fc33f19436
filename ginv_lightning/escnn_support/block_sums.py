"""Sums over 2x2 blocks and their adjoint, each value repeated over a 2x2 block, as strided ops.

2x2 average pooling and nearest-neighbour doubling, and their backward
passes, are these two maps (the pool divides by 4). torch's CPU kernels for
them walk each window in a scalar loop; on the project's 2-core machine the
strided forms below are 3 to 5 times faster (a doubling of (64, 48, 12, 12):
2.9 ms forward in ``F.interpolate``, 0.6 ms as four strided copies). They give
torch's bits, signed zeros aside (torch's sums start from +0): its kernels add
a window's values in the order ((a + b) + c) + d, as :class:`BlockSum` does,
and a copy is a copy (tests/escnn_support/test_halving_pool.py and
test_doubling_upsample.py). Each is the other's backward, so double backward
(R1's) goes through them too.
"""

from __future__ import annotations

import torch
from torch import Tensor

_EXACT_DTYPES = (torch.float32, torch.float64)


def strided_form_applies(x: Tensor) -> bool:
    """Where the strided forms run: CPU images (N, C, H, W) in float32 or float64.

    Elsewhere (GPUs, reduced precision, other grids) torch's own kernels are
    the fast ones, or the bits would differ.
    """
    return x.dim() == 4 and x.device.type == "cpu" and x.dtype in _EXACT_DTYPES


def block_sum(x: Tensor) -> Tensor:
    """The sum of each 2x2 block of an (N, C, 2H, 2W) tensor: (N, C, H, W)."""
    return BlockSum.apply(x)


def block_repeat(x: Tensor) -> Tensor:
    """Each value of an (N, C, H, W) tensor copied to a 2x2 block: (N, C, 2H, 2W)."""
    return BlockRepeat.apply(x)


class BlockSum(torch.autograd.Function):
    """Sums of the 2x2 blocks, added in torch's order; the backward repeats the gradient."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        corners = x[..., 0::2, 0::2] + x[..., 0::2, 1::2] + x[..., 1::2, 0::2]
        return corners + x[..., 1::2, 1::2]

    @staticmethod
    def backward(ctx, gradient: Tensor) -> Tensor:
        return BlockRepeat.apply(gradient)


class BlockRepeat(torch.autograd.Function):
    """Each value copied to the four cells of its block, in the input's memory layout."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        n, c, h, w = x.shape
        layout = torch.contiguous_format
        if not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last):
            layout = torch.channels_last
        repeated = torch.empty((n, c, 2 * h, 2 * w), dtype=x.dtype, device=x.device,
                               memory_format=layout)  # fmt: skip
        for row in (0, 1):  # four strided copies: faster than one copy of a broadcast view
            for column in (0, 1):
                repeated[..., row::2, column::2] = x
        return repeated

    @staticmethod
    def backward(ctx, gradient: Tensor) -> Tensor:
        return BlockSum.apply(gradient)
