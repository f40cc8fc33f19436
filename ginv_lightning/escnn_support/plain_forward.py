"""escnn networks' forward pass in plain torch, on raw tensors in channels-last layout.

escnn runs every layer on a ``GeometricTensor``, checks field types at each
layer, and its batch norm (a slice, a 5-D view and a copy into a fresh tensor)
and pooling keep torch's default channels-first layout, in which oneDNN's
convolutions, pooling and their backward passes are slower on CPUs than in
channels-last. :func:`plain_forward` computes what the escnn modules compute,
with their own parameters and buffers (filters expanded by escnn itself, batch
norm statistics updated in place), so state dicts, optimisers, the EMA and
:func:`~ginv_lightning.escnn_support.expand_filters_once.filters_expanded_once`
see no difference. Layers it has no plain form for run through escnn, so any
network works; outputs and gradients agree with escnn's path to float rounding
(``tests/escnn_support/test_plain_forward.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from escnn import nn as enn
from escnn.nn.modules.conv.rd_convolution import _RdConv
from escnn.nn.modules.conv.rd_transposed_convolution import _RdConvTransposed
from torch import Tensor, nn

from ginv_lightning.escnn_support.doubling_upsample import upsample_nearest
from ginv_lightning.escnn_support.halving_pool import average_pool
from ginv_lightning.escnn_support.uncopied_batch_norm import one_size_batch_norm

Layer = Callable[[nn.Module, Tensor], Tensor]


def plain_forward(module: enn.EquivariantModule, x: Tensor) -> Tensor:
    """``module(GeometricTensor(x, module.in_type)).tensor``, computed on plain tensors.

    A module of ours that composes escnn modules (a residual block) gives its
    own plain form as a ``plain_forward(x)`` method.
    """
    own = getattr(module, "plain_forward", None)
    if own is not None:
        return own(x)
    for kind, run in _PLAIN_LAYERS:
        if isinstance(module, kind):
            return run(module, x)
    return module(enn.GeometricTensor(x, module.in_type)).tensor


def channels_last(x: Tensor) -> Tensor:
    """Images (N, C, H, W) in channels-last memory; other tensors as they are."""
    return x.contiguous(memory_format=torch.channels_last) if x.dim() == 4 else x


def _filter(module: _RdConv | _RdConvTransposed) -> tuple[Tensor, Tensor | None]:
    if module.training:
        return module.expand_parameters()
    return module.filter, module.expanded_bias


_CONVOLUTIONS = {
    (2, False): F.conv2d,
    (3, False): F.conv3d,
    (2, True): F.conv_transpose2d,
    (3, True): F.conv_transpose3d,
}


def _convolution(module: _RdConv | _RdConvTransposed, x: Tensor) -> Tensor:
    """A steerable (transposed) convolution as torch's own, with the expanded filter."""
    if getattr(module, "padding_mode", "zeros") != "zeros":
        return module(enn.GeometricTensor(x, module.in_type)).tensor
    transposed = isinstance(module, _RdConvTransposed)
    weight, bias = _filter(module)
    extra = {"output_padding": module.output_padding} if transposed else {}
    return _CONVOLUTIONS[module.d, transposed](
        channels_last(x),
        weight,
        bias,
        stride=module.stride,
        padding=module.padding,
        dilation=module.dilation,
        groups=module.groups,
        **extra,
    )


def _inner_batch_norm(module: enn.InnerBatchNorm, x: Tensor) -> Tensor:
    """Each field normalised over batch, grid and the field's own channels.

    escnn applies a ``BatchNorm3d`` to the (N, fields, size, *grid) view. The same
    module here sees (N * grid, fields, size, 1, 1): the same statistics over the
    same values (and the same running-average update), with the channels already
    last in memory, so no copy is made either way.
    """
    one_size = one_size_batch_norm(module)
    if one_size is None:
        return module(enn.GeometricTensor(x, module.in_type)).tensor
    size, batch_norm = one_size
    moved = x.movedim(1, -1)  # (N, *grid, C), contiguous for channels-last x
    fields = moved.reshape(-1, x.shape[1] // size, size, 1, 1)
    return batch_norm(fields).reshape(moved.shape).movedim(-1, 1)


def _relu(module: enn.ReLU, x: Tensor) -> Tensor:
    return F.relu(x)


def _leaky_relu(module: enn.LeakyReLU, x: Tensor) -> Tensor:
    return F.leaky_relu(x, module._negative_slope)


def _upsampling(module: nn.Module, x: Tensor) -> Tensor:
    if module._mode != "nearest":
        return module(enn.GeometricTensor(x, module.in_type)).tensor
    return upsample_nearest(x, module._scale_factor, module._size)


def _average_pool(module: enn.PointwiseAvgPool2D, x: Tensor) -> Tensor:
    return average_pool(
        channels_last(x), module.kernel_size, module.stride, module.padding, module.ceil_mode
    )


def _sequence(module: enn.SequentialModule, x: Tensor) -> Tensor:
    for layer in module._modules.values():
        x = plain_forward(layer, x)
    return x


_PLAIN_LAYERS: tuple[tuple[type, Layer], ...] = (
    (_RdConv, _convolution),
    (_RdConvTransposed, _convolution),
    (enn.InnerBatchNorm, _inner_batch_norm),
    (enn.ReLU, _relu),
    (enn.LeakyReLU, _leaky_relu),
    (enn.R2Upsampling, _upsampling),
    (enn.R3Upsampling, _upsampling),
    (enn.PointwiseAvgPool2D, _average_pool),
    (enn.SequentialModule, _sequence),
    (enn.IdentityModule, lambda module, x: x),
)


class FastPath:
    """A network mix-in: ``fast_path`` picks :func:`plain_forward` or escnn's own (default)."""

    fast_path: bool = False

    def run_escnn(self, network: enn.EquivariantModule, x: Tensor) -> Tensor:
        """``network`` on the plain tensor ``x``, through the path chosen."""
        if self.fast_path:
            return plain_forward(network, x)
        return network(enn.GeometricTensor(x, network.in_type)).tensor


def use_fast_path(module: nn.Module, enabled: bool) -> None:
    """Switch every :class:`FastPath` network inside ``module`` to the plain or the escnn path."""
    for sub in module.modules():
        if isinstance(sub, FastPath):
            sub.fast_path = enabled
