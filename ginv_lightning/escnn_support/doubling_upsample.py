"""Nearest-neighbour doubling as four strided copies, where torch's CPU kernel is slow.

Every generator stage doubles its grid with nearest-neighbour upsampling.
torch's CPU ``upsample_nearest2d`` and its backward index each cell in a scalar
loop: in the main job's generator forward the two doublings took 2.9 ms of
18.7 ms on the project's 2-core machine, and
:func:`~ginv_lightning.escnn_support.block_sums.block_repeat` takes 1.0 ms for
them (their backward, timed alone: 2.5 ms in torch, 0.9 ms as sums of each
2x2 block). It gives torch's bits (tests/escnn_support/test_doubling_upsample.py),
so results do not change. Other factors, modes, sizes, GPUs and reduced
precision run torch's kernel. escnn's ``R2Upsampling`` and the plain baselines'
``nn.Upsample`` both go through it, so comparisons stay like for like.
"""

from __future__ import annotations

import torch.nn.functional as F
from escnn import nn as enn
from torch import Tensor, nn

from ginv_lightning.escnn_support.block_sums import block_repeat, strided_form_applies


def upsample_nearest(x: Tensor, scale_factor: float | None = 2, size: object = None) -> Tensor:
    """``F.interpolate(x, size, scale_factor, mode="nearest")``; strided copies when it doubles."""
    if size is None and scale_factor in (2, (2, 2)) and strided_form_applies(x):
        return block_repeat(x)
    return F.interpolate(x, size=size, scale_factor=scale_factor, mode="nearest")


class DoublingUpsample(nn.Upsample):
    """``nn.Upsample`` whose nearest-neighbour case runs as :func:`upsample_nearest`."""

    def forward(self, x: Tensor) -> Tensor:
        if self.mode != "nearest" or self.recompute_scale_factor:
            return super().forward(x)
        return upsample_nearest(x, self.scale_factor, self.size)


class DoublingR2Upsampling(enn.R2Upsampling):
    """escnn's ``R2Upsampling`` (which calls ``F.interpolate``) through :func:`upsample_nearest`."""

    def forward(self, input: enn.GeometricTensor) -> enn.GeometricTensor:
        if self._mode != "nearest":
            return super().forward(input)
        assert input.type == self.in_type
        doubled = upsample_nearest(input.tensor, self._scale_factor, self._size)
        return enn.GeometricTensor(doubled, self.out_type, coords=None)

    def export(self) -> nn.Module:
        """The plain layer, as escnn exports it, with the same fast doubling."""
        if self._mode != "nearest":
            return super().export()
        self.eval()
        return DoublingUpsample(size=self._size, scale_factor=self._scale_factor).eval()
