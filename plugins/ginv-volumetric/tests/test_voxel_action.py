"""How the cube's symmetries move voxel grids: the group law, escnn's own action, faithfulness."""

from __future__ import annotations

import pytest
import torch
from escnn import nn as enn

from ginv_lightning.symmetry import resolve_group

GROUPS = ["octahedral", "full_octahedral"]


def voxels(n: int = 2, channels: int = 2, size: int = 5) -> torch.Tensor:
    generator = torch.Generator().manual_seed(0)
    return torch.randn(n, channels, size, size, size, generator=generator, dtype=torch.float64)


@pytest.mark.parametrize("name", GROUPS)
def test_the_action_obeys_the_group_law_exactly(name):
    symmetry = resolve_group(name)
    x = voxels()
    moved = {g: symmetry.act(g, x) for g in symmetry.elements()}
    assert torch.equal(moved[symmetry.group.identity], x)
    for g in symmetry.elements():
        assert symmetry.is_exact(g)
        assert torch.equal(symmetry.act(~g, moved[g]), x)
        for h in symmetry.elements():
            assert torch.equal(symmetry.act(g, moved[h]), moved[g @ h])


@pytest.mark.parametrize("name", GROUPS)
def test_the_action_is_escnns_for_every_element(name):
    symmetry = resolve_group(name)
    scalars = enn.FieldType(symmetry.gspace, [symmetry.gspace.trivial_repr] * 2)
    regular = enn.FieldType(symmetry.gspace, [symmetry.gspace.regular_repr])
    x = voxels()
    fields = voxels(channels=regular.size, size=3)
    for g in symmetry.elements():
        assert torch.equal(symmetry.act(g, x), enn.GeometricTensor(x, scalars).transform(g).tensor)
        expected = enn.GeometricTensor(fields, regular).transform(g).tensor
        assert torch.allclose(symmetry.act_fields(g, fields, regular), expected, atol=1e-12)


@pytest.mark.parametrize("name", GROUPS)
def test_every_element_moves_a_generic_grid_differently(name):
    symmetry = resolve_group(name)
    x = voxels(n=1, channels=1)
    orbit = {tuple(symmetry.act(g, x).flatten().tolist()) for g in symmetry.elements()}
    assert len(orbit) == symmetry.order


def test_per_sample_action_moves_each_sample_by_its_own_element():
    symmetry = resolve_group("full_octahedral")
    x = voxels(n=12, channels=1)
    elements = symmetry.sample(12, generator=torch.Generator().manual_seed(1))
    moved = symmetry.act_each(elements, x)
    for i, g in enumerate(elements):
        assert torch.equal(moved[i : i + 1], symmetry.act(g, x[i : i + 1]))
