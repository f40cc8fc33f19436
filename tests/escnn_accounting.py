"""Parameter counts from escnn's own accounting, layer by layer: the oracle for ``ginv params``.

``count_parameters`` sums the sizes of a network's trainable tensors. This adds
up what each layer *should* own instead: a steerable convolution's basis
dimension (escnn's ``basisexpansion.dimension()``) plus one bias per trivial
irrep of its output fields, a batch norm's scale and shift per field (or per
channel), a linear head's weights and bias. A network with a layer the
accounting does not know fails loudly rather than being miscounted.
"""

from __future__ import annotations

from escnn import nn as enn
from torch import nn


def _trivial_irreps(field_type: enn.FieldType) -> int:
    trivial = field_type.gspace.trivial_repr.irreps[0]
    return sum(irrep == trivial for rep in field_type.representations for irrep in rep.irreps)


def expected_parameters(network: nn.Module) -> int:
    total = 0
    for module in network.modules():
        if isinstance(module, enn.R2Conv | enn.R2ConvTransposed):
            bias = _trivial_irreps(module.out_type) if module.bias is not None else 0
            total += module.basisexpansion.dimension() + bias
        elif isinstance(module, enn.InnerBatchNorm):
            total += 2 * len(module.in_type) if module.affine else 0
        elif isinstance(module, nn.Linear):
            total += module.in_features * module.out_features + module.out_features
        elif isinstance(module, nn.Conv2d | nn.ConvTranspose2d | nn.BatchNorm2d):
            raise AssertionError(f"no accounting for plain layer {module}")
    return total
