"""Expanding escnn filters once per optimisation step instead of once per call.

In training mode an escnn convolution (or equivariant linear map) rebuilds its
filter (matrix) from the basis and the weights on every forward call. A GAN step
calls the discriminator several times with the same weights (real and fake
images, the gradient penalty, the generator's turn). Inside
:func:`filters_expanded_once` each of them expands once and every call reuses
that (differentiable) filter: outputs and gradients are the same, the basis
expansion is paid once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from escnn.nn import Linear
from escnn.nn.modules.conv.rd_convolution import _RdConv
from escnn.nn.modules.conv.rd_transposed_convolution import _RdConvTransposed
from torch import nn

from ginv_lightning.escnn_support.walk_without_hashing import unique_modules

EXPANDING = (_RdConv, _RdConvTransposed, Linear)


@contextmanager
def filters_expanded_once(module: nn.Module) -> Iterator[None]:
    """Within the block, the training-mode escnn convolutions and linear maps expand once.

    The weights must not change inside the block (step the optimiser after it).
    """
    convolutions = [m for m in unique_modules(module) if isinstance(m, EXPANDING) and m.training]
    for convolution in convolutions:
        expanded = convolution.expand_parameters()
        convolution.expand_parameters = lambda expanded=expanded: expanded
    try:
        yield
    finally:
        for convolution in convolutions:
            del convolution.expand_parameters  # the class's method again
