"""Parameter-matched baselines and export to plain torch."""

from __future__ import annotations

import pytest
import torch
from escnn import nn as enn

from ginv_lightning.nn import (
    CNNDiscriminator,
    CNNGenerator,
    EquivariantGenerator,
    ImageShape,
    InvariantDiscriminator,
    SymmetrizedGenerator,
    count_parameters,
)
from ginv_lightning.symmetry import resolve_group

IMAGE = ImageShape(channels=1, size=24)


@pytest.mark.parametrize("spec", ["C4", "D4", "C8", "SO2"])
def test_parameter_matched_pairs_are_within_ten_percent(spec):
    symmetry = resolve_group(spec)
    pairs = [
        (
            EquivariantGenerator(symmetry, IMAGE, widths=[16, 8, 4], latent_fields=8),
            CNNGenerator(symmetry, IMAGE, widths=[16, 8, 4], latent_dim=8, match="params"),
        ),
        (
            InvariantDiscriminator(symmetry, IMAGE, widths=[4, 8, 16]),
            CNNDiscriminator(symmetry, IMAGE, widths=[4, 8, 16], match="params"),
        ),
    ]
    for equivariant, baseline in pairs:
        ratio = count_parameters(baseline) / count_parameters(equivariant)
        assert 0.9 <= ratio <= 1.1, (type(baseline).__name__, ratio)


def test_shape_matched_baseline_has_the_same_tensor_shapes():
    symmetry = resolve_group("C4")
    equivariant = EquivariantGenerator(symmetry, IMAGE, widths=[16, 8, 4], latent_fields=8)
    baseline = CNNGenerator(symmetry, IMAGE, widths=[16, 8, 4], latent_dim=8, match="shapes")
    assert baseline.latent_shape == equivariant.latent_shape
    plain = [m for m in baseline.net if isinstance(m, torch.nn.Conv2d | torch.nn.ConvTranspose2d)]
    steerable = [m for m in equivariant.net if isinstance(m, enn.R2Conv | enn.R2ConvTransposed)]
    assert [(m.in_channels, m.out_channels) for m in plain] == [
        (m.in_type.size, m.out_type.size) for m in steerable
    ]


@pytest.mark.parametrize("spec", ["C4", "D4", "flip", "C8", "SO2", "O2"])
def test_exported_generator_gives_the_same_images(spec):
    symmetry = resolve_group(spec)
    generator = EquivariantGenerator(symmetry, IMAGE, widths=[6, 4, 2], latent_fields=3)
    _train_batch_norm(generator)
    generator.eval()
    exported = generator.export()
    assert not any(isinstance(m, enn.EquivariantModule) for m in exported.modules())
    z = generator.sample_latent(16, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert (exported(z) - generator(z)).abs().max() <= 1e-5


def test_symmetrized_generator_exports_its_base():
    symmetry = resolve_group("C4")
    generator = SymmetrizedGenerator(symmetry, IMAGE, base=EquivariantGenerator).eval()
    exported = generator.export()
    assert not any(isinstance(m, enn.EquivariantModule) for m in exported.modules())
    z = generator.sample_latent(8)
    torch.manual_seed(5)
    expected = generator(z)
    torch.manual_seed(5)
    assert (exported(z) - expected).abs().max() <= 1e-5


def test_image_size_the_ladder_cannot_make_is_refused_with_the_sizes_it_can():
    symmetry = resolve_group("C4")
    with pytest.raises(
        ValueError, match=r"image size 30 cannot be produced with 3 stages.*e.g. 8, 12"
    ):
        EquivariantGenerator(symmetry, ImageShape(1, 30), widths=[4, 4, 4])


def _train_batch_norm(generator) -> None:
    """A few training-mode passes so batch-norm statistics are not the trivial initial ones."""
    generator.train()
    with torch.no_grad():
        for _ in range(3):
            generator(generator.sample_latent(32))
