"""DiffAugment's transforms (kornia): what each does, and why its law suits an invariant D."""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.gan.diff_augment import DiffAugment
from ginv_lightning.symmetry import resolve_group


def _images(n: int = 6, channels: int = 3) -> torch.Tensor:
    torch.manual_seed(1)
    return torch.rand(n, channels, 16, 16) * 1.6 - 0.8


def test_colour_commutes_with_every_d4_element_sample_by_sample():
    """Colour acts on each pixel alone: the same draw on a moved image is the moved result."""
    group = resolve_group("D4")
    augment = DiffAugment(["color"], channels=3)
    x = _images()
    torch.manual_seed(7)
    reference = augment(x)
    assert (reference - x).abs().amax() > 0.05  # it does something
    for g in group.elements():
        torch.manual_seed(7)
        moved = augment(group.act(g, x))
        assert torch.allclose(moved, group.act(g, reference), atol=1e-6), str(g)


def test_translation_shifts_by_whole_pixels_and_cutout_blanks_a_quarter():
    x = _images(channels=1) + 2.0  # no zeros of its own
    torch.manual_seed(3)
    shifted = DiffAugment(["translation"], channels=1)(x)
    zeros = (shifted == 0).flatten(1).sum(1)
    # a shift of s pixels brings s rows or columns of zeros; no value is interpolated
    kept = shifted[shifted != 0]
    assert torch.isin(kept, x).all()
    assert zeros.max() <= 16 * 2 * 2 + 4  # at most 2 px (1/8 of 16) each way
    assert (zeros > 0).any()
    torch.manual_seed(3)
    cut = DiffAugment(["cutout"], channels=1)(x)
    assert ((cut == 0).flatten(1).sum(1) == 64).all()  # an 8x8 square: a quarter


def test_gradients_flow_through_every_policy():
    x = _images().requires_grad_(True)
    DiffAugment(["color", "translation", "cutout"], channels=3)(x).square().sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


@pytest.mark.parametrize("policy", [[], ["colour"]])
def test_bad_policies_are_refused(policy):
    with pytest.raises(ValueError, match="give a non-empty list of color, translation, cutout"):
        DiffAugment(policy, channels=3)
