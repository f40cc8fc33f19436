"""The batch norm without escnn's copy gives escnn's outputs, gradients and running statistics."""

from __future__ import annotations

import copy

import pytest
import torch
from escnn import nn as enn

from ginv_lightning.escnn_support.uncopied_batch_norm import UncopiedInnerBatchNorm
from ginv_lightning.nn import EquivariantGenerator, ImageShape
from ginv_lightning.symmetry import resolve_group


def _field_types():
    gspace = resolve_group("D4").gspace
    regular = enn.FieldType(gspace, [gspace.regular_repr] * 3)
    mixed = enn.FieldType(gspace, [gspace.regular_repr, gspace.trivial_repr, gspace.regular_repr])
    return {"regular": regular, "mixed sizes": mixed}


def _trained(norm: enn.InnerBatchNorm, x: torch.Tensor) -> list[torch.Tensor]:
    """Two training steps' outputs and input gradients, then parameter gradients and buffers."""
    seen = []
    for step in range(2):
        inputs = (x + step).requires_grad_(True)
        out = norm(enn.GeometricTensor(inputs, norm.in_type)).tensor
        (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
        seen += [out.detach(), inputs.grad]
    seen += [p.grad for p in norm.parameters()] + list(norm.buffers())
    return seen


@pytest.mark.parametrize("kind", ["regular", "mixed sizes"])
def test_outputs_gradients_and_running_statistics_are_escnns_bits(kind):
    field_type = _field_types()[kind]
    escnns = enn.InnerBatchNorm(field_type, affine=True)
    with torch.no_grad():
        for p in escnns.parameters():
            p.uniform_(0.5, 1.5)
    ours = UncopiedInnerBatchNorm(field_type, affine=True)
    ours.load_state_dict(copy.deepcopy(escnns.state_dict()))
    x = torch.randn(6, field_type.size, 5, 5, generator=torch.Generator().manual_seed(0))
    for mine, theirs in zip(_trained(ours, x), _trained(escnns, x), strict=True):
        assert torch.equal(mine, theirs)
    ours.eval(), escnns.eval()
    plain = enn.GeometricTensor(x, field_type)
    assert torch.equal(ours(plain).tensor, escnns(plain).tensor)


def test_the_equivariant_generators_normalise_through_it():
    generator = EquivariantGenerator(resolve_group("C4"), ImageShape(1, 16), widths=(3, 2, 2))
    norms = [m for m in generator.modules() if isinstance(m, enn.InnerBatchNorm)]
    assert len(norms) == 3 and all(isinstance(m, UncopiedInnerBatchNorm) for m in norms)
