"""The action of group elements on tensors: group law, agreement with escnn, exactness."""

from __future__ import annotations

import math

import pytest
import torch
from escnn import nn as enn

from ginv_lightning.symmetry import resolve_group

EXACT_GROUPS = ["trivial", "C1", "C2", "C4", "D1", "D2", "D4", "flip"]
INTERPOLATED_GROUPS = ["C3", "C6", "C8", "D8"]


def smooth_images(n: int = 3, size: int = 33, channels: int = 2, seed: int = 0) -> torch.Tensor:
    """Sums of wide Gaussian bumps inside the inscribed disk: interpolation is accurate on them."""
    g = torch.Generator().manual_seed(seed)
    axis = torch.linspace(-1, 1, size, dtype=torch.float64)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    images = torch.zeros(n, channels, size, size, dtype=torch.float64)
    for i in range(n):
        for c in range(channels):
            for _ in range(3):
                cy, cx = (torch.rand(2, generator=g, dtype=torch.float64) - 0.5) * 0.8
                images[i, c] += torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 0.08)
    return images


def noise(size: int = 9) -> torch.Tensor:
    return torch.randn(
        3, 2, size, size, generator=torch.Generator().manual_seed(1), dtype=torch.float64
    )


@pytest.mark.parametrize("spec", EXACT_GROUPS)
def test_exact_groups_obey_the_group_law_exactly(spec):
    symmetry = resolve_group(spec)
    x = noise()
    identity = symmetry.group.identity
    assert torch.equal(symmetry.act(identity, x), x)
    for g in symmetry.elements():
        assert symmetry.is_exact(g)
        assert torch.equal(symmetry.act(~g, symmetry.act(g, x)), x)
        for h in symmetry.elements():
            assert torch.equal(symmetry.act(g, symmetry.act(h, x)), symmetry.act(g @ h, x))


@pytest.mark.parametrize("spec", INTERPOLATED_GROUPS)
def test_interpolated_groups_obey_the_group_law_on_smooth_images(spec):
    symmetry = resolve_group(spec)
    x = smooth_images()
    scale = x.abs().max()
    assert not all(symmetry.is_exact(g) for g in symmetry.elements())
    # Two bilinear resamplings of bumps about 3 pixels wide: within 5% of the peak.
    for g in symmetry.elements():
        back = symmetry.act(~g, symmetry.act(g, x))
        assert (back - x).abs().max() / scale < 0.05
        for h in symmetry.elements():
            composed = symmetry.act(g, symmetry.act(h, x))
            assert (composed - symmetry.act(g @ h, x)).abs().max() / scale < 0.05


@pytest.mark.parametrize("spec", [*EXACT_GROUPS, "C8"])
def test_action_matches_escnn_transform_for_exact_elements(spec):
    symmetry = resolve_group(spec)
    field = enn.FieldType(symmetry.gspace, [symmetry.gspace.trivial_repr] * 2)
    x = noise()
    for g in symmetry.elements():
        if symmetry.is_exact(g):
            expected = enn.GeometricTensor(x, field).transform(g).tensor
            assert torch.equal(symmetry.act(g, x), expected)


@pytest.mark.parametrize("spec", ["C8", "SO2", "O2"])
def test_interpolated_action_turns_the_same_way_as_escnn(spec):
    symmetry = resolve_group(spec)
    field = enn.FieldType(symmetry.gspace, [symmetry.gspace.trivial_repr] * 2)
    x = smooth_images()
    elements = symmetry.elements() if symmetry.is_finite else symmetry.sample(6)
    for g in elements:
        expected = enn.GeometricTensor(x, field).transform(g).tensor
        ours = symmetry.act(g, x)
        # bilinear (ours) against escnn's quadratic splines: close, not equal
        assert (ours - expected).abs().max() / x.abs().max() < 0.03


@pytest.mark.parametrize("spec", ["C4", "D4", "flip"])
def test_regular_fields_match_escnn(spec):
    symmetry = resolve_group(spec)
    field = enn.FieldType(symmetry.gspace, [symmetry.gspace.regular_repr] * 2)
    x = torch.randn(2, field.size, 7, 7, dtype=torch.float64)
    for g in symmetry.elements():
        expected = enn.GeometricTensor(x, field).transform(g).tensor
        assert torch.allclose(symmetry.act_fields(g, x, field), expected, atol=1e-12)


def test_per_sample_action_equals_one_element_at_a_time():
    symmetry = resolve_group("C8")
    x = smooth_images(n=16, channels=1)
    elements = symmetry.sample(16, generator=torch.Generator().manual_seed(3))
    moved = symmetry.act_each(elements, x)
    for i, g in enumerate(elements):
        assert torch.allclose(moved[i : i + 1], symmetry.act(g, x[i : i + 1]))


def test_action_is_differentiable():
    symmetry = resolve_group("C8")
    x = smooth_images(n=2).requires_grad_(True)
    symmetry.act_each(symmetry.elements()[:2], x).sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


@pytest.mark.parametrize("spec", ["C4", "D4", "SO2", "O2"])
def test_haar_sampling_is_seeded(spec):
    symmetry = resolve_group(spec)
    first = symmetry.sample(50, generator=torch.Generator().manual_seed(7))
    second = symmetry.sample(50, generator=torch.Generator().manual_seed(7))
    assert [str(g) for g in first] == [str(g) for g in second]


def test_finite_sampling_is_uniform_over_elements():
    symmetry = resolve_group("D4")
    draws = symmetry.sample(8000, generator=torch.Generator().manual_seed(0))
    counts = {str(g): 0 for g in symmetry.elements()}
    for g in draws:
        counts[str(g)] += 1
    assert all(abs(c - 1000) < 150 for c in counts.values()), counts


def test_so2_sampling_covers_the_circle_uniformly():
    symmetry = resolve_group("SO2")
    angles = torch.tensor([g.to("radians") for g in symmetry.sample(4000)])
    histogram = torch.histc(angles, bins=8, min=0, max=2 * math.pi)
    assert (histogram - 500).abs().max() < 120


def test_three_dimensional_signed_permutations_match_escnn_for_every_element():
    """The core acts on voxel grids too; checked on escnn's own 3-D gspace (no plugin needed)."""
    from escnn import gspaces

    from ginv_lightning.symmetry.escnn_group import EscnnGroup

    symmetry = EscnnGroup("cube rotations", gspaces.octaOnR3())
    field = enn.FieldType(symmetry.gspace, [symmetry.gspace.trivial_repr] * 2)
    x = torch.randn(2, 2, 5, 5, 5, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    for g in symmetry.elements():
        assert symmetry.is_exact(g)
        expected = enn.GeometricTensor(x, field).transform(g).tensor
        assert torch.equal(symmetry.act(g, x), expected)
        assert torch.equal(symmetry.act_each([g, g], x), expected)


def test_action_returns_a_new_tensor_even_for_the_identity():
    symmetry = resolve_group("C4")
    x = noise()
    original = x.clone()
    symmetry.act(symmetry.group.identity, x).zero_()
    assert torch.equal(x, original)
